#include "common/time.h"

#include <gtest/gtest.h>

#include <string>

namespace ordo {
namespace {

TEST(Date, YmdRoundTrips) {
  const struct {
    int y, m, d;
    int32_t days;
    const char* text;
  } cases[] = {
      {1970, 1, 1, 0, "1970-01-01"},       {1969, 12, 31, -1, "1969-12-31"},
      {2000, 2, 29, 11016, "2000-02-29"},  {2024, 2, 29, 19782, "2024-02-29"},
      {2026, 11, 22, 20779, "2026-11-22"}, {2100, 3, 1, 47541, "2100-03-01"},
      {1900, 1, 1, -25567, "1900-01-01"},
  };
  for (const auto& c : cases) {
    const Date date = DateFromYmd(c.y, c.m, c.d);
    EXPECT_EQ(date.days, c.days) << c.text;
    int y, m, d;
    YmdFromDate(date, &y, &m, &d);
    EXPECT_EQ(y, c.y);
    EXPECT_EQ(m, c.m);
    EXPECT_EQ(d, c.d);
    EXPECT_EQ(FormatDate(date), c.text);
    const Result<Date> parsed = ParseDate(c.text);
    ASSERT_TRUE(parsed.ok()) << c.text;
    EXPECT_EQ(*parsed, date) << c.text;
  }
  EXPECT_EQ(FormatDateCompact(DateFromYmd(2026, 1, 5)), "20260105");
}

TEST(Date, EveryDayOfFourCenturiesRoundTrips) {
  // 1900-01-01 .. 2299-12-31 through text and back.
  const Date first = DateFromYmd(1900, 1, 1);
  const Date last = DateFromYmd(2299, 12, 31);
  EXPECT_EQ(last.days - first.days + 1, 146097);
  for (int32_t n = first.days; n <= last.days; ++n) {
    const Result<Date> back = ParseDate(FormatDate(Date{n}));
    ASSERT_TRUE(back.ok()) << n;
    ASSERT_EQ(back->days, n);
  }
}

TEST(Date, ParseRejects) {
  const char* const bad[] = {
      "2026-02-30",           "2026-02-29",  "2100-02-29", "2026-04-31", "2026-13-01",
      "2026-00-10",           "2026-01-00",  "2026-1-05",  "2026/01/05", "20260105",
      "2026-01-05T00:00:00Z", " 2026-01-05", "",           "abcd-ef-gh", "1899-12-31",
  };
  for (const char* text : bad) {
    const Result<Date> d = ParseDate(text);
    EXPECT_FALSE(d.ok()) << text;
    EXPECT_EQ(d.status().code(), Code::kValidationFailed) << text;
  }
}

TEST(Date, Weekday) {
  EXPECT_EQ(Weekday(DateFromYmd(1970, 1, 1)), 3);    // Thursday
  EXPECT_EQ(Weekday(DateFromYmd(2024, 1, 1)), 0);    // Monday
  EXPECT_EQ(Weekday(DateFromYmd(2026, 11, 22)), 6);  // Sunday
  EXPECT_EQ(Weekday(DateFromYmd(1969, 12, 28)), 6);  // Sunday, before the epoch
}

TEST(Instant, Format) {
  const struct {
    Millis ms;
    int offset;
    const char* text;
  } cases[] = {
      {0, 0, "1970-01-01T00:00:00.000Z"},
      {0, 480, "1970-01-01T08:00:00.000+08:00"},
      {-1, 0, "1969-12-31T23:59:59.999Z"},
      {1795313730123, 480, "2026-11-22T10:15:30.123+08:00"},
      {1795313730123, 0, "2026-11-22T02:15:30.123Z"},
      {1795313730123, -330, "2026-11-21T20:45:30.123-05:30"},
      // 16:00 UTC is already the next day in Shanghai.
      {1795276800000, 480, "2026-11-22T00:00:00.000+08:00"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(FormatInstant(c.ms, c.offset), c.text);
    const Result<Millis> back = ParseInstant(c.text);
    ASSERT_TRUE(back.ok()) << c.text;
    EXPECT_EQ(*back, c.ms) << c.text;
  }
}

TEST(Instant, ParseVariants) {
  const Millis expected = 1795313730000;  // 2026-11-22T02:15:30Z
  const char* const same[] = {"2026-11-22T02:15:30Z",      "2026-11-22T02:15:30.000Z",
                              "2026-11-22t02:15:30z",      "2026-11-22 02:15:30Z",
                              "2026-11-22T10:15:30+08:00", "2026-11-22T02:15:30.0000Z"};
  for (const char* text : same) {
    const Result<Millis> ms = ParseInstant(text);
    ASSERT_TRUE(ms.ok()) << text;
    EXPECT_EQ(*ms, expected) << text;
  }
  EXPECT_EQ(*ParseInstant("2026-11-22T02:15:30.5Z"), expected + 500);
  EXPECT_EQ(*ParseInstant("2026-11-22T02:15:30.1239Z"), expected + 123);
}

TEST(Instant, ParseRejects) {
  const char* const bad[] = {
      "2026-11-22T02:15:30",       // no offset
      "2026-11-22T02:15Z",         // no seconds
      "2026-11-22T24:00:00Z",      // hour out of range
      "2026-11-22T02:60:00Z",      // minute out of range
      "2026-02-30T02:15:30Z",      // no such day
      "2026-11-22T02:15:30.Z",     // empty fraction
      "2026-11-22T02:15:30+0800",  // offset without colon
      "2026-11-22T02:15:30Zjunk",  // trailing text
      "2026-11-22",                // a date is not an instant
  };
  for (const char* text : bad) EXPECT_FALSE(ParseInstant(text).ok()) << text;
}

TEST(TimeZone, DateOfAndStartOf) {
  const TimeZone shanghai;  // Asia/Shanghai, +08:00
  // 2026-11-21T16:00Z is midnight in Shanghai: the business date flips there.
  EXPECT_EQ(FormatDate(shanghai.DateOf(1795276800000 - 1)), "2026-11-21");
  EXPECT_EQ(FormatDate(shanghai.DateOf(1795276800000)), "2026-11-22");
  EXPECT_EQ(shanghai.StartOf(DateFromYmd(2026, 11, 22)), 1795276800000);
  EXPECT_EQ(FormatDate(shanghai.DateOf(-1)), "1970-01-01");  // 07:59:59.999 local

  const TimeZone utc{"UTC", 0};
  EXPECT_EQ(FormatDate(utc.DateOf(-1)), "1969-12-31");
  EXPECT_EQ(utc.StartOf(DateFromYmd(1970, 1, 2)), 86400000);
}

TEST(TimeZone, Parse) {
  const struct {
    const char* text;
    int offset;
  } good[] = {{"Asia/Shanghai", 480}, {"UTC", 0},       {"Asia/Tokyo", 540},
              {"+08:00", 480},        {"-05:30", -330}, {"+00:00", 0}};
  for (const auto& c : good) {
    const Result<TimeZone> tz = ParseTimeZone(c.text);
    ASSERT_TRUE(tz.ok()) << c.text;
    EXPECT_EQ(tz->offset_minutes, c.offset) << c.text;
    EXPECT_EQ(tz->name, c.text);
  }
  for (const char* text : {"Mars/Olympus", "", "+8", "+08:60", "+15:00", "asia/shanghai"}) {
    EXPECT_FALSE(ParseTimeZone(text).ok()) << text;
  }
}

TEST(SystemClock, ShiftIsApplied) {
  // Only the difference is checked, so the test does not depend on the wall time.
  const SystemClock plain;
  const SystemClock shifted(3600000);
  const Millis a = plain.Now();
  const Millis b = shifted.Now();
  const Millis c = plain.Now();
  EXPECT_GE(b - c, 3600000 - 1000);
  EXPECT_LE(b - a, 3600000 + 1000);
}

}  // namespace
}  // namespace ordo
