#include "domain/order_state.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace ordo::domain {
namespace {

using S = OrderStatus;
using A = OrderAction;

constexpr S kStatuses[] = {S::kDraft,     S::kPendingReview, S::kRejected,  S::kApproved,
                           S::kConfirmed, S::kInProgress,    S::kCompleted, S::kClosed,
                           S::kCancelled, S::kOnHold};
constexpr A kActions[] = {A::kEdit, A::kSubmit,  A::kApprove, A::kReject,   A::kConfirm, A::kCancel,
                          A::kHold, A::kRelease, A::kStart,   A::kComplete, A::kClose};

// The expected table, written independently of the implementation: the target status's
// API name, "prior" for the status before the hold, "" for not allowed.
// clang-format off
const char* const kExpected[kOrderStatusCount][kOrderActionCount] = {
  // edit      submit            approve           reject      confirm      cancel       hold       release  start          complete     close
  {"draft",    "pending_review", "",               "",         "",          "cancelled", "on_hold", "",      "",            "",          ""},        // draft
  {"",         "",               "pending_review", "rejected", "",          "cancelled", "on_hold", "",      "",            "",          ""},        // pending_review
  {"rejected", "pending_review", "",               "",         "",          "cancelled", "on_hold", "",      "",            "",          ""},        // rejected
  {"",         "",               "",               "",         "confirmed", "cancelled", "on_hold", "",      "",            "",          ""},        // approved
  {"",         "",               "",               "",         "",          "cancelled", "on_hold", "",      "in_progress", "",          ""},        // confirmed
  {"",         "",               "",               "",         "",          "",          "on_hold", "",      "",            "completed", ""},        // in_progress
  {"",         "",               "",               "",         "",          "",          "",        "",      "",            "",          "closed"},  // completed
  {"",         "",               "",               "",         "",          "",          "",        "",      "",            "",          ""},        // closed
  {"",         "",               "",               "",         "",          "",          "",        "",      "",            "",          ""},        // cancelled
  {"",         "",               "",               "",         "",          "cancelled", "",        "prior", "",            "",          ""},        // on_hold
};
// clang-format on

TEST(OrderState, EveryStatusAndAction) {
  int allowed = 0;
  for (int s = 0; s < kOrderStatusCount; ++s) {
    for (int a = 0; a < kOrderActionCount; ++a) {
      const S from = kStatuses[s];
      const A action = kActions[a];
      const std::string expected = kExpected[s][a];
      const std::string where =
          std::string(OrderStatusName(from)) + " × " + std::string(OrderActionName(action));
      // Release needs the status before the hold; confirmed is a valid one.
      const std::optional<S> got = Transition(from, action, S::kConfirmed);
      if (expected.empty()) {
        EXPECT_FALSE(IsAllowed(from, action)) << where;
        EXPECT_EQ(got, std::nullopt) << where;
        continue;
      }
      ++allowed;
      EXPECT_TRUE(IsAllowed(from, action)) << where;
      ASSERT_TRUE(got.has_value()) << where;
      EXPECT_EQ(OrderStatusName(*got), expected == "prior" ? "confirmed" : expected) << where;
    }
  }
  EXPECT_EQ(allowed, 23);
}

TEST(OrderState, EnumsAndTestTablesAgree) {
  // Guards the test itself: the arrays above follow the enums' order.
  for (int s = 0; s < kOrderStatusCount; ++s) EXPECT_EQ(static_cast<int>(kStatuses[s]), s);
  for (int a = 0; a < kOrderActionCount; ++a) EXPECT_EQ(static_cast<int>(kActions[a]), a);
}

TEST(OrderState, ReleaseReturnsToTheStatusBeforeTheHold) {
  for (const S before : kStatuses) {
    const std::optional<S> got = Transition(S::kOnHold, A::kRelease, before);
    if (IsOpen(before)) {
      EXPECT_EQ(got, before) << OrderStatusName(before);
    } else {
      // completed, closed, cancelled and on_hold itself can never precede a hold.
      EXPECT_EQ(got, std::nullopt) << OrderStatusName(before);
    }
  }
  EXPECT_EQ(Transition(S::kOnHold, A::kRelease), std::nullopt);
}

TEST(OrderState, HoldIsAllowedExactlyFromOpenStatuses) {
  for (const S s : kStatuses) {
    EXPECT_EQ(IsAllowed(s, A::kHold), IsOpen(s)) << OrderStatusName(s);
  }
}

TEST(OrderState, IsOpen) {
  const S open[] = {S::kDraft,    S::kPendingReview, S::kRejected,
                    S::kApproved, S::kConfirmed,     S::kInProgress};
  int n = 0;
  for (const S s : kStatuses) {
    const bool expected = std::find(std::begin(open), std::end(open), s) != std::end(open);
    EXPECT_EQ(IsOpen(s), expected) << OrderStatusName(s);
    n += expected;
  }
  EXPECT_EQ(n, 6);
}

TEST(OrderState, FinalApprovalTarget) {
  EXPECT_EQ(FinalApprovalTarget(true), S::kApproved);
  EXPECT_EQ(FinalApprovalTarget(false), S::kConfirmed);
}

TEST(OrderState, ActionNames) {
  const char* const names[] = {"edit", "submit",  "approve", "reject",   "confirm", "cancel",
                               "hold", "release", "start",   "complete", "close"};
  for (int a = 0; a < kOrderActionCount; ++a) {
    EXPECT_EQ(OrderActionName(kActions[a]), names[a]);
  }
}

}  // namespace
}  // namespace ordo::domain
