#include "http/json_io.h"

#include <algorithm>

namespace ordo::http {

namespace {

// Builds the DOM like nlohmann's own parser, but keeps floats as their text and stops at
// kMaxJsonDepth (the parser itself does not recurse, but copying or printing a deep tree
// would).
class DecimalKeepingParser : public nlohmann::detail::json_sax_dom_parser<json> {
  using Base = nlohmann::detail::json_sax_dom_parser<json>;

 public:
  explicit DecimalKeepingParser(json& root) : Base(root, false) {}
  bool number_float(json::number_float_t /*unused*/, const json::string_t& text) {
    json::binary_t bin(std::vector<std::uint8_t>(text.begin(), text.end()));
    return binary(bin);
  }
  bool start_object(std::size_t len) { return Deeper() && Base::start_object(len); }
  bool start_array(std::size_t len) { return Deeper() && Base::start_array(len); }
  bool end_object() {
    --depth_;
    return Base::end_object();
  }
  bool end_array() {
    --depth_;
    return Base::end_array();
  }
  bool too_deep() const { return too_deep_; }

 private:
  bool Deeper() {
    if (++depth_ <= kMaxJsonDepth) return true;
    too_deep_ = true;
    return false;
  }
  int depth_ = 0;
  bool too_deep_ = false;
};

}  // namespace

Result<json> ParseBody(const std::string& body) {
  json root;
  DecimalKeepingParser sax(root);
  bool ok = false;
  try {
    ok = json::sax_parse(body, &sax, json::input_format_t::json, true);
  } catch (const std::exception&) {
    ok = false;
  }
  if (sax.too_deep()) {
    return Status(Code::kInvalidJson, "request body is nested deeper than 64 levels");
  }
  if (!ok || sax.is_errored()) return Status(Code::kInvalidJson, "request body is not valid JSON");
  if (!root.is_object()) return Status(Code::kInvalidJson, "request body must be a JSON object");
  return root;
}

std::optional<std::string> DecimalText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return v.dump();
  if (v.is_binary()) {
    const auto& b = v.get_binary();
    return std::string(b.begin(), b.end());
  }
  return std::nullopt;
}

const char* BadTextReason(std::string_view s, bool multiline) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return "must not contain NUL characters";
    if (c < 0x20 || c == 0x7f) {
      if (multiline && (c == '\t' || c == '\n' || c == '\r')) continue;
      return "must not contain control characters";
    }
    // The parser has checked the UTF-8. C1 controls are U+0080-U+009F (C2 80 - C2 9F);
    // the bidirectional controls are U+202A-U+202E (E2 80 AA-AE) and U+2066-U+2069
    // (E2 81 A6-A9).
    if (c == 0xC2 && i + 1 < s.size()) {
      const auto d = static_cast<unsigned char>(s[i + 1]);
      if (d >= 0x80 && d <= 0x9F) return "must not contain control characters";
    }
    if (c == 0xE2 && i + 2 < s.size()) {
      const auto d = static_cast<unsigned char>(s[i + 1]);
      const auto e = static_cast<unsigned char>(s[i + 2]);
      if ((d == 0x80 && e >= 0xAA && e <= 0xAE) || (d == 0x81 && e >= 0xA6 && e <= 0xA9)) {
        return "must not contain bidirectional control characters";
      }
    }
  }
  return nullptr;
}

void Reader::CheckUnknown() {
  if (checked_) return;
  checked_ = true;
  if (!obj_.is_object()) return;
  for (const auto& [key, value] : obj_.items()) {
    if (std::find(asked_.begin(), asked_.end(), key) == asked_.end()) {
      errors_.Add(prefix_ + key, "unknown field");
    }
  }
}

bool Reader::Has(const char* key) const { return Get(key) != nullptr; }

bool Reader::IsNull(const char* key) const {
  const json* v = Get(key);
  return v != nullptr && v->is_null();
}

const json* Reader::Get(const char* key) const {
  if (std::find(asked_.begin(), asked_.end(), key) == asked_.end()) asked_.emplace_back(key);
  auto it = obj_.find(key);
  return it == obj_.end() ? nullptr : &*it;
}

std::optional<std::string> Reader::String(const char* key, bool required, size_t max) {
  return ReadString(key, required, max, false);
}

std::optional<std::string> Reader::Text(const char* key, bool required, size_t max) {
  return ReadString(key, required, max, true);
}

std::optional<std::string> Reader::ReadString(const char* key, bool required, size_t max,
                                              bool multiline) {
  const json* v = Get(key);
  if (!v || v->is_null()) {
    if (required) Error(key, "required");
    return std::nullopt;
  }
  if (!v->is_string()) {
    Error(key, "must be a string");
    return std::nullopt;
  }
  std::string s = v->get<std::string>();
  if (const char* bad = BadTextReason(s, multiline)) {
    Error(key, bad);
    return std::nullopt;
  }
  if (s.size() > max) {
    Error(key, "at most " + std::to_string(max) + " bytes");
    return std::nullopt;
  }
  return s;
}

std::optional<int64_t> Reader::Int(const char* key, bool required) {
  const json* v = Get(key);
  if (!v || v->is_null()) {
    if (required) Error(key, "required");
    return std::nullopt;
  }
  if (!v->is_number_integer()) {
    Error(key, "must be an integer");
    return std::nullopt;
  }
  if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    Error(key, "too large");
    return std::nullopt;
  }
  return v->get<int64_t>();
}

std::optional<bool> Reader::Bool(const char* key, bool required) {
  const json* v = Get(key);
  if (!v || v->is_null()) {
    if (required) Error(key, "required");
    return std::nullopt;
  }
  if (!v->is_boolean()) {
    Error(key, "must be true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

template <typename F>
std::optional<F> Reader::Decimal(const char* key, bool required, int scale) {
  const json* v = Get(key);
  if (!v || v->is_null()) {
    if (required) Error(key, "required");
    return std::nullopt;
  }
  auto text = DecimalText(*v);
  if (!text) {
    Error(key, "must be a decimal string or number");
    return std::nullopt;
  }
  auto parsed = F::Parse(*text);
  if (!parsed.ok()) {
    Error(key, parsed.status().message());
    return std::nullopt;
  }
  return *parsed;
}

std::optional<Money> Reader::MoneyField(const char* key, bool required) {
  return Decimal<Money>(key, required, 2);
}
std::optional<Qty> Reader::QtyField(const char* key, bool required) {
  return Decimal<Qty>(key, required, 3);
}
std::optional<Rate> Reader::RateField(const char* key, bool required) {
  return Decimal<Rate>(key, required, 4);
}

std::optional<Date> Reader::DateField(const char* key, bool required) {
  auto s = String(key, required);
  if (!s) return std::nullopt;
  auto d = ParseDate(*s);
  if (!d.ok()) {
    Error(key, "must be a date YYYY-MM-DD");
    return std::nullopt;
  }
  return *d;
}

const json* Reader::Array(const char* key, bool required) {
  const json* v = Get(key);
  if (!v || v->is_null()) {
    if (required) Error(key, "required");
    return nullptr;
  }
  if (!v->is_array()) {
    Error(key, "must be an array");
    return nullptr;
  }
  return v;
}

const json* Reader::Object(const char* key, bool required) {
  const json* v = Get(key);
  if (!v || v->is_null()) {
    if (required) Error(key, "required");
    return nullptr;
  }
  if (!v->is_object()) {
    Error(key, "must be an object");
    return nullptr;
  }
  return v;
}

}  // namespace ordo::http
