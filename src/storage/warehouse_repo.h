#pragma once
// Warehouses (the warehouses table), written once for both databases on storage/sql.h.
// Methods return kNotFound for a missing warehouse, kConflict "code already exists" for a
// code in use, and kConflict "stale version" when an update finds another version.
//
// Not thread-safe: reached through its Tx (tx.warehouses()) and belongs to it.

#include <cstdint>

#include "domain/entities.h"
#include "storage/page.h"
#include "storage/sql.h"

namespace ordo::storage {

class WarehouseRepo {
 public:
  explicit WarehouseRepo(Sql& sql) : sql_(sql) {}

  Result<int64_t> Insert(const domain::Warehouse& w);
  Result<domain::Warehouse> Get(int64_t id);
  // Writes w if its stored version is expected_version; the stored version becomes
  // expected_version + 1. created_at never changes.
  Status Update(const domain::Warehouse& w, int64_t expected_version);
  // Oldest first.
  Result<Page<domain::Warehouse>> List(const PageRequest& page);

 private:
  Sql& sql_;
};

}  // namespace ordo::storage
