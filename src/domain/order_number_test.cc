#include "domain/order_number.h"

#include <gtest/gtest.h>

namespace ordo::domain {
namespace {

TEST(OrderNumber, DateAndPaddedSerial) {
  const Date d = DateFromYmd(2026, 11, 22);
  const struct {
    int64_t serial;
    const char* number;
  } cases[] = {
      {1, "SO20261122001"},       {12, "SO20261122012"},    {123, "SO20261122123"},
      {999, "SO20261122999"},     {1000, "SO202611221000"}, {1234, "SO202611221234"},
      {98765, "SO2026112298765"},
  };
  for (const auto& c : cases) EXPECT_EQ(FormatOrderNumber(d, c.serial), c.number);
}

TEST(OrderNumber, DatePartIsZeroPadded) {
  EXPECT_EQ(FormatOrderNumber(DateFromYmd(2027, 1, 5), 7), "SO20270105007");
}

}  // namespace
}  // namespace ordo::domain
