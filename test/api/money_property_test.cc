// Property test of money (issue 8): random orders with extreme quantities, prices, line
// discounts, freight and order discounts, in both price modes, created and edited through
// the API. Every amount the server answers, reads back and stores is compared with exact
// decimal arithmetic done here on its own (128-bit integers, half away from zero; no
// double, nothing from src/), and every request the rules refuse must be a 422 naming
// exactly the fields that make it so, with nothing stored. Runs on SQLite and, in
// api_tests_pg, on PostgreSQL.
//
// ORDO_MONEY_PROPERTY_SEED picks the seed (the default is fixed, so a failure repeats);
// ORDO_MONEY_PROPERTY_ORDERS how many orders to try (default 500).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/api_fixture.h"

namespace ordo::test {
namespace {

using int128 = __int128;
using Fields = std::set<std::string>;

// ---- exact decimals, independent of src/common/decimal.h ----

int128 P10(int n) {
  int128 r = 1;
  while (n-- > 0) r *= 10;
  return r;
}

// a ÷ b rounded half away from zero; b > 0.
int128 RoundDiv(int128 a, int128 b) {
  const int128 m = a < 0 ? -a : a;
  int128 q = m / b;
  if ((m % b) * 2 >= b) ++q;
  return a < 0 ? -q : q;
}

// "123.4" at scale 2 → 12340. The text is this test's own, so it is well formed.
int128 Units(const std::string& text, int scale) {
  int128 v = 0;
  int decimals = -1;
  for (char c : text) {
    if (c == '.') {
      decimals = 0;
      continue;
    }
    if (c == '-') continue;
    v = v * 10 + (c - '0');
    if (decimals >= 0) ++decimals;
  }
  for (int d = decimals < 0 ? 0 : decimals; d < scale; ++d) v *= 10;
  return !text.empty() && text[0] == '-' ? -v : v;
}

// units × 10^-scale with exactly `scale` decimals ("-0.05", "1000000000000.00").
std::string Text(int128 units, int scale) {
  const bool neg = units < 0;
  int128 u = neg ? -units : units;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  } while (u > 0);
  while (static_cast<int>(digits.size()) <= scale) digits.insert(digits.begin(), '0');
  std::string out = neg ? "-" : "";
  out += digits.substr(0, digits.size() - scale);
  if (scale > 0) out += "." + digits.substr(digits.size() - scale);
  return out;
}

// The amount written in Chinese capitals, read back in cents (either script); -1 when
// the text is not such an amount.
int64_t ReadChineseAmount(const std::string& words) {
  static const std::map<std::string, int> kDigits = {{"零", 0}, {"壹", 1}, {"贰", 2}, {"貳", 2},
                                                     {"叁", 3}, {"肆", 4}, {"伍", 5}, {"陆", 6},
                                                     {"陸", 6}, {"柒", 7}, {"捌", 8}, {"玖", 9}};
  static const std::map<std::string, int> kSmall = {{"拾", 10}, {"佰", 100}, {"仟", 1000}};
  int128 total = 0;    // whole 亿 groups so far
  int128 wan = 0;      // below 亿: the 万 part
  int128 section = 0;  // below 万
  int128 digit = 0;
  int128 yuan = 0;  // under one yuan there is no 元 (陆角捌分)
  int128 cents = 0;
  bool negative = false;
  for (size_t i = 0; i < words.size(); i += 3) {  // every glyph here is 3 bytes of UTF-8
    const std::string g = words.substr(i, 3);
    if (g == "负" || g == "負") {
      negative = true;
    } else if (auto d = kDigits.find(g); d != kDigits.end()) {
      digit = d->second;
    } else if (auto s = kSmall.find(g); s != kSmall.end()) {
      section += digit * s->second;
      digit = 0;
    } else if (g == "万" || g == "萬") {
      wan += (section + digit) * 10000;
      section = digit = 0;
    } else if (g == "亿" || g == "億") {
      total = (total + wan + section + digit) * 100000000;
      wan = section = digit = 0;
    } else if (g == "元") {
      yuan = total + wan + section + digit;
      digit = 0;
    } else if (g == "角") {
      cents += digit * 10;
      digit = 0;
    } else if (g == "分") {
      cents += digit;
      digit = 0;
    } else if (g != "整") {
      return -1;
    }
  }
  if (words.empty()) return -1;
  const int128 v = yuan * 100 + cents;
  return static_cast<int64_t>(negative ? -v : v);
}

// ---- the rules, from API.md and docs/decisions.md ----

constexpr int64_t kCeilingCents = 100'000'000'000'000;  // 10^12 CNY
constexpr int64_t kMaxQtyUnits = 1'000'000'000'000;     // 10^9, in thousandths
constexpr int64_t kMaxPriceCents = kCeilingCents;       // unit_price, freight, discount

struct Product {
  int64_t id = 0;
  int64_t list_price = 0;  // cents
  int64_t tax_rate = 0;    // ten-thousandths
};

struct Line {
  size_t product = 0;                 // index into the test's products
  int64_t qty = 0;                    // thousandths
  std::optional<int64_t> unit_price;  // cents; none: the product's list price
  int64_t discount_rate = 0;          // ten-thousandths
};

struct Request {
  bool tax_inclusive = false;
  std::vector<Line> lines;  // empty in an edit: the order keeps its lines
  std::optional<int64_t> freight;
  std::optional<int64_t> discount_amount;
};

struct Amounts {
  int128 net = 0, tax = 0, gross = 0;
};

// What the server must answer: the order's amounts, or the fields it refuses.
struct Expected {
  Fields refused;
  std::string reason;  // of the refused field when there is one reason for it
  std::vector<Amounts> lines;
  Amounts totals;
  int128 freight = 0, discount = 0;
};

Expected Price(const Request& r, const std::vector<Line>& lines,
               const std::vector<Product>& products, int64_t freight, int64_t discount) {
  Expected e;
  // Field caps first, all of them at once (the request's own fields only).
  for (size_t i = 0; i < r.lines.size(); ++i) {
    const Line& l = r.lines[i];
    if (l.qty > kMaxQtyUnits) e.refused.insert("lines[" + std::to_string(i) + "].qty");
    if (l.unit_price && *l.unit_price > kMaxPriceCents) {
      e.refused.insert("lines[" + std::to_string(i) + "].unit_price");
    }
  }
  if (r.freight && *r.freight > kMaxPriceCents) e.refused.insert("freight");
  if (r.discount_amount && *r.discount_amount > kMaxPriceCents) e.refused.insert("discount_amount");
  if (!e.refused.empty()) return e;

  e.freight = freight;
  e.discount = discount;
  int128 goods = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    const Product& p = products[l.product];
    const int128 price = l.unit_price.value_or(p.list_price);
    // qty (scale 3) × price (scale 2) × (1 − discount) (scale 4): scale 9, to cents.
    const int128 amount = RoundDiv(l.qty * price * (10000 - l.discount_rate), P10(7));
    Amounts a;
    if (r.tax_inclusive) {
      a.gross = amount;
      a.net = RoundDiv(amount * 10000, 10000 + p.tax_rate);
      a.tax = a.gross - a.net;
    } else {
      a.net = amount;
      a.tax = RoundDiv(amount * p.tax_rate, 10000);
      a.gross = a.net + a.tax;
    }
    goods += a.gross;
    if (a.net > kCeilingCents || a.tax > kCeilingCents || a.gross > kCeilingCents ||
        goods > kCeilingCents) {
      e.refused = {"lines[" + std::to_string(i) + "].qty"};
      e.reason = "amount too large";
      return e;
    }
    e.lines.push_back(a);
    e.totals.net += a.net;
    e.totals.tax += a.tax;
  }
  if (goods + freight > kCeilingCents) {
    e.refused = {"freight"};
    e.reason = "amount too large";
    return e;
  }
  e.totals.gross = goods + freight - discount;
  if (e.totals.gross < 0) {
    e.refused = {"discount_amount"};
    e.reason = "larger than the order amount";
  }
  return e;
}

