#include "http/codecs.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/chinese_amount.h"

namespace ordo::http {

using domain::Customer;
using domain::Order;

namespace {

json Opt(const std::optional<int64_t>& v) { return v ? json(*v) : json(); }
json OptDate(const std::optional<Date>& d) { return d ? json(FormatDate(*d)) : json(); }

json Roles(const std::vector<domain::Role>& roles) {
  json out = json::array();
  for (auto r : roles) out.push_back(domain::RoleName(r));
  return out;
}

void ReadRoles(Reader& r, std::vector<domain::Role>& out) {
  const json* arr = r.Array("roles", true);
  if (!arr) return;
  out.clear();
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& v = (*arr)[i];
    std::optional<domain::Role> role;
    if (v.is_string()) role = domain::ParseRole(v.get<std::string>());
    if (!role) {
      r.errors().Add("roles[" + std::to_string(i) + "]",
                     "must be one of admin sales_rep sales_manager finance warehouse production "
                     "logistics service analyst auditor partner");
    } else if (std::find(out.begin(), out.end(), *role) == out.end()) {
      out.push_back(*role);
    }
  }
}

// partner_id: an integer or null.
void ReadPartner(Reader& r, std::optional<int64_t>& out) {
  if (!r.Has("partner_id")) return;
  if (r.IsNull("partner_id")) {
    out.reset();
    return;
  }
  if (auto v = r.Int("partner_id")) out = *v;
}

void ReadTerms(Reader& parent, const char* key, domain::PaymentTerms& t) {
  const json* obj = parent.Object(key);
  if (!obj) return;
  Reader r(*obj, parent.errors(), parent.Path(key) + ".");
  if (auto m = r.Enum<domain::PaymentMethod>("method", domain::ParsePaymentMethod,
                                             "prepayment cash_on_delivery net installment", true)) {
    t.method = *m;
  }
  if (auto d = r.Int("net_days"))
    t.net_days = static_cast<int>(std::clamp<int64_t>(*d, -1, 100000));
  if (auto p = r.RateField("prepay_percent")) t.prepay_percent = *p;
}

}  // namespace

json PaymentTermsJson(const domain::PaymentTerms& t) {
  return {{"method", domain::PaymentMethodName(t.method)},
          {"net_days", t.net_days},
          {"prepay_percent", t.prepay_percent.ToTrimmed()}};
}

json Codec::UserJson(const domain::User& u) const {
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"roles", Roles(u.roles)},
          {"partner_id", Opt(u.partner_id)},
          {"active", u.active},
          {"locale", u.locale},
          {"created_at", Time(u.created_at)},
          {"updated_at", Time(u.updated_at)},
          {"version", u.version}};
}

json Codec::CustomerJson(const Customer& c) const {
  json contacts = json::array();
  for (const auto& ct : c.contacts) {
    contacts.push_back({{"name", ct.name}, {"phone", ct.phone}, {"email", ct.email}});
  }
  return {{"id", c.id},
          {"code", c.code},
          {"name", c.name},
          {"uscc", c.uscc},
          {"address", c.address},
          {"region", c.region},
          {"contacts", contacts},
          {"bank_name", c.bank_name},
          {"bank_account", c.bank_account},
          {"credit_limit", c.credit_limit ? json(c.credit_limit->ToString()) : json()},
          {"payment_terms", PaymentTermsJson(c.payment_terms)},
          {"default_invoice_type", domain::InvoiceTypeName(c.default_invoice_type)},
          {"status", c.blocked ? "blocked" : "active"},
          {"partner_id", Opt(c.partner_id)},
          {"created_at", Time(c.created_at)},
          {"updated_at", Time(c.updated_at)},
          {"version", c.version}};
}

json Codec::ProductJson(const domain::Product& p) const {
  return {{"id", p.id},
          {"sku", p.sku},
          {"name", p.name},
          {"spec", p.spec},
          {"unit", p.unit},
          {"list_price", p.list_price.ToString()},
          {"min_price", p.min_price.ToString()},
          {"tax_rate", p.tax_rate.ToTrimmed()},
          {"make_to_order", p.make_to_order},
          {"lead_time_days", p.lead_time_days},
          {"safety_stock", p.safety_stock.ToTrimmed()},
          {"active", p.active},
          {"created_at", Time(p.created_at)},
          {"updated_at", Time(p.updated_at)},
          {"version", p.version}};
}

