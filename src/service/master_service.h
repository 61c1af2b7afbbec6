#pragma once
// Master data: customers, products, warehouses. Create and update validate the whole
// record, check the role, and write the record and its audit event in one transaction.
// Updates take an edit function (the HTTP layer's JSON patch) that is applied to the
// stored record inside the transaction, so a patch never works on a stale copy; an update
// that changes nothing writes nothing (no new version, no audit event).
// Thread-safe.

#include <functional>
#include <nlohmann/json.hpp>

#include "domain/entities.h"
#include "service/deps.h"

namespace ordo::service {

template <typename T>
using Edit = std::function<Status(T&)>;
// The record as clients see it; an update's audit event holds the fields of this view that
// changed, each as {"before", "after"}.
template <typename T>
using View = std::function<nlohmann::json(const T&)>;

Status ValidateCustomer(const domain::Customer& c);
// Adds the problems of payment terms under `prefix` ("payment_terms.").
void ValidatePaymentTerms(const domain::PaymentTerms& t, const std::string& prefix, FieldErrors& e);
Status ValidateProduct(const domain::Product& p);
Status ValidateWarehouse(const domain::Warehouse& w);

class MasterService {
 public:
  explicit MasterService(const Deps& deps) : deps_(deps) {}

  Result<domain::Customer> CreateCustomer(const domain::Actor& actor, domain::Customer c);
  Result<domain::Customer> GetCustomer(const domain::Actor& actor, int64_t id);
  Result<storage::Page<domain::Customer>> ListCustomers(const domain::Actor& actor,
                                                        storage::CustomerFilter f);
  Result<domain::Customer> UpdateCustomer(const domain::Actor& actor, int64_t id,
                                          std::optional<int64_t> if_match,
                                          const Edit<domain::Customer>& edit,
                                          const View<domain::Customer>& view);

  Result<domain::Product> CreateProduct(const domain::Actor& actor, domain::Product p);
  Result<domain::Product> GetProduct(const domain::Actor& actor, int64_t id);
  Result<storage::Page<domain::Product>> ListProducts(const domain::Actor& actor,
                                                      const storage::ProductFilter& f);
  Result<domain::Product> UpdateProduct(const domain::Actor& actor, int64_t id,
                                        std::optional<int64_t> if_match,
                                        const Edit<domain::Product>& edit,
                                        const View<domain::Product>& view);

  Result<domain::Warehouse> CreateWarehouse(const domain::Actor& actor, domain::Warehouse w);
  Result<domain::Warehouse> GetWarehouse(const domain::Actor& actor, int64_t id);
  // Warehouses have no updated_at: an update changes the version only.
  Result<domain::Warehouse> UpdateWarehouse(const domain::Actor& actor, int64_t id,
                                            std::optional<int64_t> if_match,
                                            const Edit<domain::Warehouse>& edit,
                                            const View<domain::Warehouse>& view);
  Result<storage::Page<domain::Warehouse>> ListWarehouses(const domain::Actor& actor,
                                                          const storage::PageRequest& page);

 private:
  const Deps& deps_;
};

}  // namespace ordo::service
