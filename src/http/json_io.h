#pragma once
// Reading request JSON. Numbers that are not integers keep their decimal text: the
// parser stores them as a json "binary" holding the text (nothing in JSON text produces
// a binary), so money read from 12.30 is exactly 12.30. Reader collects every bad
// field into one validation_failed Status.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/decimal.h"
#include "common/status.h"
#include "common/time.h"

namespace ordo::http {

using nlohmann::json;

// Parses a request body; 400 invalid_json when it is not JSON or not an object.
Result<json> ParseBody(const std::string& body);

// Reads typed fields out of one JSON object, collecting errors with their paths.
class Reader {
 public:
  Reader(const json& obj, FieldErrors& errors, std::string prefix = "")
      : obj_(obj), errors_(errors), prefix_(std::move(prefix)) {}

  bool Has(const char* key) const;
  // Present and null.
  bool IsNull(const char* key) const;
  std::string Path(const char* key) const { return prefix_ + key; }
  const json* Get(const char* key) const;

  // Each returns nullopt when the key is absent (or null where noted) and records an
  // error when it is present with a bad value. `required` records "required" if absent.
  std::optional<std::string> String(const char* key, bool required = false, size_t max = 10000);
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
  const json& obj_;
  FieldErrors& errors_;
  std::string prefix_;
};

// The decimal text of a JSON value that is a string, an integer or a float.
std::optional<std::string> DecimalText(const json& v);

}  // namespace ordo::http
