#include "common/time.h"

#include <chrono>
#include <cstdio>

namespace ordo {

// Howard Hinnant's days_from_civil / civil_from_days.
Date DateFromYmd(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return Date{era * 146097 + static_cast<int>(doe) - 719468};
}

void YmdFromDate(Date date, int* y, int* m, int* d) {
  const int z = date.days + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int yy = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yy + (*m <= 2);
}

std::string FormatDate(Date date) {
  int y, m, d;
  YmdFromDate(date, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

std::string FormatDateCompact(Date date) {
  int y, m, d;
  YmdFromDate(date, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d", y, m, d);
  return buf;
}

static bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

static int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[m - 1];
}

Result<Date> ParseDate(std::string_view text) {
  int y, m, d;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !Digits(text, 0, 4, &y) ||
      !Digits(text, 5, 2, &m) || !Digits(text, 8, 2, &d) || m < 1 || m > 12 || d < 1 ||
      d > DaysInMonth(y, m) || y < 1900) {
    return Status(Code::kValidationFailed, "must be a date YYYY-MM-DD");
  }
  return DateFromYmd(y, m, d);
}

int Weekday(Date date) {
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  int w = (date.days + 3) % 7;
  return w < 0 ? w + 7 : w;
}

static Millis FloorDiv(Millis a, Millis b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

std::string FormatInstant(Millis ms, int offset_minutes) {
  const Millis local = ms + static_cast<Millis>(offset_minutes) * 60000;
  const Millis day_ms = 86400000;
  const Millis days = FloorDiv(local, day_ms);
  const Millis rem = local - days * day_ms;
  int y, mo, d;
  YmdFromDate(Date{static_cast<int32_t>(days)}, &y, &mo, &d);
  const int h = static_cast<int>(rem / 3600000);
  const int mi = static_cast<int>(rem / 60000 % 60);
  const int s = static_cast<int>(rem / 1000 % 60);
  const int milli = static_cast<int>(rem % 1000);
  char buf[64];
  if (offset_minutes == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, mo, d, h, mi, s,
                  milli);
  } else {
    const int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%c%02d:%02d", y, mo, d, h, mi,
                  s, milli, offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  }
  return buf;
}

Result<Millis> ParseInstant(std::string_view t) {
  const Status bad(Code::kValidationFailed, "must be an RFC 3339 time");
  if (t.size() < 20) return bad;
  auto date = ParseDate(t.substr(0, 10));
  if (!date.ok() || (t[10] != 'T' && t[10] != 't' && t[10] != ' ')) return bad;
  int h, mi, s;
  if (!Digits(t, 11, 2, &h) || t[13] != ':' || !Digits(t, 14, 2, &mi) || t[16] != ':' ||
      !Digits(t, 17, 2, &s) || h > 23 || mi > 59 || s > 60) {
    return bad;
  }
  size_t i = 19;
  int milli = 0;
  if (i < t.size() && t[i] == '.') {
    ++i;
    int n = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      if (n < 3) milli = milli * 10 + (t[i] - '0');
      ++n;
      ++i;
    }
    if (n == 0) return bad;
    for (; n < 3; ++n) milli *= 10;
  }
  int offset = 0;
  if (i < t.size() && (t[i] == 'Z' || t[i] == 'z')) {
    ++i;
  } else if (i + 6 == t.size() && (t[i] == '+' || t[i] == '-') && t[i + 3] == ':') {
    int oh, om;
    if (!Digits(t, i + 1, 2, &oh) || !Digits(t, i + 4, 2, &om)) return bad;
    offset = (oh * 60 + om) * (t[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return bad;
  }
  if (i != t.size()) return bad;
  return static_cast<Millis>(date->days) * 86400000 + h * 3600000LL + mi * 60000LL + s * 1000LL +
         milli - offset * 60000LL;
}

Millis SystemClock::Now() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() + shift_ms_;
}

Date TimeZone::DateOf(Millis ms) const {
  const Millis local = ms + static_cast<Millis>(offset_minutes) * 60000;
  return Date{static_cast<int32_t>(FloorDiv(local, 86400000))};
}

Millis TimeZone::StartOf(Date date) const {
  return static_cast<Millis>(date.days) * 86400000 - static_cast<Millis>(offset_minutes) * 60000;
}

Result<TimeZone> ParseTimeZone(std::string_view text) {
  struct Named {
    const char* name;
    int offset;
  };
  static const Named kNames[] = {
      {"Asia/Shanghai", 480},  {"Asia/Hong_Kong", 480}, {"Asia/Taipei", 480}, {"Asia/Macau", 480},
      {"Asia/Singapore", 480}, {"Asia/Tokyo", 540},     {"UTC", 0},           {"Etc/UTC", 0}};
  for (const auto& n : kNames) {
    if (text == n.name) return TimeZone{n.name, n.offset};
  }
  int oh, om;
  if (text.size() == 6 && (text[0] == '+' || text[0] == '-') && text[3] == ':' &&
      Digits(text, 1, 2, &oh) && Digits(text, 4, 2, &om) && oh <= 14 && om < 60) {
    return TimeZone{std::string(text), (oh * 60 + om) * (text[0] == '-' ? -1 : 1)};
  }
  return Status(Code::kValidationFailed,
                "unknown time zone (use Asia/Shanghai, UTC or an offset like +08:00)");
}

}  // namespace ordo
