#include "domain/order_number.h"

namespace ordo::domain {

std::string FormatOrderNumber(Date business_date, int64_t serial) {
  std::string digits = std::to_string(serial);
  // At least three digits; a busier day simply gets a longer number (SO202611221000).
  if (digits.size() < 3) digits.insert(0, 3 - digits.size(), '0');
  return "SO" + FormatDateCompact(business_date) + digits;
}

}  // namespace ordo::domain
