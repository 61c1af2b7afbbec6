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

Money CreditExposure(const std::vector<ExposureItem>& items) {
  Money total;
  for (const ExposureItem& item : items) {
    Money owed;
    if (CountsTowardExposure(item.status)) {
      // Not yet invoiced (gross − invoiced) plus invoiced but unpaid (invoiced − paid).
      owed = item.gross - item.paid;
    } else if (item.status == OrderStatus::kCompleted || item.status == OrderStatus::kClosed) {
      // Finished orders still owe what was invoiced and not paid. Drafts, rejected and
      // cancelled orders commit nothing.
      owed = item.invoiced - item.paid;
    }
    // An overpaid order is not a credit line for the others: credit risk is counted per
    // order and never goes below zero.
    if (owed.is_negative()) owed = Money();
    total += owed;
  }
  return total;
}

bool ExceedsCreditLimit(Money exposure, Money this_order, std::optional<Money> limit) {
  return limit.has_value() && exposure + this_order > *limit;
}

}  // namespace ordo::domain
