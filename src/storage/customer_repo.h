#pragma once
// Customers (the customers table), written once for both databases on storage/sql.h.
// Methods return kNotFound for a missing customer, kConflict "code already exists" for a
// code in use, and kConflict "stale version" when an update finds another version.
//
// Not thread-safe: reached through its Tx (tx.customers()) and belongs to it.

#include <cstdint>
#include <optional>
#include <string>

#include "domain/entities.h"
#include "storage/page.h"
#include "storage/sql.h"

namespace ordo::storage {

struct CustomerFilter {
  std::string q;  // code or name contains, ignoring case
  std::optional<bool> blocked;
  std::optional<int64_t> partner_id;
  PageRequest page;
};

class CustomerRepo {
 public:
  explicit CustomerRepo(Sql& sql) : sql_(sql) {}

  Result<int64_t> Insert(const domain::Customer& c);
  Result<domain::Customer> Get(int64_t id);
  // Writes c if its stored version is expected_version; the stored version becomes
  // expected_version + 1.
  Status Update(const domain::Customer& c, int64_t expected_version);
  // Oldest first.
  Result<Page<domain::Customer>> List(const CustomerFilter& f);

 private:
  Sql& sql_;
};

}  // namespace ordo::storage