json Codec::WarehouseJson(const domain::Warehouse& w) const {
  return {{"id", w.id},
          {"code", w.code},
          {"name", w.name},
          {"region", w.region},
          {"address", w.address},
          {"active", w.active},
          {"created_at", Time(w.created_at)},
          {"version", w.version}};
}

json Codec::StockJson(const domain::StockRow& s) const {
  return {{"product_id", s.product_id},
          {"warehouse_id", s.warehouse_id},
          {"on_hand", s.on_hand.ToTrimmed()},
          {"reserved", s.reserved.ToTrimmed()},
          {"available", s.available().ToTrimmed()},
          {"safety_stock", s.safety_stock.ToTrimmed()},
          {"below_safety", s.available() < s.safety_stock},
          {"version", s.version}};
}

json Codec::MovementJson(const domain::StockMovement& m) const {
  return {{"id", m.id},
          {"product_id", m.product_id},
          {"warehouse_id", m.warehouse_id},
          {"kind", m.kind},
          {"qty_delta", m.qty_delta.ToTrimmed()},
          {"reason", m.reason},
          {"order_id", Opt(m.order_id)},
          {"user_id", m.user_id},
          {"created_at", Time(m.created_at)}};
}

json Codec::OrderJson(const Order& o, bool with_details) const {
  json out = {
      {"id", o.id},
      {"number", o.number},
      {"status", domain::OrderStatusName(o.status)},
      {"status_before_hold",
       o.status_before_hold ? json(domain::OrderStatusName(*o.status_before_hold)) : json()},
      {"delivery_status", o.delivery_status},
      {"billing_status", o.billing_status},
      {"payment_status", o.payment_status},
      {"channel", domain::ChannelName(o.channel)},
      {"customer_id", o.customer_id},
      {"customer_code", o.customer_code},
      {"customer_name", o.customer_name},
      {"partner_id", Opt(o.partner_id)},
      {"price_mode", domain::PriceModeName(o.price_mode)},
      {"totals",
       {{"net", o.totals.net.ToString()},
        {"tax", o.totals.tax.ToString()},
        {"freight", o.totals.freight.ToString()},
        {"discount", o.totals.discount.ToString()},
        {"gross", o.totals.gross.ToString()}}},
      {"amount_in_words", domain::AmountInWords(o.totals.gross, domain::Script::kSimplified)},
      {"amount_in_words_traditional",
       domain::AmountInWords(o.totals.gross, domain::Script::kTraditional)},
      {"requested_delivery_date", OptDate(o.requested_delivery_date)},
      {"promised_date", OptDate(o.promised_date)},
      {"ship_to",
       {{"name", o.ship_to.name},
        {"phone", o.ship_to.phone},
        {"address", o.ship_to.address},
        {"postcode", o.ship_to.postcode}}},
      {"payment_terms", PaymentTermsJson(o.payment_terms)},
      {"invoice_type", domain::InvoiceTypeName(o.invoice_type)},
      {"special_requirements", o.special_requirements},
      {"notes", o.notes},
      {"external_ref", o.external_ref},
      {"needs_confirmation", o.needs_confirmation},
      {"review_round", o.review_round},
      {"cancel_reason", o.cancel_reason},
      {"hold_reason", o.hold_reason},
      {"confirmed_by", Opt(o.confirmed_by)},
      {"confirmed_at", o.confirmed_at ? json(Time(*o.confirmed_at)) : json()},
      {"created_by", o.created_by},
      {"created_at", Time(o.created_at)},
      {"updated_at", Time(o.updated_at)},
      {"version", o.version},
  };
  if (!with_details) return out;
  json lines = json::array();
  for (const auto& l : o.lines) {
    lines.push_back({{"line_no", l.line_no},
                     {"product_id", l.product_id},
                     {"sku", l.sku},
                     {"name", l.name},
                     {"spec", l.spec},
                     {"unit", l.unit},
                     {"qty", l.qty.ToTrimmed()},
                     {"unit_price", l.unit_price.ToString()},
                     {"discount_rate", l.discount_rate.ToTrimmed()},
                     {"tax_rate", l.tax_rate.ToTrimmed()},
                     {"net", l.net.ToString()},
                     {"tax", l.tax.ToString()},
                     {"gross", l.gross.ToString()},
                     {"warehouse_id", Opt(l.warehouse_id)},
                     {"make_to_order", l.make_to_order},
                     {"reserved_qty", l.reserved_qty.ToTrimmed()},
                     {"backordered_qty", l.backordered_qty.ToTrimmed()},
                     {"shipped_qty", l.shipped_qty.ToTrimmed()},
                     {"delivered_qty", l.delivered_qty.ToTrimmed()},
                     {"invoiced_qty", l.invoiced_qty.ToTrimmed()},
                     {"returned_qty", l.returned_qty.ToTrimmed()}});
  }
  json flags = json::array();
  for (const auto& f : o.flags) {
    flags.push_back({{"code", f.code},
                     {"department", domain::DepartmentName(f.department)},
                     {"message", f.message},
                     {"line_no", f.line_no ? json(*f.line_no) : json()}});
  }
  json reviews = json::array();
  for (const auto& r : o.reviews) {
    reviews.push_back({{"round", r.round},
                       {"department", domain::DepartmentName(r.department)},
                       {"decision", r.approved ? "approve" : "reject"},
                       {"comment", r.comment},
                       {"override_price", r.override_price},
                       {"override_credit", r.override_credit},
                       {"restock_date", OptDate(r.restock_date)},
                       {"reviewer_id", r.reviewer_id},
                       {"reviewer", r.reviewer},
                       {"created_at", Time(r.created_at)}});
  }
  out["lines"] = std::move(lines);
  out["flags"] = std::move(flags);
  out["reviews"] = std::move(reviews);
  return out;
}

