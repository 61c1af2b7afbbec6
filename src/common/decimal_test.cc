#include "common/decimal.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace ordo {
namespace {

TEST(MoneyParse, Accepted) {
  const struct {
    const char* text;
    int64_t cents;
    const char* canonical;
  } cases[] = {
      {"0", 0, "0.00"},
      {"1", 100, "1.00"},
      {"1.5", 150, "1.50"},
      {"1234.50", 123450, "1234.50"},
      {"0.01", 1, "0.01"},
      {"-0.01", -1, "-0.01"},
      {"-12.3", -1230, "-12.30"},
      {"-0", 0, "0.00"},
      {"007.10", 710, "7.10"},
      {"9999999999999999.99", 999999999999999999, "9999999999999999.99"},
  };
  for (const auto& c : cases) {
    const Result<Money> m = Money::Parse(c.text);
    ASSERT_TRUE(m.ok()) << c.text << ": " << m.status().message();
    EXPECT_EQ(m->units(), c.cents) << c.text;
    EXPECT_EQ(m->ToString(), c.canonical) << c.text;
  }
}

TEST(MoneyParse, Rejected) {
  const struct {
    const char* text;
    const char* reason;
  } cases[] = {
      {"1.234", "at most 2 decimals"},
      {"0.001", "at most 2 decimals"},
      {"1e5", "must be a decimal number"},
      {"1E5", "must be a decimal number"},
      {" 1", "must be a decimal number"},
      {"1 ", "must be a decimal number"},
      {"+1", "must be a decimal number"},
      {".5", "must be a decimal number"},
      {"1.", "must be a decimal number"},
      {"-.5", "must be a decimal number"},
      {"", "must be a decimal number"},
      {"-", "must be a decimal number"},
      {"--1", "must be a decimal number"},
      {"1.2.3", "must be a decimal number"},
      {"1,000.00", "must be a decimal number"},
      {"0x10", "must be a decimal number"},
      {"NaN", "must be a decimal number"},
      {"10000000000000000", "too large"},  // 17 integer digits do not fit in cents
  };
  for (const auto& c : cases) {
    const Result<Money> m = Money::Parse(c.text);
    ASSERT_FALSE(m.ok()) << '"' << c.text << '"';
    EXPECT_EQ(m.status().code(), Code::kValidationFailed) << c.text;
    EXPECT_EQ(m.status().message(), c.reason) << c.text;
  }
}

TEST(QtyAndRate, ScalesAndTrimming) {
  EXPECT_EQ(Qty::Parse("2.5")->units(), 2500);
  EXPECT_EQ(Qty::Parse("2.5")->ToTrimmed(), "2.5");
  EXPECT_EQ(Qty::Parse("10")->ToTrimmed(), "10");
  EXPECT_EQ(Qty::Parse("10")->ToString(), "10.000");
  EXPECT_EQ(Qty::Parse("0.001")->ToTrimmed(), "0.001");
  EXPECT_EQ(Qty::Parse("0.0001").status().message(), "at most 3 decimals");
  EXPECT_EQ(Rate::Parse("0.13")->units(), 1300);
  EXPECT_EQ(Rate::Parse("0.13")->ToTrimmed(), "0.13");
  EXPECT_EQ(Rate::Parse("0.125")->ToTrimmed(), "0.125");
  EXPECT_EQ(Rate::Parse("0")->ToTrimmed(), "0");
  EXPECT_EQ(Rate::Parse("0.12345").status().message(), "at most 4 decimals");
  EXPECT_EQ(Qty::Parse("-2.50")->ToTrimmed(), "-2.5");
}

TEST(Format, Table) {
  const struct {
    int64_t units;
    int scale;
    bool trim;
    const char* text;
  } cases[] = {
      {0, 2, false, "0.00"},
      {0, 2, true, "0"},
      {5, 2, false, "0.05"},
      {-5, 2, false, "-0.05"},
      {-50, 2, true, "-0.5"},
      {123450, 2, true, "1234.5"},
      {100, 2, true, "1"},
      {42, 0, false, "42"},
      {1, 4, false, "0.0001"},
      {std::numeric_limits<int64_t>::min(), 2, false, "-92233720368547758.08"},
      {std::numeric_limits<int64_t>::max(), 2, false, "92233720368547758.07"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Format(c.units, c.scale, c.trim), c.text) << c.units << "/" << c.scale;
  }
}

TEST(DivRoundHalfUp, HalvesAwayFromZero) {
  const struct {
    int64_t a, b, q;
  } cases[] = {
      {5, 2, 3},   {-5, 2, -3}, {5, -2, -3}, {-5, -2, 3}, {4, 3, 1},   {5, 3, 2},   {-4, 3, -1},
      {-5, 3, -2}, {0, 7, 0},   {7, 7, 1},   {15, 10, 2}, {25, 10, 3}, {14, 10, 1}, {-15, 10, -2},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(static_cast<int64_t>(DivRoundHalfUp(c.a, c.b)), c.q) << c.a << "/" << c.b;
  }
}

TEST(Exact, ArithmeticAndRounding) {
  const Money price = *Money::Parse("19.99");
  const Qty qty = *Qty::Parse("2.5");
  const Exact product = qty * price;  // 49.975 exactly
  EXPECT_EQ(product.scale, 5);
  EXPECT_EQ(static_cast<int64_t>(product.mantissa), 4997500);
  EXPECT_EQ(Money::FromExactChecked(product)->ToString(), "49.98");
  EXPECT_EQ(Money::FromExactChecked(Exact{-49975, 3})->ToString(), "-49.98");
  EXPECT_EQ(Money::FromExactChecked(Exact{49974, 3})->ToString(), "49.97");
  EXPECT_EQ(Money::FromExactChecked(Exact{7, 0})->ToString(), "7.00");

  const Exact sum = Exact{15, 1} + Exact{25, 2};  // 1.5 + 0.25
  EXPECT_EQ(sum.scale, 2);
  EXPECT_EQ(static_cast<int64_t>(sum.mantissa), 175);
  const Exact diff = Exact{1, 0} - Exact{25, 2};
  EXPECT_EQ(static_cast<int64_t>(diff.mantissa), 75);
  EXPECT_EQ(diff.scale, 2);
}

TEST(Fixed, ArithmeticAndComparison) {
  const Money a = Money::FromInt(10);
  const Money b = Money::FromUnits(250);
  EXPECT_EQ((a + b).ToString(), "12.50");
  EXPECT_EQ((a - b).ToString(), "7.50");
  EXPECT_EQ((-b).ToString(), "-2.50");
  EXPECT_LT(b, a);
  EXPECT_TRUE((b - a).is_negative());
  EXPECT_TRUE(Money().is_zero());
  Money c = a;
  c += b;
  c -= Money::FromUnits(50);
  EXPECT_EQ(c.ToString(), "12.00");
}

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(Checked, FromExactRefusesWhatDoesNotFit) {
  // The product of issue 8: 10^9 × 10^12 CNY = 10^21 CNY, 10^23 cents. It used to wrap to
  // 2003764205206896.64.
  const Exact huge = *Qty::Parse("1000000000") * *Money::Parse("1000000000000");
  EXPECT_FALSE(Money::FromExactChecked(huge).has_value());
  EXPECT_FALSE(Money::FromExactChecked(Exact{-huge.mantissa, huge.scale}).has_value());
  // The largest and smallest cents still fit, also after rounding.
  EXPECT_EQ(Money::FromExactChecked(Exact{kMax, 2})->units(), kMax);
  EXPECT_EQ(Money::FromExactChecked(Exact{kMin, 2})->units(), kMin);
  EXPECT_EQ(Money::FromExactChecked(Exact{static_cast<int128>(kMax) * 10 + 4, 3})->units(), kMax);
  EXPECT_FALSE(Money::FromExactChecked(Exact{static_cast<int128>(kMax) * 10 + 5, 3}));
  EXPECT_FALSE(Money::FromExactChecked(Exact{static_cast<int128>(kMax) + 1, 2}));
  EXPECT_FALSE(Money::FromExactChecked(Exact{static_cast<int128>(kMin) - 1, 2}));
  // Scaling up can overflow before the range check: 10^20 at scale 0 is 10^22 cents.
  EXPECT_FALSE(Money::FromExactChecked(Exact{Pow10(20), 0}));
  EXPECT_FALSE(Money::FromExactChecked(Exact{Pow10(37), -2}));
  EXPECT_EQ(Money::FromExactChecked(Exact{Pow10(16), 0})->units(), 1'000'000'000'000'000'000);
  // Far more decimals than any scale: tiny values round to zero or are refused.
  EXPECT_EQ(Money::FromExactChecked(Exact{Pow10(30), 36})->ToString(), "0.00");
  EXPECT_FALSE(Money::FromExactChecked(Exact{1, 40}));
}

TEST(Checked, MulRefusesA128BitOverflow) {
  const Exact big{Pow10(19), 0};
  EXPECT_EQ(CheckedMul(big, big)->mantissa, Pow10(38));
  EXPECT_EQ(CheckedMul(big, big)->scale, 0);
  EXPECT_FALSE(CheckedMul(Exact{Pow10(20), 0}, big));
  EXPECT_FALSE(CheckedMul(Exact{-Pow10(20), 1}, big));
  EXPECT_EQ(CheckedMul(Exact{-3, 1}, Exact{7, 2})->mantissa, -21);
  EXPECT_EQ(CheckedMul(Exact{-3, 1}, Exact{7, 2})->scale, 3);
  // Three int64 factors, as a line's qty × price × (1 − discount) with absurd inputs.
  const auto two = CheckedMul(Exact{kMax, 3}, Exact{kMax, 2});
  ASSERT_TRUE(two.has_value());
  EXPECT_FALSE(CheckedMul(*two, Exact{kMax, 4}));
  // −2^127 fits in 128 bits but cannot be negated: refused.
  const int128 two63 = static_cast<int128>(1) << 63;
  EXPECT_FALSE(CheckedMul(Exact{-two63, 0}, Exact{two63 * 2, 0}));
}

TEST(Checked, AddAndSubAtTheEdges) {
  const Money max = Money::FromUnits(kMax);
  const Money min = Money::FromUnits(kMin);
  const Money cent = Money::FromUnits(1);
  EXPECT_EQ(CheckedAdd(max - cent, cent), max);
  EXPECT_FALSE(CheckedAdd(max, cent));
  EXPECT_FALSE(CheckedAdd(min, -cent));
  EXPECT_EQ(CheckedAdd(max, min), Money::FromUnits(-1));
  EXPECT_EQ(CheckedSub(min + cent, cent), min);
  EXPECT_FALSE(CheckedSub(min, cent));
  EXPECT_FALSE(CheckedSub(Money(), min));
  EXPECT_FALSE(CheckedSub(max, -cent));
  EXPECT_EQ(CheckedAdd(*Qty::Parse("1.5"), *Qty::Parse("2.25"))->ToTrimmed(), "3.75");
}

TEST(Checked, ToInt64) {
  EXPECT_EQ(ToInt64(kMax), kMax);
  EXPECT_EQ(ToInt64(kMin), kMin);
  EXPECT_FALSE(ToInt64(static_cast<int128>(kMax) + 1));
  EXPECT_FALSE(ToInt64(static_cast<int128>(kMin) - 1));
}

TEST(Pow10, Values) {
  EXPECT_EQ(static_cast<int64_t>(Pow10(0)), 1);
  EXPECT_EQ(static_cast<int64_t>(Pow10(4)), 10000);
  EXPECT_EQ(static_cast<int64_t>(Pow10(18)), 1000000000000000000);
  EXPECT_EQ(Pow10(36) / Pow10(18), Pow10(18));
}

}  // namespace
}  // namespace ordo
