#pragma once
// Counting rows of a list query on a connection, for the SQLite statements not yet moved to
// a repository (the repositories use storage/query.h).

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/query.h"
#include "storage/sqlite/statement.h"

namespace ordo::storage::sqlite {

// SELECT COUNT(*) FROM <from><where>.
inline Result<int64_t> CountRows(Connection& conn, std::string_view from, const Where& where) {
  const std::string sql = "SELECT COUNT(*) FROM " + std::string(from) + where.Sql();
  ASSIGN_OR_RETURN(Stmt st, conn.Prepare(sql));
  where.BindTo(st);
  ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

}  // namespace ordo::storage::sqlite