// ---- the order as text, without the JSON tree ----
//
// The answer to every order create, read and list is OrderJson(...).dump(). Building
// that tree costs a few hundred small allocations per order; this writes the same bytes
// straight into a string. Keys come out sorted, as nlohmann's std::map sorts them, and
// strings are escaped as its dump() escapes them; a string that is not valid UTF-8 (which
// dump() would reject or replace) makes OrderJsonText fall back to the tree.

namespace {

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// Appends JSON values as nlohmann's dump() writes them.
class Text {
 public:
  explicit Text(std::string& out) : out_(out) {}
  bool ok() const { return ok_; }

  void Str(std::string_view v) {
    for (const char c : v) {
      if (static_cast<unsigned char>(c) >= 0x80) {
        if (!ValidUtf8(v)) ok_ = false;
        break;
      }
    }
    out_.push_back('"');
    size_t run = 0;  // start of the current stretch of bytes that need no escape
    for (size_t i = 0; i < v.size(); ++i) {
      const char c = v[i];
      if (c != '"' && c != '\\' && static_cast<unsigned char>(c) > 0x1F) continue;
      out_.append(v.data() + run, i - run);
      run = i + 1;
      switch (c) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\b':
          out_ += "\\b";
          break;
        case '\f':
          out_ += "\\f";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\r':
          out_ += "\\r";
          break;
        case '\t':
          out_ += "\\t";
          break;
        default:
          if (static_cast<unsigned char>(c) <= 0x1F) {
            static constexpr char kHex[] = "0123456789abcdef";
            out_ += "\\u00";
            out_.push_back(kHex[(c >> 4) & 0xF]);
            out_.push_back(kHex[c & 0xF]);
          }
      }
    }
    out_.append(v.data() + run, v.size() - run);
    out_.push_back('"');
  }
  void Int(int64_t v) { out_ += std::to_string(v); }
  void Bool(bool v) { out_ += v ? "true" : "false"; }
  void Null() { out_ += "null"; }
  void OptInt(const std::optional<int64_t>& v) { v ? Int(*v) : Null(); }
  void OptStr(const std::optional<std::string>& v) { v ? Str(*v) : Null(); }
  void Raw(std::string_view v) { out_ += v; }

 private:
  std::string& out_;
  bool ok_ = true;
};

