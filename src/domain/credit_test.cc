#include "domain/credit.h"

#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace ordo::domain {
namespace {

using S = OrderStatus;

Money M(const char* s) { return *Money::Parse(s); }

ExposureItem Item(S status, const char* gross, const char* invoiced, const char* paid) {
  ExposureItem i;
  i.status = status;
  i.gross = M(gross);
  i.invoiced = M(invoiced);
  i.paid = M(paid);
  return i;
}

TEST(Credit, CountsTowardExposure) {
  const struct {
    S status;
    bool counts;
  } cases[] = {
      {S::kDraft, false},     {S::kPendingReview, true}, {S::kRejected, false},
      {S::kApproved, true},   {S::kConfirmed, true},     {S::kInProgress, true},
      {S::kCompleted, false}, {S::kClosed, false},       {S::kCancelled, false},
      {S::kOnHold, true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(CountsTowardExposure(c.status), c.counts) << OrderStatusName(c.status);
  }
}

TEST(Credit, ExposurePerStatus) {
  // One order of 1000.00 with 400.00 invoiced and 100.00 paid, in each status.
  const struct {
    S status;
    const char* exposure;
  } cases[] = {
      {S::kDraft, "0.00"},       {S::kPendingReview, "900.00"}, {S::kRejected, "0.00"},
      {S::kApproved, "900.00"},  {S::kConfirmed, "900.00"},     {S::kInProgress, "900.00"},
      {S::kCompleted, "300.00"}, {S::kClosed, "300.00"},        {S::kCancelled, "0.00"},
      {S::kOnHold, "900.00"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(CreditExposure({Item(c.status, "1000.00", "400.00", "100.00")})->ToString(),
              c.exposure)
        << OrderStatusName(c.status);
  }
}

TEST(Credit, ExposureSumsOrders) {
  const std::vector<ExposureItem> items = {
      Item(S::kPendingReview, "500.00", "0.00", "0.00"),   // 500.00 not invoiced
      Item(S::kInProgress, "300.00", "300.00", "120.00"),  // 180.00 invoiced, unpaid
      Item(S::kCompleted, "200.00", "200.00", "50.00"),    // 150.00 invoiced, unpaid
      Item(S::kClosed, "100.00", "100.00", "100.00"),      // settled
      Item(S::kCancelled, "999.00", "0.00", "0.00"),      Item(S::kDraft, "999.00", "0.00", "0.00"),
      Item(S::kRejected, "999.00", "0.00", "0.00"),
  };
  EXPECT_EQ(CreditExposure(items)->ToString(), "830.00");
  EXPECT_EQ(CreditExposure({})->ToString(), "0.00");
}

TEST(Credit, OverpaidOrderDoesNotLowerExposure) {
  const std::vector<ExposureItem> items = {
      Item(S::kCompleted, "100.00", "50.00", "100.00"),  // prepaid before invoicing
      Item(S::kConfirmed, "200.00", "0.00", "0.00"),
  };
  EXPECT_EQ(CreditExposure(items)->ToString(), "200.00");
}

TEST(Credit, ExceedsCreditLimit) {
  const struct {
    const char* exposure;
    const char* this_order;
    std::optional<const char*> limit;
    bool exceeds;
  } cases[] = {
      {"800.00", "200.00", "1000.00", false},  // exactly at the limit is allowed
      {"800.00", "200.01", "1000.00", true},
      {"0.00", "1000.01", "1000.00", true},
      {"0.00", "0.01", "0.00", true},  // a zero limit allows nothing on credit
      {"0.00", "0.00", "0.00", false},
      {"99999999.00", "1.00", std::nullopt, false},  // no limit
  };
  for (const auto& c : cases) {
    const std::optional<Money> limit =
        c.limit ? std::optional<Money>(M(*c.limit)) : std::optional<Money>();
    EXPECT_EQ(ExceedsCreditLimit(M(c.exposure), M(c.this_order), limit), c.exceeds)
        << c.exposure << " + " << c.this_order << " vs " << (c.limit ? *c.limit : "none");
  }
}

TEST(Credit, ExceedsCreditLimitDoesNotWrap) {
  // Exact whatever the amounts: the sum is not wrapped around 64 bits.
  const Money max = Money::FromUnits(std::numeric_limits<int64_t>::max());
  const Money min = Money::FromUnits(std::numeric_limits<int64_t>::min());
  EXPECT_TRUE(ExceedsCreditLimit(max, max, M("9999999999999999.99")));
  EXPECT_TRUE(ExceedsCreditLimit(max, M("0.01"), max));
  EXPECT_FALSE(ExceedsCreditLimit(min, min, M("0.00")));
}

TEST(Credit, ExposureSumsExactlyOrSaysItDoesNotFit) {
  // 92,233 orders at the order ceiling (10^12 CNY) fit in an int64 of cents; one more does
  // not, and the sum says so instead of wrapping.
  std::vector<ExposureItem> items(92'233, Item(S::kConfirmed, "1000000000000.00", "0", "0"));
  EXPECT_EQ(CreditExposure(items)->ToString(), "92233000000000000.00");
  items.push_back(Item(S::kConfirmed, "1000000000000.00", "0", "0"));
  EXPECT_FALSE(CreditExposure(items).has_value());
  // An order's share is exact even when gross − paid does not fit in 64 bits.
  ExposureItem odd = Item(S::kConfirmed, "0", "0", "0");
  odd.gross = Money::FromUnits(std::numeric_limits<int64_t>::max());
  odd.paid = Money::FromUnits(-1);
  EXPECT_FALSE(CreditExposure({odd}).has_value());
}

TEST(Credit, ExposureCeiling) {
  EXPECT_EQ(kMaxExposure.ToString(), "10000000000000000.00");  // 10^16 CNY
  EXPECT_TRUE(ExposureFits(M("9999000000000000.00"), M("1000000000000.00")));
  EXPECT_FALSE(ExposureFits(M("9999000000000000.01"), M("1000000000000.00")));
  EXPECT_FALSE(ExposureFits(Money::FromUnits(std::numeric_limits<int64_t>::max()), M("0.01")));
  EXPECT_TRUE(ExposureFits(M("0"), M("0")));
}

}  // namespace
}  // namespace ordo::domain
