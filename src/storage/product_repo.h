#pragma once
// Products (the products table), written once for both databases on storage/sql.h.
// Methods return kNotFound for a missing product, kConflict "sku already exists" for an
// SKU in use, and kConflict "stale version" when an update finds another version.
//
// Not thread-safe: reached through its Tx (tx.products()) and belongs to it.

#include <cstdint>
#include <optional>
#include <string>

#include "domain/entities.h"
#include "storage/page.h"
#include "storage/sql.h"

namespace ordo::storage {

struct ProductFilter {
  std::string q;  // sku, name or spec contains, ignoring case
  std::optional<bool> active;
  PageRequest page;
};

class ProductRepo {
 public:
  explicit ProductRepo(Sql& sql) : sql_(sql) {}

  Result<int64_t> Insert(const domain::Product& p);
  Result<domain::Product> Get(int64_t id);
  // Writes p if its stored version is expected_version; the stored version becomes
  // expected_version + 1.
  Status Update(const domain::Product& p, int64_t expected_version);
  // Oldest first.
  Result<Page<domain::Product>> List(const ProductFilter& f);

 private:
  Sql& sql_;
};

}  // namespace ordo::storage