// One JSON object: members are rendered as they are added and written out sorted by key
// at the end, as a std::map-backed json object is.
class Object {
 public:
  // Renders the member's value with `render(Text&)`.
  template <typename F>
  void Add(std::string_view key, F render) {
    std::string value;
    Text t(value);
    render(t);
    ok_ = ok_ && t.ok();
    members_.emplace_back(key, std::move(value));
  }
  void Str(std::string_view key, std::string_view v) {
    Add(key, [&](Text& t) { t.Str(v); });
  }
  void Int(std::string_view key, int64_t v) {
    Add(key, [&](Text& t) { t.Int(v); });
  }
  void Bool(std::string_view key, bool v) {
    Add(key, [&](Text& t) { t.Bool(v); });
  }
  void OptInt(std::string_view key, const std::optional<int64_t>& v) {
    Add(key, [&](Text& t) { t.OptInt(v); });
  }
  void OptStr(std::string_view key, const std::optional<std::string>& v) {
    Add(key, [&](Text& t) { t.OptStr(v); });
  }
  void Raw(std::string_view key, std::string value) {
    members_.emplace_back(key, std::move(value));
  }
  bool ok() const { return ok_; }

  // Appends {"k":v,...} to out.
  void WriteTo(std::string& out) {
    std::sort(members_.begin(), members_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    out.push_back('{');
    bool first = true;
    for (const auto& [key, value] : members_) {
      if (!first) out.push_back(',');
      first = false;
      out.push_back('"');
      out += key;  // our own keys: nothing to escape
      out += "\":";
      out += value;
    }
    out.push_back('}');
  }
  std::string Finish() {
    std::string out;
    WriteTo(out);
    return out;
  }

 private:
  std::vector<std::pair<std::string_view, std::string>> members_;
  bool ok_ = true;
};

std::optional<std::string> OptDateText(const std::optional<Date>& d) {
  if (!d) return std::nullopt;
  return FormatDate(*d);
}

// The members of Codec::OrderJson, in any order; false when a string is not UTF-8.
// A JSON array of objects, each written by fill(Object&, item); `ok` turns false when one
// of them could not be written as text (see Object::ok).
template <typename Items, typename Fill>
std::string ObjectArray(const Items& items, bool& ok, Fill fill) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out.push_back(',');
    Object o;
    fill(o, item);
    ok = ok && o.ok();
    o.WriteTo(out);
  }
  out.push_back(']');
  return out;
}

