#include "domain/credit.h"

namespace ordo::domain {

bool CountsTowardExposure(OrderStatus status) {
  switch (status) {
    case OrderStatus::kPendingReview:
    case OrderStatus::kApproved:
    case OrderStatus::kConfirmed:
    case OrderStatus::kInProgress:
    case OrderStatus::kOnHold:  // a hold pauses the order; the commitment stands
      return true;
    case OrderStatus::kDraft:
    case OrderStatus::kRejected:
    case OrderStatus::kCompleted:
    case OrderStatus::kClosed:
    case OrderStatus::kCancelled:
      return false;
  }
  return false;
}

std::optional<Money> CreditExposure(const std::vector<ExposureItem>& items) {
  int128 total = 0;
  for (const ExposureItem& item : items) {
    int128 owed = 0;
    if (CountsTowardExposure(item.status)) {
      // Not yet invoiced (gross − invoiced) plus invoiced but unpaid (invoiced − paid).
      owed = static_cast<int128>(item.gross.units()) - item.paid.units();
    } else if (item.status == OrderStatus::kCompleted || item.status == OrderStatus::kClosed) {
      // Finished orders still owe what was invoiced and not paid. Drafts, rejected and
      // cancelled orders commit nothing.
      owed = static_cast<int128>(item.invoiced.units()) - item.paid.units();
    }
    // An overpaid order is not a credit line for the others: credit risk is counted per
    // order and never goes below zero.
    if (owed > 0) total += owed;  // each term < 2^64: no 128-bit overflow below 2^63 items
  }
  const std::optional<int64_t> cents = ToInt64(total);
  if (!cents) return std::nullopt;
  return Money::FromUnits(*cents);
}

bool ExposureFits(Money others, Money this_order) {
  return static_cast<int128>(others.units()) + this_order.units() <= kMaxExposure.units();
}

bool ExceedsCreditLimit(Money exposure, Money this_order, std::optional<Money> limit) {
  return limit.has_value() &&
         static_cast<int128>(exposure.units()) + this_order.units() > limit->units();
}

}  // namespace ordo::domain
