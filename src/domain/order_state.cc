#include "domain/order_state.h"

#include <array>
#include <cstddef>

namespace ordo::domain {

namespace {

// One cell of the table: not allowed, a fixed target, or "the status before the hold".
struct Cell {
  enum class Kind : unsigned char { kNo, kTo, kPrior };
  Kind kind = Kind::kNo;
  OrderStatus to = OrderStatus::kDraft;
};

constexpr Cell To(OrderStatus s) { return {Cell::Kind::kTo, s}; }

// Short names keep the table one row per status within the column limit.
constexpr Cell kNo = {};
constexpr Cell kPri = {Cell::Kind::kPrior, OrderStatus::kOnHold};  // the status before the hold
constexpr Cell kDra = To(OrderStatus::kDraft);
constexpr Cell kPen = To(OrderStatus::kPendingReview);
constexpr Cell kRej = To(OrderStatus::kRejected);
constexpr Cell kCfm = To(OrderStatus::kConfirmed);
constexpr Cell kRun = To(OrderStatus::kInProgress);
constexpr Cell kCmp = To(OrderStatus::kCompleted);
constexpr Cell kCls = To(OrderStatus::kClosed);
constexpr Cell kCan = To(OrderStatus::kCancelled);
constexpr Cell kHld = To(OrderStatus::kOnHold);

using Row = std::array<Cell, kOrderActionCount>;

// Rows follow OrderStatus, columns follow OrderAction. kApprove stays in pending_review:
// the service moves the order on after the third department (FinalApprovalTarget).
// Cancelling "while nothing has shipped" is the service's check. in_progress is left out:
// once execution starts a cancellation needs agreed compensation (PRODUCT.md), which is
// a change request, not this action.
// clang-format off
constexpr std::array<Row, kOrderStatusCount> kTable = {{
  //                edit  submit approve reject confirm cancel hold  release start complete close
  /* draft       */ {kDra, kPen,  kNo,    kNo,   kNo,    kCan,  kHld, kNo,    kNo,  kNo,     kNo},
  /* pending     */ {kNo,  kNo,   kPen,   kRej,  kNo,    kCan,  kHld, kNo,    kNo,  kNo,     kNo},
  /* rejected    */ {kRej, kPen,  kNo,    kNo,   kNo,    kCan,  kHld, kNo,    kNo,  kNo,     kNo},
  /* approved    */ {kNo,  kNo,   kNo,    kNo,   kCfm,   kCan,  kHld, kNo,    kNo,  kNo,     kNo},
  /* confirmed   */ {kNo,  kNo,   kNo,    kNo,   kNo,    kCan,  kHld, kNo,    kRun, kNo,     kNo},
  /* in_progress */ {kNo,  kNo,   kNo,    kNo,   kNo,    kNo,   kHld, kNo,    kNo,  kCmp,    kNo},
  /* completed   */ {kNo,  kNo,   kNo,    kNo,   kNo,    kNo,   kNo,  kNo,    kNo,  kNo,     kCls},
  /* closed      */ {kNo,  kNo,   kNo,    kNo,   kNo,    kNo,   kNo,  kNo,    kNo,  kNo,     kNo},
  /* cancelled   */ {kNo,  kNo,   kNo,    kNo,   kNo,    kNo,   kNo,  kNo,    kNo,  kNo,     kNo},
  /* on_hold     */ {kNo,  kNo,   kNo,    kNo,   kNo,    kCan,  kNo,  kPri,   kNo,  kNo,     kNo},
}};
// clang-format on

const Cell& CellOf(OrderStatus from, OrderAction action) {
  return kTable[static_cast<size_t>(from)][static_cast<size_t>(action)];
}

}  // namespace

std::string_view OrderActionName(OrderAction a) {
  static constexpr std::string_view kNames[] = {"edit",    "submit",   "approve", "reject",
                                                "confirm", "cancel",   "hold",    "release",
                                                "start",   "complete", "close"};
  static_assert(std::size(kNames) == kOrderActionCount);
  return kNames[static_cast<size_t>(a)];
}

bool IsAllowed(OrderStatus from, OrderAction action) {
  return CellOf(from, action).kind != Cell::Kind::kNo;
}

std::optional<OrderStatus> Transition(OrderStatus from, OrderAction action,
                                      std::optional<OrderStatus> before_hold) {
  const Cell& cell = CellOf(from, action);
  switch (cell.kind) {
    case Cell::Kind::kNo:
      return std::nullopt;
    case Cell::Kind::kTo:
      return cell.to;
    case Cell::Kind::kPrior:
      // A hold can only have been entered from an open status; anything else means the
      // record is inconsistent, and we refuse rather than guess.
      if (!before_hold || !IsOpen(*before_hold)) return std::nullopt;
      return *before_hold;
  }
  return std::nullopt;
}

OrderStatus FinalApprovalTarget(bool needs_confirmation) {
  return needs_confirmation ? OrderStatus::kApproved : OrderStatus::kConfirmed;
}

bool IsOpen(OrderStatus s) {
  switch (s) {
    case OrderStatus::kDraft:
    case OrderStatus::kPendingReview:
    case OrderStatus::kRejected:
    case OrderStatus::kApproved:
    case OrderStatus::kConfirmed:
    case OrderStatus::kInProgress:
      return true;
    case OrderStatus::kCompleted:
    case OrderStatus::kClosed:
    case OrderStatus::kCancelled:
    case OrderStatus::kOnHold:
      return false;
  }
  return false;
}

}  // namespace ordo::domain
