#pragma once
// The versioned schema migrations, compiled in from src/storage/migrations/*.sql
// (NNN_name.sqlite.sql, NNN_name.postgres.sql). Each runs once, in version order, in a
// transaction with the schema_migrations row that records it.

#include <string_view>
#include <vector>

namespace ordo::storage {

struct Migration {
  int version;
  std::string_view name;
  std::string_view dialect;  // "sqlite" or "postgres"
  std::string_view sql;
};

const std::vector<Migration>& Migrations();

}  // namespace ordo::storage
