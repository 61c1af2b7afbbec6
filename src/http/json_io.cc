#include "http/json_io.h"

namespace ordo::http {

namespace {

// Builds the DOM like nlohmann's own parser, but keeps floats as their text.
class DecimalKeepingParser : public nlohmann::detail::json_sax_dom_parser<json> {
 public:
  explicit DecimalKeepingParser(json& root)
      : nlohmann::detail::json_sax_dom_parser<json>(root, false) {}
  bool number_float(json::number_float_t /*unused*/, const json::string_t& text) {
    json::binary_t bin(std::vector<std::uint8_t>(text.begin(), text.end()));
    return binary(bin);
  }
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

bool Reader::Has(const char* key) const { return obj_.contains(key); }

bool Reader::IsNull(const char* key) const {
  auto it = obj_.find(key);
  return it != obj_.end() && it->is_null();
}

const json* Reader::Get(const char* key) const {
  auto it = obj_.find(key);
  return it == obj_.end() ? nullptr : &*it;
}

std::optional<std::string> Reader::String(const char* key, bool required, size_t max) {
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
  if (s.find('\0') != std::string::npos) {
    Error(key, "must not contain NUL characters");
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
