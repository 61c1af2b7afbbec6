#pragma once
// The order state machine as one transition table: for every status and action, the
// status the order moves to, or none when the action is not allowed. Pure.

#include <optional>
#include <string_view>

#include "domain/order.h"

namespace ordo::domain {

enum class OrderAction {
  kEdit,      // PATCH: stays in draft/rejected
  kSubmit,    // draft|rejected → pending_review
  kApprove,   // one department approves; the last one moves on (see Transition)
  kReject,    // pending_review → rejected
  kConfirm,   // approved → confirmed
  kCancel,    // open, nothing shipped → cancelled
  kHold,      // open → on_hold
  kRelease,   // on_hold → the status before the hold
  kStart,     // confirmed → in_progress (execution begins)
  kComplete,  // in_progress → completed
  kClose,     // completed → closed
};
inline constexpr int kOrderActionCount = 11;
std::string_view OrderActionName(OrderAction a);

// Is `action` allowed from `from` at all?
bool IsAllowed(OrderStatus from, OrderAction action);

// Where `action` takes an order in `from`. For kApprove the target is pending_review
// (another department still to approve); use FinalApprovalTarget for the last one. For
// kRelease it is `before_hold`. nullopt when not allowed.
std::optional<OrderStatus> Transition(OrderStatus from, OrderAction action,
                                      std::optional<OrderStatus> before_hold = std::nullopt);

// After the third approval: approved when the order needs the customer's or partner's
// confirmation, else confirmed.
OrderStatus FinalApprovalTarget(bool needs_confirmation);

// Open statuses: on_hold may be entered from them.
bool IsOpen(OrderStatus s);

}  // namespace ordo::domain
