#pragma once
// Order numbers: "SO" + business date YYYYMMDD + daily serial, at least 3 digits
// (SO20261122001, ... SO202611221000). Pure formatting; the serial comes from storage.

#include <cstdint>
#include <string>

#include "common/time.h"

namespace ordo::domain {

std::string FormatOrderNumber(Date business_date, int64_t serial);

}  // namespace ordo::domain
