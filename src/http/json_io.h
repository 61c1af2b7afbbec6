#pragma once
// Reading request JSON. Numbers that are not integers keep their decimal text: the
// parser stores them as a json "binary" holding the text (nothing in JSON text produces
// a binary), so money read from 12.30 is exactly 12.30. Reader collects every bad
// field into one validation_failed Status, and every key nobody asked for as an
// "unknown field" (a typo must never silently change a record).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/decimal.h"
#include "common/status.h"
#include "common/time.h"

namespace ordo::http {

using nlohmann::json;

// JSON nested deeper than this is refused while parsing (nothing recurses on request data
// without a bound).
inline constexpr int kMaxJsonDepth = 64;

// Parses a request body; 400 invalid_json when it is not JSON, not an object, or nested
// deeper than kMaxJsonDepth.
Result<json> ParseBody(const std::string& body);

// Why a text value is refused, or nullptr: NUL and other control characters (tab, CR and
// newline are allowed when multiline), DEL, C1 controls, and bidirectional overrides and
// isolates (U+202A-U+202E, U+2066-U+2069), which can disguise a name on screen.
const char* BadTextReason(std::string_view s, bool multiline);

// Reads typed fields out of one JSON object, collecting errors with their paths.
// Every key of the object must be asked for (Get, Has, IsNull or a typed read) before
// CheckUnknown(); the destructor checks too, so a nested reader that goes out of scope
// reports its own unknown keys. Call CheckUnknown() on the outermost reader before
// looking at the errors.
class Reader {
 public:
  Reader(const json& obj, FieldErrors& errors, std::string prefix = "")
      : obj_(obj), errors_(errors), prefix_(std::move(prefix)) {}
  ~Reader() { CheckUnknown(); }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // Records "unknown field" for each key never asked for (once).
  void CheckUnknown();

  bool Has(const char* key) const;
  // Present and null.
  bool IsNull(const char* key) const;
  std::string Path(const char* key) const { return prefix_ + key; }
  const json* Get(const char* key) const;

  // Each returns nullopt when the key is absent (or null where noted) and records an
  // error when it is present with a bad value. `required` records "required" if absent.
  // String is one line (names, codes, phones): no control characters at all; Text is free
  // text (notes, comments, addresses) that may hold tabs and line breaks.
  std::optional<std::string> String(const char* key, bool required = false, size_t max = 10000);
  std::optional<std::string> Text(const char* key, bool required = false, size_t max = 10000);
  std::optional<int64_t> Int(const char* key, bool required = false);
  std::optional<bool> Bool(const char* key, bool required = false);
  std::optional<Money> MoneyField(const char* key, bool required = false);
  std::optional<Qty> QtyField(const char* key, bool required = false);
  std::optional<Rate> RateField(const char* key, bool required = false);
  std::optional<Date> DateField(const char* key, bool required = false);
  // Present as an array (error otherwise); the elements are left to the caller.
  const json* Array(const char* key, bool required = false);
  const json* Object(const char* key, bool required = false);
  // A string that must be one of the values parse() accepts.
  template <typename E, typename Parse>
  std::optional<E> Enum(const char* key, Parse parse, const char* allowed, bool required = false) {
    auto s = String(key, required);
    if (!s) return std::nullopt;
    auto v = parse(*s);
    if (!v) errors_.Add(Path(key), std::string("must be one of ") + allowed);
    return v;
  }
  void Error(const char* key, std::string reason) { errors_.Add(Path(key), std::move(reason)); }
  FieldErrors& errors() { return errors_; }

 private:
  template <typename F>
  std::optional<F> Decimal(const char* key, bool required, int scale);
  std::optional<std::string> ReadString(const char* key, bool required, size_t max, bool multiline);
  const json& obj_;
  FieldErrors& errors_;
  std::string prefix_;
  mutable std::vector<std::string> asked_;
  bool checked_ = false;
};

// The decimal text of a JSON value that is a string, an integer or a float.
std::optional<std::string> DecimalText(const json& v);

}  // namespace ordo::http
