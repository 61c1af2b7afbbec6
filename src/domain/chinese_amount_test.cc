#include "domain/chinese_amount.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace ordo::domain {
namespace {

struct Case {
  const char* amount;
  const char* simplified;
  const char* traditional;
};

// Written by hand from the PBoC rules for amounts in capitals, including the rules' own
// examples (1409.50, 6007.14, 325.04, 107000.53, 16409.02).
constexpr Case kCases[] = {
    {"0.00", "零元整", "零元整"},
    {"0.01", "壹分", "壹分"},
    {"0.05", "伍分", "伍分"},
    {"0.10", "壹角", "壹角"},
    {"0.50", "伍角", "伍角"},
    {"0.56", "伍角陆分", "伍角陸分"},
    {"1.00", "壹元整", "壹元整"},
    {"1.01", "壹元零壹分", "壹元零壹分"},
    {"2.30", "贰元叁角", "貳元叁角"},
    {"10.00", "壹拾元整", "壹拾元整"},
    {"10.50", "壹拾元伍角", "壹拾元伍角"},
    {"11.00", "壹拾壹元整", "壹拾壹元整"},
    {"100.05", "壹佰元零伍分", "壹佰元零伍分"},
    {"105.00", "壹佰零伍元整", "壹佰零伍元整"},
    {"110.00", "壹佰壹拾元整", "壹佰壹拾元整"},
    {"325.04", "叁佰贰拾伍元零肆分", "叁佰貳拾伍元零肆分"},
    {"1004.00", "壹仟零肆元整", "壹仟零肆元整"},
    {"1040.00", "壹仟零肆拾元整", "壹仟零肆拾元整"},
    {"1409.50", "壹仟肆佰零玖元伍角", "壹仟肆佰零玖元伍角"},
    {"1680.32", "壹仟陆佰捌拾元叁角贰分", "壹仟陸佰捌拾元叁角貳分"},
    {"1234.56", "壹仟贰佰叁拾肆元伍角陆分", "壹仟貳佰叁拾肆元伍角陸分"},
    {"6007.14", "陆仟零柒元壹角肆分", "陸仟零柒元壹角肆分"},
    {"10000.00", "壹万元整", "壹萬元整"},
    {"10001.00", "壹万零壹元整", "壹萬零壹元整"},
    {"10010.00", "壹万零壹拾元整", "壹萬零壹拾元整"},
    {"16409.02", "壹万陆仟肆佰零玖元零贰分", "壹萬陸仟肆佰零玖元零貳分"},
    {"20000.20", "贰万元贰角", "貳萬元貳角"},
    {"100000.00", "壹拾万元整", "壹拾萬元整"},
    {"107000.53", "壹拾万柒仟元伍角叁分", "壹拾萬柒仟元伍角叁分"},
    {"300600.00", "叁拾万零陆佰元整", "叁拾萬零陸佰元整"},
    {"1000000.00", "壹佰万元整", "壹佰萬元整"},
    {"10000100.00", "壹仟万零壹佰元整", "壹仟萬零壹佰元整"},
    {"100000000.00", "壹亿元整", "壹億元整"},
    {"100000001.00", "壹亿零壹元整", "壹億零壹元整"},
    {"100010000.00", "壹亿零壹万元整", "壹億零壹萬元整"},
    {"1010101010.10", "壹拾亿壹仟零壹拾万壹仟零壹拾元壹角", "壹拾億壹仟零壹拾萬壹仟零壹拾元壹角"},
    {"1234567890.12", "壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元壹角贰分",
     "壹拾貳億叁仟肆佰伍拾陸萬柒仟捌佰玖拾元壹角貳分"},
    {"1000000000000.00", "壹万亿元整", "壹萬億元整"},
    {"1000100000000.00", "壹万零壹亿元整", "壹萬零壹億元整"},
    {"-0.05", "负伍分", "負伍分"},
    {"-1234.56", "负壹仟贰佰叁拾肆元伍角陆分", "負壹仟貳佰叁拾肆元伍角陸分"},
    {"-100000.00", "负壹拾万元整", "負壹拾萬元整"},
};

class AmountInWordsTest : public ::testing::TestWithParam<Case> {};

TEST_P(AmountInWordsTest, BothScripts) {
  const Case& c = GetParam();
  auto amount = Money::Parse(c.amount);
  ASSERT_TRUE(amount.ok()) << c.amount;
  EXPECT_EQ(AmountInWords(*amount, Script::kSimplified), c.simplified) << c.amount;
  EXPECT_EQ(AmountInWords(*amount, Script::kTraditional), c.traditional) << c.amount;
}

INSTANTIATE_TEST_SUITE_P(Pboc, AmountInWordsTest, ::testing::ValuesIn(kCases));

TEST(AmountInWords, MostNegativeValueHasAMagnitude) {
  // 92233720368547758.08 yuan: no overflow when taking the absolute value.
  const std::string words =
      AmountInWords(Money::FromUnits(std::numeric_limits<int64_t>::min()), Script::kSimplified);
  EXPECT_EQ(words.rfind("负玖亿", 0), 0u) << words;
  EXPECT_TRUE(words.ends_with("柒仟柒佰伍拾捌元零捌分")) << words;
}

}  // namespace
}  // namespace ordo::domain