bool WriteOrder(const Codec& codec, const Order& o, bool with_details, std::string& out) {
  Object obj;
  obj.Int("id", o.id);
  obj.Str("number", o.number);
  obj.Str("status", domain::OrderStatusName(o.status));
  std::optional<std::string> before_hold;
  if (o.status_before_hold)
    before_hold = std::string(domain::OrderStatusName(*o.status_before_hold));
  obj.OptStr("status_before_hold", before_hold);
  obj.Str("delivery_status", o.delivery_status);
  obj.Str("billing_status", o.billing_status);
  obj.Str("payment_status", o.payment_status);
  obj.Str("channel", domain::ChannelName(o.channel));
  obj.Int("customer_id", o.customer_id);
  obj.Str("customer_code", o.customer_code);
  obj.Str("customer_name", o.customer_name);
  obj.OptInt("partner_id", o.partner_id);
  obj.Str("price_mode", domain::PriceModeName(o.price_mode));
  {
    Object totals;
    totals.Str("net", o.totals.net.ToString());
    totals.Str("tax", o.totals.tax.ToString());
    totals.Str("freight", o.totals.freight.ToString());
    totals.Str("discount", o.totals.discount.ToString());
    totals.Str("gross", o.totals.gross.ToString());
    obj.Raw("totals", totals.Finish());
  }
  obj.Str("amount_in_words", domain::AmountInWords(o.totals.gross, domain::Script::kSimplified));
  obj.Str("amount_in_words_traditional",
          domain::AmountInWords(o.totals.gross, domain::Script::kTraditional));
  obj.OptStr("requested_delivery_date", OptDateText(o.requested_delivery_date));
  obj.OptStr("promised_date", OptDateText(o.promised_date));
  bool ok = true;
  {
    Object ship;
    ship.Str("name", o.ship_to.name);
    ship.Str("phone", o.ship_to.phone);
    ship.Str("address", o.ship_to.address);
    ship.Str("postcode", o.ship_to.postcode);
    ok = ok && ship.ok();
    obj.Raw("ship_to", ship.Finish());
  }
  {
    Object terms;
    terms.Str("method", domain::PaymentMethodName(o.payment_terms.method));
    terms.Int("net_days", o.payment_terms.net_days);
    terms.Str("prepay_percent", o.payment_terms.prepay_percent.ToTrimmed());
    obj.Raw("payment_terms", terms.Finish());
  }
  obj.Str("invoice_type", domain::InvoiceTypeName(o.invoice_type));
  obj.Str("special_requirements", o.special_requirements);
  obj.Str("notes", o.notes);
  obj.Str("external_ref", o.external_ref);
  obj.Bool("needs_confirmation", o.needs_confirmation);
  obj.Int("review_round", o.review_round);
  obj.Str("cancel_reason", o.cancel_reason);
  obj.Str("hold_reason", o.hold_reason);
  obj.OptInt("confirmed_by", o.confirmed_by);
  std::optional<std::string> confirmed_at;
  if (o.confirmed_at) confirmed_at = codec.Time(*o.confirmed_at);
  obj.OptStr("confirmed_at", confirmed_at);
  obj.Int("created_by", o.created_by);
  obj.Str("created_at", codec.Time(o.created_at));
  obj.Str("updated_at", codec.Time(o.updated_at));
  obj.Int("version", o.version);
  if (with_details) {
    obj.Raw("lines", ObjectArray(o.lines, ok, [&](Object& line, const domain::OrderLine& l) {
              line.Int("line_no", l.line_no);
              line.Int("product_id", l.product_id);
              line.Str("sku", l.sku);
              line.Str("name", l.name);
              line.Str("spec", l.spec);
              line.Str("unit", l.unit);
              line.Str("qty", l.qty.ToTrimmed());
              line.Str("unit_price", l.unit_price.ToString());
              line.Str("discount_rate", l.discount_rate.ToTrimmed());
              line.Str("tax_rate", l.tax_rate.ToTrimmed());
              line.Str("net", l.net.ToString());
              line.Str("tax", l.tax.ToString());
              line.Str("gross", l.gross.ToString());
              line.OptInt("warehouse_id", l.warehouse_id);
              line.Bool("make_to_order", l.make_to_order);
              line.Str("reserved_qty", l.reserved_qty.ToTrimmed());
              line.Str("backordered_qty", l.backordered_qty.ToTrimmed());
              line.Str("shipped_qty", l.shipped_qty.ToTrimmed());
              line.Str("delivered_qty", l.delivered_qty.ToTrimmed());
              line.Str("invoiced_qty", l.invoiced_qty.ToTrimmed());
              line.Str("returned_qty", l.returned_qty.ToTrimmed());
            }));
    obj.Raw("flags", ObjectArray(o.flags, ok, [&](Object& flag, const domain::Flag& f) {
              flag.Str("code", f.code);
              flag.Str("department", domain::DepartmentName(f.department));
              flag.Str("message", f.message);
              flag.OptInt("line_no", f.line_no ? std::optional<int64_t>(*f.line_no) : std::nullopt);
            }));
    obj.Raw("reviews", ObjectArray(o.reviews, ok, [&](Object& review, const domain::Review& r) {
              review.Int("round", r.round);
              review.Str("department", domain::DepartmentName(r.department));
              review.Str("decision", r.approved ? "approve" : "reject");
              review.Str("comment", r.comment);
              review.Bool("override_price", r.override_price);
              review.Bool("override_credit", r.override_credit);
              review.OptStr("restock_date", OptDateText(r.restock_date));
              review.Int("reviewer_id", r.reviewer_id);
              review.Str("reviewer", r.reviewer);
              review.Str("created_at", codec.Time(r.created_at));
            }));
  }
  ok = ok && obj.ok();
  obj.WriteTo(out);
  return ok;
}

}  // namespace

