#include "domain/review_rules.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ordo::domain {
namespace {

Money M(const char* s) { return *Money::Parse(s); }
Qty Q(const char* s) { return *Qty::Parse(s); }
Rate R(const char* s) { return *Rate::Parse(s); }
Date Day(const char* s) { return *ParseDate(s); }

OrderLine Line(int no, const char* price, const char* discount, const char* qty,
               const char* reserved, bool make_to_order = false) {
  OrderLine l;
  l.line_no = no;
  l.unit = "pcs";
  l.unit_price = M(price);
  l.discount_rate = R(discount);
  l.qty = Q(qty);
  l.reserved_qty = Q(reserved);
  l.backordered_qty = l.qty - l.reserved_qty;
  l.make_to_order = make_to_order;
  return l;
}

// Three lines: 1 under its minimum price, 2 partly back-ordered, 3 made to order.
struct Fixture {
  Order order;
  SubmitContext ctx;
  Fixture() {
    order.lines = {Line(1, "100.00", "0.1", "5", "5"), Line(2, "100.00", "0.05", "10", "6"),
                   Line(3, "50.00", "0", "10", "0", /*make_to_order=*/true)};
    order.totals.gross = M("300.00");
    order.requested_delivery_date = Day("2026-12-01");
    ctx.today = Day("2026-11-22");
    ctx.credit_exposure = M("800.00");
    ctx.credit_limit = M("1000.00");
    ctx.min_prices = {M("95.00"), M("95.00"), M("10.00")};
    ctx.lead_time_days = {30, 5, 20};
  }
};

std::vector<std::string> Codes(const std::vector<Flag>& flags) {
  std::vector<std::string> out;
  for (const Flag& f : flags) out.push_back(f.code);
  return out;
}

TEST(ComputeFlags, AllFourRules) {
  const Fixture f;
  const std::vector<Flag> flags = ComputeFlags(f.order, f.ctx);
  ASSERT_EQ(Codes(flags), (std::vector<std::string>{"below_min_price", "credit_limit_exceeded",
                                                    "insufficient_stock", "insufficient_stock",
                                                    "late_delivery_risk"}));

  EXPECT_EQ(flags[0].department, Department::kSales);
  EXPECT_EQ(flags[0].line_no, 1);
  EXPECT_EQ(flags[0].message,
            "line 1: unit price 90.00 after discount is below the minimum price 95.00");

  EXPECT_EQ(flags[1].department, Department::kFinance);
  EXPECT_EQ(flags[1].line_no, std::nullopt);
  EXPECT_EQ(flags[1].message,
            "credit exposure 800.00 plus this order 300.00 is 1100.00, over the credit limit "
            "1000.00");

  EXPECT_EQ(flags[2].department, Department::kWarehouse);
  EXPECT_EQ(flags[2].line_no, 2);
  EXPECT_EQ(flags[2].message, "line 2: 4 of 10 pcs back-ordered, 6 pcs reserved");
  EXPECT_EQ(flags[3].line_no, 3);
  EXPECT_EQ(flags[3].message, "line 3: 10 pcs to be made to order");

  // Line 1 has the longest lead time but is served from stock; line 3 decides.
  EXPECT_EQ(flags[4].department, Department::kSales);
  EXPECT_EQ(flags[4].message,
            "requested delivery date 2026-12-01 is earlier than 2026-12-12, when line 3 can be "
            "ready (lead time 20 days)");
}

TEST(ComputeFlags, CleanOrderHasNoFlags) {
  Fixture f;
  f.order.lines = {Line(1, "100.00", "0.05", "5", "5")};  // 95.00: at the minimum is fine
  f.ctx.min_prices = {M("95.00")};
  f.ctx.lead_time_days = {30};
  f.ctx.credit_exposure = M("700.00");  // 700 + 300 = the limit exactly
  EXPECT_TRUE(ComputeFlags(f.order, f.ctx).empty());
}

TEST(ComputeFlags, NoCreditLimitNoCreditFlag) {
  Fixture f;
  f.ctx.credit_limit = std::nullopt;
  f.ctx.credit_exposure = M("99999999.00");
  for (const Flag& flag : ComputeFlags(f.order, f.ctx)) {
    EXPECT_NE(flag.code, "credit_limit_exceeded");
  }
}

TEST(ComputeFlags, LateDeliveryBoundaries) {
  const struct {
    std::optional<const char*> requested;
    bool late;
  } cases[] = {
      {std::nullopt, false},  // no requested date, nothing to miss
      {"2026-12-11", true},   // one day before line 3 is ready
      {"2026-12-12", false},  // the day it is ready
      {"2027-01-01", false},
  };
  for (const auto& c : cases) {
    Fixture f;
    f.order.requested_delivery_date =
        c.requested ? std::optional<Date>(Day(*c.requested)) : std::optional<Date>();
    const std::vector<std::string> codes = Codes(ComputeFlags(f.order, f.ctx));
    const bool late = std::find(codes.begin(), codes.end(), "late_delivery_risk") != codes.end();
    EXPECT_EQ(late, c.late) << (c.requested ? *c.requested : "none");
  }
}

// A date written while it was still ahead and passed before submit cannot be met even by
// lines served from stock.
TEST(ComputeFlags, RequestedDateThatHasPassedIsLate) {
  Fixture f;
  f.order.lines = {Line(1, "100.00", "0", "5", "5")};  // all in stock: no lead time applies
  f.ctx.min_prices = {M("1.00")};
  f.ctx.lead_time_days = {0};
  f.ctx.credit_limit = std::nullopt;
  f.order.requested_delivery_date = Day("2026-11-21");
  const std::vector<Flag> flags = ComputeFlags(f.order, f.ctx);
  ASSERT_EQ(Codes(flags), std::vector<std::string>{"late_delivery_risk"});
  EXPECT_EQ(flags[0].department, Department::kSales);
  EXPECT_EQ(flags[0].message,
            "requested delivery date 2026-11-21 has already passed (today is 2026-11-22)");
  f.order.requested_delivery_date = Day("2026-11-22");  // today is still possible
  EXPECT_TRUE(ComputeFlags(f.order, f.ctx).empty());
}

TEST(ComputeFlags, BackOrderedLineAloneCanBeLate) {
  Fixture f;
  f.order.lines = {Line(1, "100.00", "0", "10", "6")};
  f.ctx.min_prices = {M("1.00")};
  f.ctx.lead_time_days = {14};
  f.order.requested_delivery_date = Day("2026-12-05");  // 13 days away
  const std::vector<Flag> flags = ComputeFlags(f.order, f.ctx);
  ASSERT_FALSE(flags.empty());
  EXPECT_EQ(flags.back().code, "late_delivery_risk");
  EXPECT_EQ(flags.back().message,
            "requested delivery date 2026-12-05 is earlier than 2026-12-06, when line 1 can be "
            "ready (lead time 14 days)");
}

Flag MakeFlag(std::string_view code, Department d, std::optional<int> line_no = std::nullopt) {
  return Flag{std::string(code), d, "why", line_no};
}

const std::vector<Flag> kAllFlags = {
    MakeFlag(kFlagBelowMinPrice, Department::kSales, 1),
    MakeFlag(kFlagCreditLimit, Department::kFinance),
    MakeFlag(kFlagInsufficientStock, Department::kWarehouse, 2),
    MakeFlag(kFlagLateDelivery, Department::kSales),
};

enum class Outcome { kOk, kRule, kInvalid };

struct ReviewCase {
  const char* name;
  std::vector<Flag> flags;
  ReviewRequest req;
  Outcome outcome;
  const char* detail;  // the rule code, or the reason for the comment field
};

ReviewRequest Approve(Department d, const char* comment = "") {
  ReviewRequest r;
  r.department = d;
  r.approve = true;
  r.comment = comment;
  return r;
}

ReviewRequest Reject(Department d, const char* comment) {
  ReviewRequest r = Approve(d, comment);
  r.approve = false;
  return r;
}

template <typename F>
ReviewRequest With(ReviewRequest r, F f) {
  f(r);
  return r;
}

std::vector<ReviewCase> ReviewCases() {
  using Dep = Department;
  const auto price = [](ReviewRequest& r) { r.override_price = true; };
  const auto credit = [](ReviewRequest& r) { r.override_credit = true; };
  const auto restock = [](ReviewRequest& r) { r.restock_date = Day("2026-12-20"); };
  return {
      {"sales without override", kAllFlags, Approve(Dep::kSales, "ok"), Outcome::kRule,
       "below_min_price"},
      {"sales with override", kAllFlags, With(Approve(Dep::kSales, "agreed"), price), Outcome::kOk,
       ""},
      {"sales override needs comment", kAllFlags, With(Approve(Dep::kSales), price),
       Outcome::kInvalid, "required with an override"},
      {"blank comment is no comment", kAllFlags, With(Approve(Dep::kSales, " \t"), price),
       Outcome::kInvalid, "required with an override"},
      {"sales with only the late flag", {kAllFlags[3]}, Approve(Dep::kSales), Outcome::kOk, ""},
      {"finance without override", kAllFlags, Approve(Dep::kFinance, "ok"), Outcome::kRule,
       "credit_limit_exceeded"},
      {"finance with the wrong override", kAllFlags, With(Approve(Dep::kFinance, "ok"), price),
       Outcome::kRule, "credit_limit_exceeded"},
      {"finance with override", kAllFlags, With(Approve(Dep::kFinance, "prepaid 50%"), credit),
       Outcome::kOk, ""},
      {"finance override needs comment", kAllFlags, With(Approve(Dep::kFinance), credit),
       Outcome::kInvalid, "required with an override"},
      {"warehouse without restock date", kAllFlags, Approve(Dep::kWarehouse, "ok"), Outcome::kRule,
       "insufficient_stock"},
      {"warehouse with restock date", kAllFlags, With(Approve(Dep::kWarehouse), restock),
       Outcome::kOk, ""},
      {"warehouse override flags do not help", kAllFlags,
       With(With(Approve(Dep::kWarehouse, "ok"), price), credit), Outcome::kRule,
       "insufficient_stock"},
      {"others' flags are not mine", {kAllFlags[0]}, Approve(Dep::kFinance), Outcome::kOk, ""},
      {"no flags", {}, Approve(Dep::kSales), Outcome::kOk, ""},
      {"unused override needs no comment", {}, With(Approve(Dep::kSales), price), Outcome::kOk, ""},
      {"reject with comment", kAllFlags, Reject(Dep::kSales, "price too low"), Outcome::kOk, ""},
      {"reject without comment",
       {},
       Reject(Dep::kWarehouse, ""),
       Outcome::kInvalid,
       "required when rejecting"},
      {"reject with blank comment", kAllFlags, Reject(Dep::kFinance, "  "), Outcome::kInvalid,
       "required when rejecting"},
  };
}

TEST(CheckReview, Table) {
  for (const ReviewCase& c : ReviewCases()) {
    const Status s = CheckReview(c.flags, c.req);
    switch (c.outcome) {
      case Outcome::kOk:
        EXPECT_TRUE(s.ok()) << c.name << ": " << s.message();
        break;
      case Outcome::kRule:
        EXPECT_EQ(s.code(), Code::kBusinessRule) << c.name;
        EXPECT_EQ(s.rule(), c.detail) << c.name;
        break;
      case Outcome::kInvalid:
        EXPECT_EQ(s.code(), Code::kValidationFailed) << c.name;
        ASSERT_EQ(s.fields().size(), 1u) << c.name;
        EXPECT_EQ(s.fields()[0].first, "comment") << c.name;
        EXPECT_EQ(s.fields()[0].second, c.detail) << c.name;
        break;
    }
  }
}

TEST(CheckReview, RefusalSaysWhatIsNeeded) {
  const Status s = CheckReview(kAllFlags, Approve(Department::kSales, "ok"));
  EXPECT_EQ(s.message(), "approving the sales review needs override_price (why)");
  EXPECT_EQ(s.details().at("department"), "sales");
  EXPECT_EQ(s.details().at("required"), "override_price");
  EXPECT_EQ(s.details().at("line_no"), "1");
}

Review MakeReview(int round, Department d, bool approved) {
  Review r;
  r.round = round;
  r.department = d;
  r.approved = approved;
  return r;
}

TEST(Reviews, ApprovedInAndHasDecided) {
  using D = Department;
  const std::vector<Review> reviews = {
      MakeReview(1, D::kWarehouse, true),
      MakeReview(1, D::kFinance, false),
      MakeReview(2, D::kWarehouse, true),
      MakeReview(2, D::kSales, true),
  };
  EXPECT_EQ(ApprovedIn(reviews, 1), std::vector<D>{D::kWarehouse});
  // In department order, whatever the order of the reviews.
  EXPECT_EQ(ApprovedIn(reviews, 2), (std::vector<D>{D::kSales, D::kWarehouse}));
  EXPECT_TRUE(ApprovedIn(reviews, 3).empty());
  EXPECT_TRUE(ApprovedIn({}, 1).empty());

  EXPECT_TRUE(HasDecided(reviews, 1, D::kFinance));  // a reject is a decision
  EXPECT_TRUE(HasDecided(reviews, 1, D::kWarehouse));
  EXPECT_FALSE(HasDecided(reviews, 1, D::kSales));
  EXPECT_FALSE(HasDecided(reviews, 2, D::kFinance));
  EXPECT_TRUE(HasDecided(reviews, 2, D::kSales));
}

}  // namespace
}  // namespace ordo::domain