// ---- random inputs: extremes, edges and everything between ----

class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}

  int64_t Int(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  bool Chance(int percent) { return Int(1, 100) <= percent; }
  // Log-uniform in [1, max]: every order of magnitude as likely.
  int64_t Magnitude(int64_t max) {
    int64_t top = 1;
    int digits = 0;
    while (top <= max / 10) {
      top *= 10;
      ++digits;
    }
    const int d = static_cast<int>(Int(0, digits));
    int64_t lo = 1;
    for (int i = 0; i < d; ++i) lo *= 10;
    const int64_t hi = lo > max / 10 ? max : lo * 10 - 1;
    return Int(lo, hi);
  }

  int64_t Qty() {
    switch (Int(0, 9)) {
      case 0:
        return 1;  // 0.001
      case 1:
        return kMaxQtyUnits;  // 10^9
      case 2:
        return kMaxQtyUnits - Int(0, 1000);  // just under
      case 3:
        return Chance(70) ? kMaxQtyUnits : kMaxQtyUnits + Int(1, 1000);  // at or over
      case 4:
        return Int(1, 100) * 1000;  // whole units
      default:
        return Magnitude(kMaxQtyUnits);
    }
  }
  int64_t Price() {
    switch (Int(0, 9)) {
      case 0:
        return 0;
      case 1:
        return 1;
      case 2:
        return kMaxPriceCents;
      case 3:
        return kMaxPriceCents - Int(0, 99);
      case 4:
        return Chance(70) ? kMaxPriceCents : kMaxPriceCents + Int(1, 100);  // at or over
      default:
        return Magnitude(kMaxPriceCents);
    }
  }
  int64_t Discount() {
    switch (Int(0, 5)) {
      case 0:
        return 0;
      case 1:
        return 9999;
      case 2:
        return 5000;
      default:
        return Int(0, 9999);
    }
  }
  // Freight or an order discount: mostly small, sometimes up to and past the cap.
  std::optional<int64_t> Extra() {
    switch (Int(0, 9)) {
      case 0:
        return std::nullopt;
      case 1:
        return 0;
      case 2:
        return kMaxPriceCents;
      case 3:
        return Chance(30) ? kMaxPriceCents + 1 : kMaxPriceCents;
      case 4:
        return Magnitude(kMaxPriceCents);
      default:
        return Int(0, 100'000);
    }
  }

 private:
  std::mt19937_64 rng_;
};

std::string Cents(int128 v) { return Text(v, 2); }
// For comparisons gtest can print; every amount compared here fits.
int64_t I64(int128 v) { return static_cast<int64_t>(v); }

class MoneyPropertyTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    // Tax rates from none to 100 %, list prices from a cent to the cap.
    const std::pair<const char*, const char*> kProducts[] = {{"0", "0.01"},
                                                             {"0.0001", "58.00"},
                                                             {"0.03", "999999999999.99"},
                                                             {"0.06", "1000000000000.00"},
                                                             {"0.09", "12.50"},
                                                             {"0.13", "1280.00"},
                                                             {"0.125", "333333333333.33"},
                                                             {"0.9999", "0.99"},
                                                             {"1", "77777777.77"}};
    for (const auto& [rate, price] : kProducts) {
      const std::string sku = UniqueCode("MP-");
      const json p = AdminPost("/api/v1/products", {{"sku", sku},
                                                    {"name", "Product " + sku},
                                                    {"unit", "pcs"},
                                                    {"list_price", price},
                                                    {"min_price", "0"},
                                                    {"tax_rate", rate}});
      products_.push_back(
          {IdOf(p), static_cast<int64_t>(Units(price, 2)), static_cast<int64_t>(Units(rate, 4))});
    }
    customers_ = {CreateCustomer(), CreateCustomer()};
    ASSERT_FALSE(HasFailure());
  }

  json Body(const Request& r, bool creating) {
    json body = {{"price_mode", r.tax_inclusive ? "tax_inclusive" : "tax_exclusive"}};
    if (creating) body["customer_id"] = customers_[gen_->Int(0, 1)];
    if (!r.lines.empty()) {
      json lines = json::array();
      for (const Line& l : r.lines) {
        json line = {{"product_id", products_[l.product].id},
                     {"qty", Text(l.qty, 3)},
                     {"discount_rate", Text(l.discount_rate, 4)}};
        if (l.unit_price) line["unit_price"] = Cents(*l.unit_price);
        lines.push_back(line);
      }
      body["lines"] = lines;
    }
    if (r.freight) body["freight"] = Cents(*r.freight);
    if (r.discount_amount) body["discount_amount"] = Cents(*r.discount_amount);
    return body;
  }

  Request RandomRequest(bool with_lines) {
    Request r;
    r.tax_inclusive = gen_->Chance(50);
    if (with_lines) {
      const int n =
          gen_->Chance(10) ? static_cast<int>(gen_->Int(5, 30)) : static_cast<int>(gen_->Int(1, 4));
      // A third of the orders are of ordinary size; the rest go for the extremes.
      const bool ordinary = gen_->Chance(33);
      for (int i = 0; i < n; ++i) {
        Line l;
        l.product = static_cast<size_t>(gen_->Int(0, static_cast<int64_t>(products_.size()) - 1));
        l.qty = ordinary ? gen_->Magnitude(1'000'000) : gen_->Qty();
        if (!gen_->Chance(15))
          l.unit_price = ordinary ? gen_->Magnitude(10'000'000) : gen_->Price();
        l.discount_rate = gen_->Discount();
        if (!ordinary && gen_->Chance(25)) {
          // Aim at the ceiling: a price that puts the lines' amounts within cents of it
          // together (when such a price is within the cap).
          const int128 target =
              static_cast<int128>(kCeilingCents) * P10(7) / (10000 - l.discount_rate) / n;
          const int128 price = target / l.qty;
          if (price <= kMaxPriceCents) {
            l.unit_price = std::max<int64_t>(0, static_cast<int64_t>(price) + gen_->Int(-2, 2));
          }
        }
        r.lines.push_back(l);
      }
    }
    r.freight = gen_->Extra();
    r.discount_amount = gen_->Extra();
    // Mostly an order discount the order can bear.
    if (r.discount_amount && *r.discount_amount > 100'000 && gen_->Chance(70)) {
      r.discount_amount = gen_->Int(0, 100'000);
    }
    return r;
  }

  // The order's stored amounts against the expected ones, as answered in `order`.
  void ExpectAmounts(const json& order, const Expected& e, const std::string& what) {
    ASSERT_TRUE(order.is_object()) << what;
    ASSERT_EQ(order["lines"].size(), e.lines.size()) << what;
    for (size_t i = 0; i < e.lines.size(); ++i) {
      const json& l = order["lines"][i];
      EXPECT_EQ(l["net"], Cents(e.lines[i].net)) << what << " line " << i;
      EXPECT_EQ(l["tax"], Cents(e.lines[i].tax)) << what << " line " << i;
      EXPECT_EQ(l["gross"], Cents(e.lines[i].gross)) << what << " line " << i;
    }
    const json& t = order["totals"];
    EXPECT_EQ(t["net"], Cents(e.totals.net)) << what;
    EXPECT_EQ(t["tax"], Cents(e.totals.tax)) << what;
    EXPECT_EQ(t["freight"], Cents(e.freight)) << what;
    EXPECT_EQ(t["discount"], Cents(e.discount)) << what;
    EXPECT_EQ(t["gross"], Cents(e.totals.gross)) << what;
    EXPECT_EQ(ReadChineseAmount(order.value("amount_in_words", "")), I64(e.totals.gross))
        << what << ": " << order["amount_in_words"];
    EXPECT_EQ(ReadChineseAmount(order.value("amount_in_words_traditional", "")),
              I64(e.totals.gross))
        << what << ": " << order["amount_in_words_traditional"];
  }

  void ExpectRefused(const Reply& reply, const Expected& e, const std::string& what) {
    ASSERT_EQ(reply.status, 422) << what << ": " << reply;
    EXPECT_EQ(ErrorCode(reply), "validation_failed") << what;
    const json fields = ErrorDetails(reply).value("fields", json::object());
    Fields got;
    for (const auto& [field, reason] : fields.items()) got.insert(field);
    EXPECT_EQ(got, e.refused) << what << ": " << reply.body;
    if (!e.reason.empty() && e.refused.size() == 1) {
      EXPECT_EQ(fields.value(*e.refused.begin(), ""), e.reason) << what;
    }
  }

  std::vector<Product> products_;
  std::vector<int64_t> customers_;
  std::unique_ptr<Gen> gen_;
};

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : fallback;
}