std::string OrderJsonText(const Codec& codec, const Order& o, bool with_details) {
  std::string out;
  out.reserve(with_details ? 1024 + 700 * o.lines.size() : 1024);
  if (WriteOrder(codec, o, with_details, out)) return out;
  return codec.OrderJson(o, with_details)
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

json Codec::EventJson(const domain::Event& e) const {
  json data = json::parse(e.data, nullptr, false);
  if (data.is_discarded()) data = json::object();
  return {{"id", e.id},
          {"entity", e.entity},
          {"entity_id", e.entity_id},
          {"action", e.action},
          {"user_id", e.user_id},
          {"username", e.username},
          {"at", Time(e.created_at)},
          {"data", data}};
}

// ---- readers ----

void ReadUser(Reader& r, service::NewUser& out) {
  if (auto v = r.String("username", true, 64)) out.user.username = *v;
  if (auto v = r.String("password", true, 200)) out.password = *v;
  if (auto v = r.String("display_name", false, 200)) out.user.display_name = *v;
  if (auto v = r.String("locale")) out.user.locale = *v;
  ReadRoles(r, out.user.roles);
  ReadPartner(r, out.user.partner_id);
  if (out.user.display_name.empty()) out.user.display_name = out.user.username;
}

void ReadUserPatch(Reader& r, service::UserPatch& out) {
  if (auto v = r.String("display_name", false, 200)) out.display_name = *v;
  if (auto v = r.String("password", false, 200)) out.password = *v;
  if (auto v = r.String("locale")) out.locale = *v;
  if (auto v = r.Bool("active")) out.active = *v;
  if (r.Has("roles")) {
    std::vector<domain::Role> roles;
    ReadRoles(r, roles);
    out.roles = roles;
  }
  if (r.Has("partner_id")) {
    std::optional<int64_t> p;
    ReadPartner(r, p);
    out.partner_id = p;
  }
}

void ReadCustomer(Reader& r, Customer& c) {
  if (auto v = r.String("code", false, 32)) c.code = *v;
  if (auto v = r.String("name", false, 200)) c.name = *v;
  if (auto v = r.String("uscc", false, 18)) c.uscc = *v;
  if (auto v = r.Text("address", false, 500)) c.address = *v;
  if (auto v = r.String("region", false, 100)) c.region = *v;
  if (auto v = r.String("bank_name", false, 200)) c.bank_name = *v;
  if (auto v = r.String("bank_account", false, 64)) c.bank_account = *v;
  if (r.Has("credit_limit")) {
    if (r.IsNull("credit_limit")) {
      c.credit_limit.reset();
    } else if (auto v = r.MoneyField("credit_limit")) {
      c.credit_limit = *v;
    }
  }
  ReadTerms(r, "payment_terms", c.payment_terms);
  if (auto v = r.Enum<domain::InvoiceType>("default_invoice_type", domain::ParseInvoiceType,
                                           "vat_special vat_normal none")) {
    c.default_invoice_type = *v;
  }
  if (auto v = r.String("status")) {
    if (*v == "active" || *v == "blocked") {
      c.blocked = *v == "blocked";
    } else {
      r.Error("status", "must be one of active blocked");
    }
  }
  ReadPartner(r, c.partner_id);
  if (const json* arr = r.Array("contacts")) {
    c.contacts.clear();
    for (size_t i = 0; i < arr->size(); ++i) {
      const std::string path = "contacts[" + std::to_string(i) + "]";
      if (!(*arr)[i].is_object()) {
        r.errors().Add(path, "must be an object");
        continue;
      }
      Reader cr((*arr)[i], r.errors(), path + ".");
      domain::Contact ct;
      if (auto v = cr.String("name", true, 100)) ct.name = *v;
      if (auto v = cr.String("phone", false, 50)) ct.phone = *v;
      if (auto v = cr.String("email", false, 200)) ct.email = *v;
      c.contacts.push_back(ct);
    }
  }
}

void ReadProduct(Reader& r, domain::Product& p) {
  if (auto v = r.String("sku", false, 64)) p.sku = *v;
  if (auto v = r.String("name", false, 200)) p.name = *v;
  if (auto v = r.String("spec", false, 200)) p.spec = *v;
  if (auto v = r.String("unit", false, 16)) p.unit = *v;
  if (auto v = r.MoneyField("list_price")) p.list_price = *v;
  if (auto v = r.MoneyField("min_price")) p.min_price = *v;
  if (auto v = r.RateField("tax_rate")) p.tax_rate = *v;
  if (auto v = r.Bool("make_to_order")) p.make_to_order = *v;
  if (auto v = r.Int("lead_time_days")) {
    p.lead_time_days = static_cast<int>(std::clamp<int64_t>(*v, -1, 100000));
  }
  if (auto v = r.QtyField("safety_stock")) p.safety_stock = *v;
  if (auto v = r.Bool("active")) p.active = *v;
}

void ReadWarehouse(Reader& r, domain::Warehouse& w) {
  if (auto v = r.String("code", false, 32)) w.code = *v;
  if (auto v = r.String("name", false, 200)) w.name = *v;
  if (auto v = r.String("region", false, 100)) w.region = *v;
  if (auto v = r.Text("address", false, 500)) w.address = *v;
  if (auto v = r.Bool("active")) w.active = *v;
}

void ReadAdjustment(Reader& r, service::StockAdjustment& out) {
  if (auto v = r.Int("product_id", true)) out.product_id = *v;
  if (auto v = r.Int("warehouse_id", true)) out.warehouse_id = *v;
  // qty_delta may be negative here: parse it as a signed quantity.
  if (auto v = r.QtyField("qty_delta", true)) out.qty_delta = *v;
  if (auto v = r.Text("reason", true, 500)) out.reason = *v;
}

void ReadOrderInput(Reader& r, service::OrderInput& out, bool creating) {
  if (auto v = r.Int("customer_id", creating)) out.customer_id = *v;
  out.channel = r.Enum<domain::Channel>("channel", domain::ParseChannel,
                                        "phone email visit web ecommerce partner");
  out.price_mode = r.Enum<domain::PriceMode>("price_mode", domain::ParsePriceMode,
                                             "tax_exclusive tax_inclusive");
  if (auto v = r.MoneyField("freight")) out.freight = *v;
  if (auto v = r.MoneyField("discount_amount")) out.discount_amount = *v;
  if (r.Has("requested_delivery_date")) {
    if (r.IsNull("requested_delivery_date")) {
      out.requested_delivery_date = std::optional<Date>();
    } else if (auto d = r.DateField("requested_delivery_date")) {
      out.requested_delivery_date = d;
    }
  }
  if (const json* st = r.Object("ship_to")) {
    Reader sr(*st, r.errors(), "ship_to.");
    domain::ShipTo s;
    if (auto v = sr.String("name", false, 100)) s.name = *v;
    if (auto v = sr.String("phone", false, 50)) s.phone = *v;
    if (auto v = sr.Text("address", false, 500)) s.address = *v;
    if (auto v = sr.String("postcode", false, 20)) s.postcode = *v;
    out.ship_to = s;
  }
  if (r.Has("payment_terms") && !r.IsNull("payment_terms")) {
    domain::PaymentTerms t;
    ReadTerms(r, "payment_terms", t);
    out.payment_terms = t;
  }
  out.invoice_type = r.Enum<domain::InvoiceType>("invoice_type", domain::ParseInvoiceType,
                                                 "vat_special vat_normal none");
  if (auto v = r.Text("special_requirements", false, 2000)) out.special_requirements = *v;
  if (auto v = r.Text("notes", false, 4000)) out.notes = *v;
  if (auto v = r.String("external_ref", false, 100)) out.external_ref = *v;
  if (auto v = r.Bool("submit")) out.submit = *v;
  if (const json* arr = r.Array("lines", creating)) {
    std::vector<service::LineInput> lines;
    for (size_t i = 0; i < arr->size(); ++i) {
      const std::string path = "lines[" + std::to_string(i) + "]";
      if (!(*arr)[i].is_object()) {
        r.errors().Add(path, "must be an object");
        continue;
      }
      Reader lr((*arr)[i], r.errors(), path + ".");
      service::LineInput li;
      if (auto v = lr.Int("product_id", true)) li.product_id = *v;
      if (auto v = lr.QtyField("qty", true)) li.qty = *v;
      if (auto v = lr.MoneyField("unit_price")) li.unit_price = *v;
      if (auto v = lr.RateField("discount_rate")) li.discount_rate = *v;
      if (auto v = lr.Int("warehouse_id")) li.warehouse_id = *v;
      lines.push_back(li);
    }
    out.lines = std::move(lines);
  }
}

void ReadReview(Reader& r, domain::ReviewRequest& out) {
  if (auto d = r.Enum<domain::Department>("department", domain::ParseDepartment,
                                          "sales finance warehouse", true)) {
    out.department = *d;
  }
  if (auto v = r.String("decision", true)) {
    if (*v == "approve" || *v == "reject") {
      out.approve = *v == "approve";
    } else {
      r.Error("decision", "must be one of approve reject");
    }
  }
  if (auto v = r.Text("comment", false, 2000)) out.comment = *v;
  if (auto v = r.Bool("override_price")) out.override_price = *v;
  if (auto v = r.Bool("override_credit")) out.override_credit = *v;
  out.restock_date = r.DateField("restock_date");
}

void ReadSettings(Reader& r, domain::Settings& s) {
  if (const json* obj = r.Object("company")) {
    Reader cr(*obj, r.errors(), "company.");
    auto str = [&](const char* key, size_t max, std::string& out, bool multiline = false) {
      if (auto v = multiline ? cr.Text(key, false, max) : cr.String(key, false, max)) out = *v;
    };
    str("name", 200, s.company.name);
    str("uscc", 18, s.company.uscc);
    str("address", 500, s.company.address, true);
    str("bank_name", 200, s.company.bank_name);
    str("bank_account", 64, s.company.bank_account);
    str("phone", 50, s.company.phone);
  }
  if (auto v = r.RateField("freight_tax_rate")) s.freight_tax_rate = *v;
  // Days and working days: whole numbers from 0 to 3650 under known keys.
  auto days = [](Reader& rr, const char* key) -> std::optional<int> {
    auto v = rr.Int(key, true);
    if (v && (*v < 0 || *v > 3650)) {
      rr.Error(key, "must be between 0 and 3650");
      return std::nullopt;
    }
    return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
  };
  if (const json* obj = r.Object("return_policy_days")) {
    Reader pr(*obj, r.errors(), "return_policy_days.");
    for (auto& [reason, value] : s.return_policy_days) {
      if (!pr.Has(reason.c_str())) continue;
      if (auto d = days(pr, reason.c_str())) value = *d;
    }
  }
  if (const json* obj = r.Object("complaint_deadlines")) {
    Reader dr(*obj, r.errors(), "complaint_deadlines.");
    for (auto& [category, value] : s.complaint_deadlines) {
      const json* one = dr.Object(category.c_str());
      if (!one) continue;
      Reader cr(*one, r.errors(), "complaint_deadlines." + category + ".");
      if (cr.Has("acknowledge_days")) {
        if (auto d = days(cr, "acknowledge_days")) value.acknowledge_days = *d;
      }
      if (cr.Has("resolve_days")) {
        if (auto d = days(cr, "resolve_days")) value.resolve_days = *d;
      }
    }
  }
  if (const json* obj = r.Object("scorecard_weights")) {
    Reader wr(*obj, r.errors(), "scorecard_weights.");
    for (auto& [name, weight] : s.scorecard_weights) {
      if (auto v = wr.RateField(name.c_str())) weight = *v;
    }
  }
  if (auto v = r.Bool("allow_self_review")) s.allow_self_review = *v;
  if (const json* arr = r.Array("confirmation_channels")) {
    std::vector<domain::Channel> channels;
    for (size_t i = 0; i < arr->size(); ++i) {
      const json& v = (*arr)[i];
      auto ch = v.is_string() ? domain::ParseChannel(v.get<std::string>()) : std::nullopt;
      if (!ch) {
        r.errors().Add("confirmation_channels[" + std::to_string(i) + "]",
                       "must be one of phone email visit web ecommerce partner");
      } else if (std::find(channels.begin(), channels.end(), *ch) == channels.end()) {
        channels.push_back(*ch);
      }
    }
    s.confirmation_channels = channels;
  }
  // The business time zone numbers orders and dates deadlines: it is set at start.
  if (r.Has("time_zone")) r.Error("time_zone", "set at start with ORDO_TIMEZONE");
  if (auto v = r.Int("archive_after_days")) {
    if (*v < 1 || *v > 3650) {
      r.Error("archive_after_days", "must be between 1 and 3650");
    } else {
      s.archive_after_days = static_cast<int>(*v);
    }
  }
}

}  // namespace ordo::http
