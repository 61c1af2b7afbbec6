#pragma once
// Credit exposure (API.md): gross of the customer's orders in pending_review, approved,
// confirmed, in_progress, on_hold not yet invoiced, plus invoiced but unpaid amounts.
// Pure.

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

// Does this order count towards exposure at all?
bool CountsTowardExposure(OrderStatus status);

Money CreditExposure(const std::vector<ExposureItem>& items);

// True when exposure + this_order exceeds the limit; no limit never exceeds.
bool ExceedsCreditLimit(Money exposure, Money this_order, std::optional<Money> limit);

}  // namespace ordo::domain
