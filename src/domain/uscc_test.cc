#include "domain/uscc.h"

#include <gtest/gtest.h>

#include <string>

namespace ordo::domain {
namespace {

// Codes as published by the companies (business licences, disclosure documents), each
// checked against the GB 32100-2015 check character.
constexpr const char* kPublished[] = {
    "91350100M000100Y43",  // the example code of GB 32100-2015
    "914403001922038216",  // Huawei Technologies Co., Ltd.
    "9144030071526726XG",  // Tencent Technology (Shenzhen) Co., Ltd.
    "91440300708461136T",  // Shenzhen Tencent Computer Systems Co., Ltd.
    "91330100716105852F",  // Alibaba (China) Co., Ltd.
    "91110108551385082Q",  // Beijing Xiaomi Technology Co., Ltd.
    "91110000802100433B", "911100007109250324",
};

class PublishedUsccTest : public ::testing::TestWithParam<const char*> {};

TEST_P(PublishedUsccTest, IsValid) {
  const std::string code = GetParam();
  EXPECT_EQ(UsccProblem(code), "");
  EXPECT_TRUE(IsValidUscc(code));
  EXPECT_EQ(UsccCheckChar(std::string_view(code).substr(0, 17)), code[17]);
}

// Changing any one character to another valid one breaks the check: the weights are
// non-zero mod 31, so a single substitution always changes the sum.
TEST_P(PublishedUsccTest, EverySingleSubstitutionFails) {
  const std::string code = GetParam();
  const std::string charset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  for (size_t i = 0; i < code.size(); ++i) {
    for (const char c : charset) {
      if (c == code[i]) continue;
      std::string bad = code;
      bad[i] = c;
      EXPECT_EQ(UsccProblem(bad), "check character mismatch") << bad;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Codes, PublishedUsccTest, ::testing::ValuesIn(kPublished));

struct BadCase {
  const char* code;
  const char* problem;
};

constexpr BadCase kBad[] = {
    {"", "must be 18 characters"},
    {"91350100M000100Y4", "must be 18 characters"},
    {"91350100M000100Y433", "must be 18 characters"},
    {"91350100m000100y43", "invalid character"},  // lowercase
    {"9144030071526726xg", "invalid character"},  // lowercase check character
    {"91350100I000100Y43", "invalid character"},  // I is not used
    {"91350100O000100Y43", "invalid character"},  // O is not used
    {"91350100Z000100Y43", "invalid character"},  // Z is not used
    {"91350100S000100Y43", "invalid character"},  // S is not used
    {"91350100V000100Y43", "invalid character"},  // V is not used
    {"91350100M000100Y4 ", "invalid character"},
    {"91350100-000100Y43", "invalid character"},
    {"91350100M000100Y44", "check character mismatch"},
    {"19350100M000100Y43", "check character mismatch"},  // two characters swapped
    {"914403001922038261", "check character mismatch"},
};

TEST(Uscc, RejectsMalformedCodes) {
  for (const BadCase& c : kBad) {
    EXPECT_EQ(UsccProblem(c.code), c.problem) << '"' << c.code << '"';
    EXPECT_FALSE(IsValidUscc(c.code)) << c.code;
  }
}

TEST(Uscc, CheckCharNeedsSeventeenValidCharacters) {
  EXPECT_EQ(UsccCheckChar("91350100M000100Y4"), '3');
  // A remainder of 0 maps to the check character 0 (31 is written as 0).
  EXPECT_EQ(UsccCheckChar("00000000000000000"), '0');
  EXPECT_EQ(UsccCheckChar("1000000000000000"), std::nullopt);
  EXPECT_EQ(UsccCheckChar("913501001000100Y4X"), std::nullopt);
  EXPECT_EQ(UsccCheckChar("91350100I000100Y4"), std::nullopt);
}

}  // namespace
}  // namespace ordo::domain