TEST_F(MoneyPropertyTest, EveryAmountIsExactOrRefusedAndNotStored) {
  const uint64_t seed = EnvOr("ORDO_MONEY_PROPERTY_SEED", 20261122);
  const int orders = static_cast<int>(EnvOr("ORDO_MONEY_PROPERTY_ORDERS", 500));
  SCOPED_TRACE("ORDO_MONEY_PROPERTY_SEED=" + std::to_string(seed));
  gen_ = std::make_unique<Gen>(seed);

  struct Stored {
    Request request;  // what the order holds: lines, mode, freight, discount
    Expected expected;
    int64_t version = 1;
  };
  std::map<int64_t, Stored> stored;
  std::map<std::string, int> outcomes;  // refusal reasons and acceptances, to show the mix
  for (int n = 0; n < orders && !HasFatalFailure(); ++n) {
    const Request r = RandomRequest(true);
    const Expected e =
        Price(r, r.lines, products_, r.freight.value_or(0), r.discount_amount.value_or(0));
    const json body = Body(r, true);
    const std::string what = "order " + std::to_string(n) + " " + body.dump();
    const Reply reply = admin().Post("/api/v1/orders", body.dump());
    if (!e.refused.empty()) {
      ++outcomes[e.reason.empty() ? "field cap" : e.reason];
      ExpectRefused(reply, e, what);
      continue;
    }
    ++outcomes["created"];
    if (e.totals.gross >= kCeilingCents / 10) ++outcomes["created at 10^11 CNY or more"];
    const json created = ExpectJson(reply, 201, what);
    if (!created.is_object()) continue;
    ExpectAmounts(created, e, what);
    const int64_t id = IdOf(created);
    ExpectAmounts(GetOrder(id), e, what + " read back");
    stored[id] = {r, e, 1};

    // Now and then an edit of the order's mode, freight and discount only: repriced from
    // the lines it holds, or refused and left as it was.
    if (!gen_->Chance(30)) continue;
    Request edit = RandomRequest(false);
    Stored& s = stored[id];
    const int64_t freight = edit.freight.value_or(static_cast<int64_t>(s.expected.freight));
    const int64_t discount =
        edit.discount_amount.value_or(static_cast<int64_t>(s.expected.discount));
    const Expected after = Price(edit, s.request.lines, products_, freight, discount);
    const json patch = Body(edit, false);
    const std::string edit_what = what + " edited with " + patch.dump();
    const Reply edited = admin().Patch("/api/v1/orders/" + std::to_string(id), patch.dump());
    if (!after.refused.empty()) {
      ++outcomes["edit refused"];
      ExpectRefused(edited, after, edit_what);
      const json unchanged = GetOrder(id);
      EXPECT_EQ(unchanged["version"], s.version) << edit_what;
      ExpectAmounts(unchanged, s.expected, edit_what + ", read back after the refusal");
      continue;
    }
    ++outcomes["edit accepted"];
    ExpectAmounts(ExpectJson(edited, 200, edit_what), after, edit_what);
    edit.lines = s.request.lines;
    s = {edit, after, s.version + 1};
  }

  // What the database holds: exactly the accepted orders, with the expected cents.
  EXPECT_EQ(DbCount("SELECT count(*) FROM orders"), static_cast<int64_t>(stored.size()));
  const json list = AdminGet("/api/v1/orders?page_size=1");
  EXPECT_EQ(list.value("total", -1), static_cast<int64_t>(stored.size()));
  std::vector<std::vector<json>> rows;
  std::string error;
  ASSERT_TRUE(server().QueryRows(
      "SELECT id, net, tax, freight, discount, gross FROM orders ORDER BY id", &rows, &error))
      << error;
  ASSERT_EQ(rows.size(), stored.size());
  for (const auto& row : rows) {
    const auto it = stored.find(row[0].get<int64_t>());
    ASSERT_NE(it, stored.end()) << row[0];
    const Expected& e = it->second.expected;
    const std::string what = "stored order " + row[0].dump();
    EXPECT_EQ(row[1].get<int64_t>(), I64(e.totals.net)) << what;
    EXPECT_EQ(row[2].get<int64_t>(), I64(e.totals.tax)) << what;
    EXPECT_EQ(row[3].get<int64_t>(), I64(e.freight)) << what;
    EXPECT_EQ(row[4].get<int64_t>(), I64(e.discount)) << what;
    EXPECT_EQ(row[5].get<int64_t>(), I64(e.totals.gross)) << what;
  }
  rows.clear();
  ASSERT_TRUE(server().QueryRows(
      "SELECT order_id, line_no, net, tax, gross FROM order_lines ORDER BY order_id, line_no",
      &rows, &error))
      << error;
  size_t lines = 0;
  for (const auto& [id, s] : stored) lines += s.expected.lines.size();
  ASSERT_EQ(rows.size(), lines);
  for (const auto& row : rows) {
    const Expected& e = stored.at(row[0].get<int64_t>()).expected;
    const size_t i = static_cast<size_t>(row[1].get<int64_t>() - 1);
    ASSERT_LT(i, e.lines.size());
    const std::string what = "stored line " + row[0].dump() + "/" + row[1].dump();
    EXPECT_EQ(row[2].get<int64_t>(), I64(e.lines[i].net)) << what;
    EXPECT_EQ(row[3].get<int64_t>(), I64(e.lines[i].tax)) << what;
    EXPECT_EQ(row[4].get<int64_t>(), I64(e.lines[i].gross)) << what;
  }

  // The mix must hold both sides of every rule, or the test proves little.
  std::string mix;
  for (const auto& [what, count] : outcomes) mix += " " + what + ": " + std::to_string(count);
  std::cout << "[ money    ]" << mix << "\n";
  for (const char* kind :
       {"created", "created at 10^11 CNY or more", "amount too large", "field cap", "edit accepted",
        "edit refused", "larger than the order amount"}) {
    EXPECT_GT(outcomes[kind], 0) << kind << " never happened:" << mix;
  }
}

}  // namespace
}  // namespace ordo::test
