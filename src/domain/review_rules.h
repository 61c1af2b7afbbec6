#pragma once
// The checks made at submit (which flags an order gets) and at review (which flag a
// department must override to approve). Pure.

#include <optional>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "domain/order.h"

namespace ordo::domain {

inline constexpr std::string_view kFlagBelowMinPrice = "below_min_price";
inline constexpr std::string_view kFlagCreditLimit = "credit_limit_exceeded";
inline constexpr std::string_view kFlagInsufficientStock = "insufficient_stock";
inline constexpr std::string_view kFlagLateDelivery = "late_delivery_risk";

// What submit knows beyond the order itself.
struct SubmitContext {
  Date today;
  Money credit_exposure;              // other orders' exposure
  std::optional<Money> credit_limit;  // nullopt: none
  // Per line (same index as order.lines): the product's min price and lead time.
  std::vector<Money> min_prices;
  std::vector<int> lead_time_days;
};

// Flags for an order whose lines already carry reserved/backordered quantities.
// below_min_price → sales, credit_limit_exceeded → finance, insufficient_stock →
// warehouse, late_delivery_risk → sales.
std::vector<Flag> ComputeFlags(const Order& order, const SubmitContext& ctx);

struct ReviewRequest {
  Department department = Department::kSales;
  bool approve = false;
  std::string comment;
  bool override_price = false;
  bool override_credit = false;
  std::optional<Date> restock_date;
};

// Ok when this decision may be recorded on an order with these flags; otherwise the
// business-rule Status named after the flag (409 below_min_price ...). A reject is
// always allowed; it needs a comment (validation_failed otherwise).
Status CheckReview(const std::vector<Flag>& flags, const ReviewRequest& req);

// Departments that approved in the given round.
std::vector<Department> ApprovedIn(const std::vector<Review>& reviews, int round);

// Has this department already decided in this round?
bool HasDecided(const std::vector<Review>& reviews, int round, Department d);

}  // namespace ordo::domain
