#include "domain/pricing.h"

#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <string>

namespace ordo::domain {
namespace {

Money M(const char* s) { return *Money::Parse(s); }
Qty Q(const char* s) { return *Qty::Parse(s); }
Rate R(const char* s) { return *Rate::Parse(s); }

struct LineCase {
  PriceMode mode;
  const char* qty;
  const char* unit_price;
  const char* discount_rate;
  const char* tax_rate;
  const char* net;
  const char* tax;
  const char* gross;
};

// Expected amounts worked out with decimal arithmetic and half-up rounding to cents.
constexpr LineCase kLines[] = {
    // tax_exclusive: net = round(qty × price × (1 − d)), tax = round(net × rate).
    {PriceMode::kTaxExclusive, "10", "99.00", "0.05", "0.13", "940.50", "122.27", "1062.77"},
    {PriceMode::kTaxExclusive, "3", "33.33", "0", "0.13", "99.99", "13.00", "112.99"},
    {PriceMode::kTaxExclusive, "2.5", "19.99", "0.1", "0.09", "44.98", "4.05", "49.03"},
    // 0.005 rounds up to 0.01; 0.0013 rounds down to 0.00.
    {PriceMode::kTaxExclusive, "1", "0.01", "0.5", "0.13", "0.01", "0.00", "0.01"},
    {PriceMode::kTaxExclusive, "7", "100.00", "0.125", "0.06", "612.50", "36.75", "649.25"},
    {PriceMode::kTaxExclusive, "0.333", "3.00", "0", "0", "1.00", "0.00", "1.00"},
    // Half away from zero, not to even: 0.065 → 0.07.
    {PriceMode::kTaxExclusive, "1", "0.50", "0", "0.13", "0.50", "0.07", "0.57"},
    // Rounded once at the end: 12.345 × 7.77 × 0.9625 = 92.3226...
    {PriceMode::kTaxExclusive, "12.345", "7.77", "0.0375", "0.13", "92.32", "12.00", "104.32"},
    {PriceMode::kTaxExclusive, "1000000", "12345.67", "0.01", "0.13", "12222213300.00",
     "1588887729.00", "13811101029.00"},
    // tax_inclusive: gross = round(qty × price × (1 − d)), net = round(gross ÷ (1 + rate)).
    {PriceMode::kTaxInclusive, "10", "113.00", "0", "0.13", "1000.00", "130.00", "1130.00"},
    {PriceMode::kTaxInclusive, "1", "100.00", "0", "0.13", "88.50", "11.50", "100.00"},
    {PriceMode::kTaxInclusive, "3", "9.99", "0.05", "0.09", "26.12", "2.35", "28.47"},
    {PriceMode::kTaxInclusive, "5", "20.00", "0", "0", "100.00", "0.00", "100.00"},
    // 0.04 ÷ 1.6 = 0.025 exactly: the half goes up.
    {PriceMode::kTaxInclusive, "1", "0.04", "0", "0.6", "0.03", "0.01", "0.04"},
    {PriceMode::kTaxInclusive, "1", "0.01", "0", "1", "0.01", "0.00", "0.01"},
    {PriceMode::kTaxInclusive, "12.345", "7.77", "0.0375", "0.13", "81.70", "10.62", "92.32"},
    {PriceMode::kTaxInclusive, "1000000", "12345.67", "0.01", "0.13", "10816117964.60",
     "1406095335.40", "12222213300.00"},
};

class PriceLineTest : public ::testing::TestWithParam<LineCase> {};

TEST_P(PriceLineTest, Amounts) {
  const LineCase& c = GetParam();
  const std::optional<LineAmounts> priced =
      PriceLine(c.mode, Q(c.qty), M(c.unit_price), R(c.discount_rate), R(c.tax_rate));
  const std::string where = std::string(PriceModeName(c.mode)) + " " + c.qty + " × " +
                            c.unit_price + " less " + c.discount_rate + " tax " + c.tax_rate;
  ASSERT_TRUE(priced.has_value()) << where;
  const LineAmounts& a = *priced;
  EXPECT_EQ(a.net.ToString(), c.net) << where;
  EXPECT_EQ(a.tax.ToString(), c.tax) << where;
  EXPECT_EQ(a.gross.ToString(), c.gross) << where;
  EXPECT_EQ(a.net + a.tax, a.gross) << where;
}

INSTANTIATE_TEST_SUITE_P(BothModes, PriceLineTest, ::testing::ValuesIn(kLines));

TEST(EffectiveUnitPrice, RoundsToCents) {
  struct Case {
    const char* price;
    const char* discount;
    const char* expected;
  };
  const Case cases[] = {
      {"100.00", "0.05", "95.00"}, {"99.99", "0.125", "87.49"},  {"0.05", "0.1", "0.05"},
      {"10.00", "0", "10.00"},     {"19.99", "0.3333", "13.33"}, {"95.00", "0.0526", "90.00"},
      {"80.00", "1", "0.00"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(EffectiveUnitPrice(M(c.price), R(c.discount)).ToString(), c.expected)
        << c.price << " less " << c.discount;
  }
}

OrderLine Line(int no, const char* qty, const char* price, const char* discount, const char* tax) {
  OrderLine l;
  l.line_no = no;
  l.qty = Q(qty);
  l.unit_price = M(price);
  l.discount_rate = R(discount);
  l.tax_rate = R(tax);
  // Stale amounts that PriceOrder must replace.
  l.net = M("1.00");
  l.tax = M("1.00");
  l.gross = M("1.00");
  return l;
}

TEST(PriceOrder, TaxExclusiveLinesAndTotals) {
  Order o;
  o.price_mode = PriceMode::kTaxExclusive;
  o.lines = {Line(1, "10", "99.00", "0.05", "0.13"), Line(2, "2.5", "19.99", "0.1", "0.09")};
  o.totals.freight = M("20.00");
  o.totals.discount = M("5.50");
  o.totals.net = M("999.00");  // stale
  EXPECT_FALSE(PriceOrder(o));
  EXPECT_EQ(o.lines[0].net.ToString(), "940.50");
  EXPECT_EQ(o.lines[0].tax.ToString(), "122.27");
  EXPECT_EQ(o.lines[0].gross.ToString(), "1062.77");
  EXPECT_EQ(o.lines[1].net.ToString(), "44.98");
  EXPECT_EQ(o.lines[1].tax.ToString(), "4.05");
  EXPECT_EQ(o.lines[1].gross.ToString(), "49.03");
  EXPECT_EQ(o.totals.net.ToString(), "985.48");
  EXPECT_EQ(o.totals.tax.ToString(), "126.32");
  EXPECT_EQ(o.totals.freight.ToString(), "20.00");
  EXPECT_EQ(o.totals.discount.ToString(), "5.50");
  // 1062.77 + 49.03 + 20.00 − 5.50
  EXPECT_EQ(o.totals.gross.ToString(), "1126.30");
}

TEST(PriceOrder, TaxInclusiveLinesAndTotals) {
  Order o;
  o.price_mode = PriceMode::kTaxInclusive;
  o.lines = {Line(1, "1", "100.00", "0", "0.13"), Line(2, "3", "9.99", "0.05", "0.09")};
  o.totals.freight = M("15.00");
  EXPECT_FALSE(PriceOrder(o));
  EXPECT_EQ(o.lines[0].net.ToString(), "88.50");
  EXPECT_EQ(o.lines[0].tax.ToString(), "11.50");
  EXPECT_EQ(o.lines[1].gross.ToString(), "28.47");
  EXPECT_EQ(o.totals.net.ToString(), "114.62");
  EXPECT_EQ(o.totals.tax.ToString(), "13.85");
  EXPECT_EQ(o.totals.gross.ToString(), "143.47");  // 100.00 + 28.47 + 15.00
}

TEST(PriceOrder, NoLinesLeavesFreightMinusDiscount) {
  Order o;
  o.totals.freight = M("10.00");
  o.totals.discount = M("3.00");
  EXPECT_FALSE(PriceOrder(o));
  EXPECT_TRUE(o.totals.net.is_zero());
  EXPECT_TRUE(o.totals.tax.is_zero());
  EXPECT_EQ(o.totals.gross.ToString(), "7.00");
}

// ---- the ceiling: 10^12 CNY on every amount of an order ----

constexpr PriceMode kModes[] = {PriceMode::kTaxExclusive, PriceMode::kTaxInclusive};

TEST(PriceLineCeiling, TheProductOfIssue8IsRefusedNotWrapped) {
  // 10^9 × 10^12 CNY wrapped around 64 bits to 2003764205206896.64 (and, half off, to a
  // negative net): now no amount at all.
  for (PriceMode mode : kModes) {
    for (const char* discount : {"0", "0.5", "0.9999"}) {
      EXPECT_FALSE(PriceLine(mode, Q("1000000000"), M("1000000000000"), R(discount), R("0.13")))
          << PriceModeName(mode) << " less " << discount;
    }
  }
}

TEST(PriceLineCeiling, UpToTheCeilingInclusive) {
  // Exactly 10^12 CNY gross is allowed in both modes; one cent more is not.
  const auto in =
      PriceLine(PriceMode::kTaxInclusive, Q("1"), M("1000000000000"), R("0"), R("0.13"));
  ASSERT_TRUE(in);
  EXPECT_EQ(in->gross.ToString(), "1000000000000.00");
  EXPECT_EQ(in->net.ToString(), "884955752212.39");
  EXPECT_EQ(in->tax.ToString(), "115044247787.61");
  EXPECT_FALSE(PriceLine(PriceMode::kTaxInclusive, Q("1.001"), M("1000000000000"), R("0"), R("0")));
  // Tax-exclusive: the gross includes the tax. 884955752212.39 × 1.13 = 999999999999.9999
  // → tax 115044247787.61, gross exactly 10^12.
  const auto ex =
      PriceLine(PriceMode::kTaxExclusive, Q("1"), M("884955752212.39"), R("0"), R("0.13"));
  ASSERT_TRUE(ex);
  EXPECT_EQ(ex->gross.ToString(), "1000000000000.00");
  EXPECT_FALSE(
      PriceLine(PriceMode::kTaxExclusive, Q("1"), M("884955752212.40"), R("0"), R("0.13")));
  // The net fits but the net plus its tax does not.
  EXPECT_FALSE(PriceLine(PriceMode::kTaxExclusive, Q("1"), M("1000000000000"), R("0"), R("0.01")));
  EXPECT_TRUE(PriceLine(PriceMode::kTaxExclusive, Q("1"), M("1000000000000"), R("0"), R("0")));
  // A large quantity at a small price, discounted back under the ceiling.
  const auto discounted =
      PriceLine(PriceMode::kTaxInclusive, Q("1000000000"), M("2000.00"), R("0.5"), R("0.13"));
  ASSERT_TRUE(discounted);
  EXPECT_EQ(discounted->gross.ToString(), "1000000000000.00");
}

TEST(PriceLineCeiling, AbsurdInputsAreRefusedWithoutOverflow) {
  const Qty qty_max = Qty::FromUnits(std::numeric_limits<int64_t>::max());
  const Money price_max = Money::FromUnits(std::numeric_limits<int64_t>::max());
  for (PriceMode mode : kModes) {
    EXPECT_FALSE(PriceLine(mode, qty_max, price_max, R("0"), R("0.13")));
    // A "discount" of −10^14 would take even the 128-bit product past its range.
    EXPECT_FALSE(PriceLine(mode, qty_max, price_max,
                           Rate::FromUnits(-std::numeric_limits<int64_t>::max()), R("0.13")));
  }
  // Tax at an absurd rate: past the ceiling when added on top; all of a small gross when
  // taken out of it.
  const Rate rate_max = Rate::FromUnits(std::numeric_limits<int64_t>::max());
  EXPECT_FALSE(PriceLine(PriceMode::kTaxExclusive, Q("1"), M("1.00"), R("0"), rate_max));
  EXPECT_EQ(PriceLine(PriceMode::kTaxInclusive, Q("1"), M("1.00"), R("0"), rate_max)->tax,
            M("1.00"));
  // A tax rate of −100 % has no net.
  EXPECT_FALSE(PriceLine(PriceMode::kTaxInclusive, Q("1"), M("1.00"), R("0"), R("-1")));
}

TEST(PriceOrderCeiling, NamesTheLineThatPassesItAndLeavesTheOrderAsItWas) {
  Order o;
  o.price_mode = PriceMode::kTaxExclusive;
  // Each line alone fits (gross 4 × 10^11); the third takes the goods to 1.2 × 10^12.
  o.lines = {Line(1, "1", "400000000000.00", "0", "0"), Line(2, "4", "100000000000.00", "0", "0"),
             Line(3, "1", "400000000000.00", "0", "0"), Line(4, "1", "1.00", "0", "0")};
  o.totals.freight = M("0.00");
  o.totals.gross = M("123.45");  // stale, and stays so
  const auto too_large = PriceOrder(o);
  ASSERT_TRUE(too_large);
  EXPECT_EQ(too_large->line, std::optional<size_t>(2));
  EXPECT_EQ(o.lines[0].gross.ToString(), "1.00");
  EXPECT_EQ(o.totals.gross.ToString(), "123.45");
  // A line too large on its own is named even when it comes first.
  o.lines[0].qty = Q("1000000000");
  EXPECT_EQ(PriceOrder(o)->line, std::optional<size_t>(0));
}

TEST(PriceOrderCeiling, FreightThatTakesTheGoodsPastItIsNamed) {
  Order o;
  o.price_mode = PriceMode::kTaxInclusive;
  o.lines = {Line(1, "1", "999999999999.00", "0", "0.13")};
  o.totals.freight = M("1.00");
  EXPECT_FALSE(PriceOrder(o));
  EXPECT_EQ(o.totals.gross.ToString(), "1000000000000.00");
  o.totals.freight = M("1.01");
  const auto too_large = PriceOrder(o);
  ASSERT_TRUE(too_large);
  EXPECT_FALSE(too_large->line.has_value());
  // The discount does not make room: the goods plus freight are an amount of the order.
  o.totals.discount = M("500.00");
  EXPECT_TRUE(PriceOrder(o));
}

TEST(PriceOrderCeiling, ManyLinesAtTheCeilingSumWithoutOverflow) {
  Order o;
  o.price_mode = PriceMode::kTaxExclusive;
  for (int i = 0; i < 2000; ++i) o.lines.push_back(Line(i + 1, "1", "1000000000000", "0", "0"));
  const auto too_large = PriceOrder(o);
  ASSERT_TRUE(too_large);
  EXPECT_EQ(too_large->line, std::optional<size_t>(1));
}

}  // namespace
}  // namespace ordo::domain
