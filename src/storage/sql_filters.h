#pragma once
// SQL of list filters that both dialects spell the same way, with `?` placeholders and
// values always bound, for the statements not yet moved to a repository.

#include <string>
#include <string_view>
#include <vector>

#include "domain/order.h"
#include "storage/query.h"
#include "storage/store.h"

namespace ordo::storage {

// OrderFilter::awaiting, on `orders`: at least one of the departments has no review in
// the order's current round (the caller also requires status = 'pending_review'). One
// `?` per department, bound to DepartmentNames(awaiting) in order.
inline std::string AwaitingSql(size_t departments) {
  std::string any;
  for (size_t i = 0; i < departments; ++i) {
    if (i > 0) any += " OR ";
    any +=
        "NOT EXISTS (SELECT 1 FROM order_reviews r WHERE r.order_id = orders.id AND "
        "r.round = orders.review_round AND r.department = ?)";
  }
  return any;
}

// StockFilter's conditions (all but the page) on `stock s JOIN products p`.
inline void AddStockFilter(Where& where, const StockFilter& f) {
  if (f.product_id) where.And("s.product_id = ?", *f.product_id);
  std::vector<std::string> ids;
  for (int64_t id : f.product_ids) ids.push_back(std::to_string(id));
  where.AndIn("s.product_id", ids);
  if (f.warehouse_id) where.And("s.warehouse_id = ?", *f.warehouse_id);
  if (f.below_safety_only) where.And("s.on_hand - s.reserved < p.safety_stock");
}

inline std::vector<std::string> DepartmentNames(const std::vector<domain::Department>& ds) {
  std::vector<std::string> out;
  for (auto d : ds) out.emplace_back(domain::DepartmentName(d));
  return out;
}

}  // namespace ordo::storage
