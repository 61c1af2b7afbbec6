#pragma once
// Dates, instants and the clock. Instants are milliseconds since the Unix epoch (UTC);
// business dates are civil dates in the configured zone, a fixed UTC offset (China has no
// daylight saving time; Asia/Shanghai is +08:00). The Clock is injected so that tests
// and the demo generator can fix "now".

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ordo {

// A civil date, days since 1970-01-01.
struct Date {
  int32_t days = 0;
  friend auto operator<=>(Date, Date) = default;
};

Date DateFromYmd(int y, int m, int d);
void YmdFromDate(Date date, int* y, int* m, int* d);
std::string FormatDate(Date date);              // "2026-11-22"
std::string FormatDateCompact(Date date);       // "20261122"
Result<Date> ParseDate(std::string_view text);  // strict YYYY-MM-DD, a real day
int Weekday(Date date);                         // 0 = Monday ... 6 = Sunday

using Millis = int64_t;

// RFC 3339 with the given offset, e.g. "2026-11-22T10:15:30.123+08:00".
std::string FormatInstant(Millis ms, int offset_minutes);
// Accepts RFC 3339 with "Z" or an offset; returns ms since the epoch.
Result<Millis> ParseInstant(std::string_view text);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Millis Now() const = 0;
};

// Wall clock, optionally shifted: thread-safe.
class SystemClock : public Clock {
 public:
  explicit SystemClock(Millis shift_ms = 0) : shift_ms_(shift_ms) {}
  Millis Now() const override;

 private:
  Millis shift_ms_;
};

// The configured business time zone as a fixed offset.
struct TimeZone {
  std::string name = "Asia/Shanghai";
  int offset_minutes = 480;
  Date DateOf(Millis ms) const;
  Millis StartOf(Date date) const;  // 00:00 local of that date, as an instant
};

// "Asia/Shanghai", "UTC", "+08:00", "-05:30" ...; unknown names are an error.
Result<TimeZone> ParseTimeZone(std::string_view text);

}  // namespace ordo
