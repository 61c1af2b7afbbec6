#pragma once
// Credit exposure (API.md): gross of the customer's orders in pending_review, approved,
// confirmed, in_progress, on_hold not yet invoiced, plus invoiced but unpaid amounts.
// Sums are exact: 128-bit, never wrapped. Pure.

#include <optional>
#include <vector>

#include "common/decimal.h"
#include "domain/order.h"

namespace ordo::domain {

// What the exposure needs to know of one existing order.
struct ExposureItem {
  OrderStatus status = OrderStatus::kDraft;
  std::optional<OrderStatus> status_before_hold;  // for on_hold orders
  Money gross;
  Money invoiced;  // amount invoiced so far
  Money paid;      // amount paid so far
};

// The ceiling on a customer's credit exposure with the order being submitted counted:
// 10^16 CNY, ten thousand orders at the order ceiling (pricing.h). A submit past it is
// refused, so the exposure of other orders a store sums stays below 10^18 cents (plus what
// concurrent submits add, 10^14 each), far from the 9.2 × 10^18 an int64 holds; credit
// limits (< 10^16 CNY, what money fields parse) compare with it without overflow.
inline constexpr Money kMaxExposure = Money::FromUnits(1'000'000'000'000'000'000);

// Does this order count towards exposure at all?
bool CountsTowardExposure(OrderStatus status);

// Σ of what each order owes; nullopt when the sum does not fit in Money.
std::optional<Money> CreditExposure(const std::vector<ExposureItem>& items);

// Whether the exposure of the other orders plus this order stays within kMaxExposure.
bool ExposureFits(Money others, Money this_order);

// True when exposure + this_order exceeds the limit; no limit never exceeds. Exact for
// any amounts.
bool ExceedsCreditLimit(Money exposure, Money this_order, std::optional<Money> limit);

}  // namespace ordo::domain
