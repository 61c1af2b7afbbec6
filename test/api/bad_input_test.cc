// Bad requests answer their exact status and error code (422: every bad field by its path)
// and change nothing: not through the API (list totals, the orders' versions and fields,
// stock, timelines) and not in the SQLite file itself.
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "api/api_fixture.h"

namespace ordo::test {
namespace {

using Fields = std::set<std::string>;

class BadInputTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    warehouse_ = CreateWarehouse();
    product_ = CreateProduct();
    customer_ = CreateCustomer();
    AddStock(product_, warehouse_, "50");
    draft_ =
        IdOf(AdminPost("/api/v1/orders", {{"customer_id", customer_},
                                          {"lines", {{{"product_id", product_}, {"qty", "2"}}}},
                                          {"notes", "draft"}}));
    pending_ =
        IdOf(AdminPost("/api/v1/orders", {{"customer_id", customer_},
                                          {"lines", {{{"product_id", product_}, {"qty", "3"}}}},
                                          {"submit", true}}));
    ASSERT_FALSE(HasFailure());
    ASSERT_EQ(GetOrder(pending_)["status"], "pending_review");
  }

  std::string C() const { return std::to_string(customer_); }
  std::string P() const { return std::to_string(product_); }
  std::string W() const { return std::to_string(warehouse_); }
  std::string OrderPath(int64_t id, const std::string& suffix = "") const {
    return "/api/v1/orders/" + std::to_string(id) + suffix;
  }
  // A valid line, as JSON text.
  std::string Line(const std::string& extra = "") const {
    return R"({"product_id":)" + P() + R"(,"qty":"1")" + extra + "}";
  }

  // Everything a bad request must leave alone, read through the API and from the file.
  json Snapshot() {
    json s;
    const json list = AdminGet("/api/v1/orders?page_size=1");
    s["orders_total"] = list.is_object() ? list["total"] : json();
    s["draft"] = GetOrder(draft_);
    s["pending"] = GetOrder(pending_);
    s["draft_events"] = EventCount(draft_);
    s["pending_events"] = EventCount(pending_);
    json stock = json::array();
    for (const auto& [w, row] : StockOf(product_)) stock.push_back(row);
    s["stock"] = stock;
    s["movements_total"] = AdminGet("/api/v1/stock/movements?page_size=1")["total"];
    for (const char* table : {"orders", "order_lines", "order_flags", "order_reviews", "events",
                              "stock_movements", "idempotency_keys"}) {
      s["rows"][table] = DbCount(std::string("SELECT count(*) FROM ") + table);
    }
    s["rows"]["order_versions"] = DbCount("SELECT coalesce(sum(version), 0) FROM orders");
    s["rows"]["order_serials"] =
        DbCount("SELECT coalesce(sum(last_serial), 0) FROM order_counters");
    s["rows"]["stock_reserved"] = DbCount("SELECT coalesce(sum(reserved), 0) FROM stock");
    return s;
  }

  // Sends the request as admin and expects exactly `status` and `code`; for 422 also the
  // exact set of field paths in details.fields. Then checks that nothing changed.
  void ExpectRefused(const std::string& what, const std::string& method, const std::string& target,
                     const std::string& body, int status, const std::string& code,
                     const Fields& fields = {}, const Headers& headers = {}) {
    SCOPED_TRACE(what + ": " + method + " " + target + " " + body.substr(0, 300));
    const json before = Snapshot();
    const Reply reply = admin().Request(method, target, body, headers);
    EXPECT_EQ(reply.status, status) << reply;
    EXPECT_EQ(ErrorCode(reply), code) << reply;
    const json b = json::parse(reply.body, nullptr, false);
    EXPECT_TRUE(b.is_object() && b["error"].is_object() && b["error"]["message"].is_string() &&
                b["error"]["details"].is_object())
        << "not the API's error body: " << reply;
    if (status == 422) {
      const json f = ErrorDetails(reply).value("fields", json::object());
      Fields got;
      for (const auto& [key, reason] : f.items()) {
        got.insert(key);
        EXPECT_TRUE(reason.is_string() && !reason.get<std::string>().empty())
            << "field " << key << " has no reason: " << reply;
      }
      EXPECT_EQ(got, fields) << reply;
    }
    const json after = Snapshot();
    EXPECT_EQ(after, before) << "a refused request changed the database";
  }

  void ExpectOrderCreateRefused(const std::string& what, const std::string& body, int status,
                                const std::string& code, const Fields& fields = {}) {
    ExpectRefused(what, "POST", "/api/v1/orders", body, status, code, fields);
  }

  int64_t warehouse_ = 0;
  int64_t product_ = 0;
  int64_t customer_ = 0;
  int64_t draft_ = 0;
  int64_t pending_ = 0;
};

const std::vector<std::string>& MalformedBodies() {
  static const std::vector<std::string> kBodies = {"{",
                                                   R"({"a":})",
                                                   R"({"notes":"x"} trailing)",
                                                   R"({"notes":"x"}})",
                                                   R"({"notes":"x",})",
                                                   R"({'notes':'x'})",
                                                   "",
                                                   "\xff\xfe{}"};
  return kBodies;
}

const std::vector<std::string>& NonObjectBodies() {
  static const std::vector<std::string> kBodies = {
      "[]", R"([{"notes":"x"}])", R"("order")", "42", "1.5", "null", "true"};
  return kBodies;
}

TEST_F(BadInputTest, MalformedJsonIsInvalidJson) {
  for (const std::string& body : MalformedBodies()) {
    ExpectOrderCreateRefused("malformed", body, 400, "invalid_json");
    ExpectRefused("malformed", "PATCH", OrderPath(draft_), body, 400, "invalid_json");
    ExpectRefused("malformed", "POST", OrderPath(pending_, "/reviews"), body, 400, "invalid_json");
  }
}

TEST_F(BadInputTest, BodyThatIsNotAnObjectIsInvalidJson) {
  for (const std::string& body : NonObjectBodies()) {
    ExpectOrderCreateRefused("not an object", body, 400, "invalid_json");
    ExpectRefused("not an object", "PATCH", OrderPath(draft_), body, 400, "invalid_json");
    ExpectRefused("not an object", "POST", OrderPath(pending_, "/reviews"), body, 400,
                  "invalid_json");
  }
}

TEST_F(BadInputTest, WrongTypesNameEachField) {
  ExpectOrderCreateRefused("top-level types",
                           R"({"customer_id":")" + C() + R"(","lines":{},"submit":"yes"})", 422,
                           "validation_failed", {"customer_id", "lines", "submit"});
  ExpectOrderCreateRefused("line types",
                           R"({"customer_id":)" + C() + R"(,"lines":[{"product_id":)" + P() +
                               R"(,"qty":true},)" + R"({"product_id":)" + P() +
                               R"(,"qty":"1","unit_price":[1]},)" + R"({"product_id":")" + P() +
                               R"(","qty":"1"},)" + Line(R"(,"warehouse_id":"main")") + "," +
                               Line(R"(,"discount_rate":false)") + "]}",
                           422, "validation_failed",
                           {"lines[0].qty", "lines[1].unit_price", "lines[2].product_id",
                            "lines[3].warehouse_id", "lines[4].discount_rate"});
  ExpectOrderCreateRefused("a line that is not an object",
                           R"({"customer_id":)" + C() + R"(,"lines":[)" + Line() + R"(,5]})", 422,
                           "validation_failed", {"lines[1]"});
  ExpectOrderCreateRefused(
      "other fields",
      R"({"customer_id":)" + C() + R"(,"lines":[)" + Line() +
          R"(],"freight":true,"ship_to":"home","requested_delivery_date":20261201,)" +
          R"("notes":5,"payment_terms":[]})",
      422, "validation_failed",
      {"freight", "ship_to", "requested_delivery_date", "notes", "payment_terms"});
  ExpectOrderCreateRefused("customer_id as a float",
                           R"({"customer_id":1.0,"lines":[)" + Line() + "]}", 422,
                           "validation_failed", {"customer_id"});
}

TEST_F(BadInputTest, MissingFieldsAreNamed) {
  ExpectOrderCreateRefused("empty object", "{}", 422, "validation_failed",
                           {"customer_id", "lines"});
  ExpectOrderCreateRefused("no lines", R"({"customer_id":)" + C() + "}", 422, "validation_failed",
                           {"lines"});
  ExpectOrderCreateRefused("no customer", R"({"lines":[)" + Line() + "]}", 422, "validation_failed",
                           {"customer_id"});
  ExpectOrderCreateRefused("null customer", R"({"customer_id":null,"lines":[)" + Line() + "]}", 422,
                           "validation_failed", {"customer_id"});
  ExpectOrderCreateRefused("empty line", R"({"customer_id":)" + C() + R"(,"lines":[{}]})", 422,
                           "validation_failed", {"lines[0].product_id", "lines[0].qty"});
  ExpectOrderCreateRefused(
      "line without qty",
      R"({"customer_id":)" + C() + R"(,"lines":[)" + Line() + R"(,{"product_id":)" + P() + "}]}",
      422, "validation_failed", {"lines[1].qty"});
  ExpectOrderCreateRefused("line without product",
                           R"({"customer_id":)" + C() + R"(,"lines":[{"qty":"1"}]})", 422,
                           "validation_failed", {"lines[0].product_id"});
  ExpectOrderCreateRefused("no line at all", R"({"customer_id":)" + C() + R"(,"lines":[]})", 422,
                           "validation_failed", {"lines"});
}

TEST_F(BadInputTest, UnknownEnumValuesAreNamed) {
  ExpectOrderCreateRefused("enums",
                           R"({"customer_id":)" + C() + R"(,"lines":[)" + Line() +
                               R"(],"channel":"fax","price_mode":"gross","invoice_type":"paper"})",
                           422, "validation_failed", {"channel", "price_mode", "invoice_type"});
  ExpectOrderCreateRefused("payment method",
                           R"({"customer_id":)" + C() + R"(,"lines":[)" + Line() +
                               R"(],"payment_terms":{"method":"barter"}})",
                           422, "validation_failed", {"payment_terms.method"});
  ExpectOrderCreateRefused(
      "enum in the wrong case",
      R"({"customer_id":)" + C() + R"(,"lines":[)" + Line() + R"(],"channel":"Phone"})", 422,
      "validation_failed", {"channel"});
}

TEST_F(BadInputTest, TooManyDecimalsAreRefused) {
  // Money has 2 decimals, quantities 3, rates 4; JSON numbers are read from their text.
  ExpectOrderCreateRefused(
      "decimals",
      R"({"customer_id":)" + C() + R"(,"lines":[{"product_id":)" + P() +
          R"(,"qty":"1.2345","unit_price":"1.234","discount_rate":"0.12345"},)" +
          R"({"product_id":)" + P() + R"(,"qty":1.0001,"unit_price":9.999}],)" +
          R"("freight":0.001,"discount_amount":"0.005"})",
      422, "validation_failed",
      {"lines[0].qty", "lines[0].unit_price", "lines[0].discount_rate", "lines[1].qty",
       "lines[1].unit_price", "freight", "discount_amount"});
  ExpectOrderCreateRefused("not a decimal",
                           R"({"customer_id":)" + C() + R"(,"lines":[{"product_id":)" + P() +
                               R"(,"qty":"two","unit_price":"1,50"}]})",
                           422, "validation_failed", {"lines[0].qty", "lines[0].unit_price"});
}

TEST_F(BadInputTest, ZeroAndNegativeQuantitiesAreRefused) {
  std::string lines;
  const std::vector<std::string> qtys = {R"("0")", R"("-1")", "-2", R"("0.000")", "0", "-0.5"};
  Fields fields;
  for (size_t i = 0; i < qtys.size(); ++i) {
    if (i > 0) lines += ",";
    lines += R"({"product_id":)" + P() + R"(,"qty":)" + qtys[i] + "}";
    fields.insert("lines[" + std::to_string(i) + "].qty");
  }
  ExpectOrderCreateRefused("quantities",
                           R"({"customer_id":)" + C() + R"(,"lines":[)" + lines + "]}", 422,
                           "validation_failed", fields);
  ExpectOrderCreateRefused(
      "negative money",
      R"({"customer_id":)" + C() + R"(,"lines":[)" + Line(R"(,"unit_price":"-1.00")") +
          R"(],"freight":"-0.01","discount_amount":-5})",
      422, "validation_failed", {"lines[0].unit_price", "freight", "discount_amount"});
}

TEST_F(BadInputTest, UnknownIdsAreFieldErrors) {
  ExpectOrderCreateRefused("unknown ids",
                           R"({"customer_id":999999,"lines":[{"product_id":999999,"qty":"1"},)" +
                               Line(R"(,"warehouse_id":999999)") + "]}",
                           422, "validation_failed",
                           {"customer_id", "lines[0].product_id", "lines[1].warehouse_id"});
  ExpectOrderCreateRefused("unknown product alone",
                           R"({"customer_id":)" + C() + R"(,"submit":true,"lines":[)" + Line() +
                               R"(,{"product_id":999999,"qty":"1"}]})",
                           422, "validation_failed", {"lines[1].product_id"});
}

TEST_F(BadInputTest, OversizedBodyIs413AndTheServerGoesOn) {
  const std::string big = R"({"notes":")" + std::string(2 << 20, 'a') + R"("})";
  ExpectOrderCreateRefused("2 MiB", big, 413, "payload_too_large");
  ExpectRefused("2 MiB", "PATCH", OrderPath(draft_), big, 413, "payload_too_large");
  ExpectRefused("2 MiB", "POST", OrderPath(pending_, "/reviews"), big, 413, "payload_too_large");
  // The same client and a new one are still served.
  EXPECT_EQ(admin().Get("/healthz").status, 200);
  HttpClient other = ClientWithToken(admin().token());
  EXPECT_EQ(other.Get(OrderPath(draft_)).status, 200);
  const Reply created = admin().Post(
      "/api/v1/orders",
      json{{"customer_id", customer_}, {"lines", {{{"product_id", product_}, {"qty", "1"}}}}}
          .dump());
  EXPECT_EQ(created.status, 201) << created;
}

TEST_F(BadInputTest, UnknownOrdersAre404) {
  const std::string review = R"({"department":"sales","decision":"approve"})";
  ExpectRefused("no such order", "GET", "/api/v1/orders/999999", "", 404, "not_found");
  ExpectRefused("not an id", "GET", "/api/v1/orders/abc", "", 404, "not_found");
  ExpectRefused("no such order", "GET", "/api/v1/orders/999999/events", "", 404, "not_found");
  ExpectRefused("no such order", "PATCH", "/api/v1/orders/999999", R"({"notes":"x"})", 404,
                "not_found");
  ExpectRefused("not an id", "PATCH", "/api/v1/orders/abc", R"({"notes":"x"})", 404, "not_found");
  ExpectRefused("no such order", "POST", "/api/v1/orders/999999/reviews", review, 404, "not_found");
  ExpectRefused("no such order", "POST", "/api/v1/orders/999999/submit", "", 404, "not_found");
  ExpectRefused("not an id", "POST", "/api/v1/orders/abc/submit", "", 404, "not_found");
  ExpectRefused("no such order", "POST", "/api/v1/orders/999999/cancel", R"({"reason":"x"})", 404,
                "not_found");
}

// Every kind of bad PATCH leaves the draft exactly as it was, version included.
TEST_F(BadInputTest, BadPatchLeavesTheOrderUnchanged) {
  const std::string path = OrderPath(draft_);
  auto patch = [&](const std::string& what, const std::string& body, int status,
                   const std::string& code, const Fields& fields = {},
                   const Headers& headers = {}) {
    ExpectRefused(what, "PATCH", path, body, status, code, fields, headers);
  };
  patch("types", R"({"customer_id":"1","lines":{},"submit":"yes","freight":[]})", 422,
        "validation_failed", {"customer_id", "lines", "submit", "freight"});
  patch("line types",
        R"({"lines":[{"product_id":)" + P() + R"(,"qty":true},)" + Line() + "," +
            Line(R"(,"unit_price":{})") + "]}",
        422, "validation_failed", {"lines[0].qty", "lines[2].unit_price"});
  patch("missing line fields", R"({"lines":[{}]})", 422, "validation_failed",
        {"lines[0].product_id", "lines[0].qty"});
  patch("no lines", R"({"lines":[]})", 422, "validation_failed", {"lines"});
  patch("enums", R"({"channel":"fax","price_mode":"gross","invoice_type":"paper"})", 422,
        "validation_failed", {"channel", "price_mode", "invoice_type"});
  patch("decimals",
        R"({"freight":0.001,"discount_amount":"1.234","lines":[{"product_id":)" + P() +
            R"(,"qty":"1.2345","unit_price":"1.234","discount_rate":"0.12345"}]})",
        422, "validation_failed",
        {"freight", "discount_amount", "lines[0].qty", "lines[0].unit_price",
         "lines[0].discount_rate"});
  patch("zero and negative",
        R"({"lines":[{"product_id":)" + P() + R"(,"qty":"0"},{"product_id":)" + P() +
            R"(,"qty":-1}]})",
        422, "validation_failed", {"lines[0].qty", "lines[1].qty"});
  patch("unknown ids",
        R"({"customer_id":999999,"lines":[{"product_id":999999,"qty":"1"},)" +
            Line(R"(,"warehouse_id":999999)") + "]}",
        422, "validation_failed", {"customer_id", "lines[0].product_id", "lines[1].warehouse_id"});
  patch("good fields with one bad", R"({"notes":"changed","channel":"fax"})", 422,
        "validation_failed", {"channel"});
  const int64_t version = GetOrder(draft_)["version"].get<int64_t>();
  patch("stale version", R"({"notes":"changed"})", 409, "conflict", {},
        {{"If-Match", std::to_string(version - 1)}});
  patch("a version from the future", R"({"notes":"changed"})", 409, "conflict", {},
        {{"If-Match", std::to_string(version + 1)}});
  ExpectRefused("not in draft", "PATCH", OrderPath(pending_), R"({"notes":"changed"})", 409,
                "invalid_transition");
  const Reply r = admin().Patch(OrderPath(pending_), R"({"notes":"changed"})");
  EXPECT_EQ(ErrorDetails(r).value("status", ""), "pending_review") << r;
}

// Every kind of bad review leaves the pending order, its reservations and its timeline
// exactly as they were.
TEST_F(BadInputTest, BadReviewLeavesTheOrderUnchanged) {
  const std::string path = OrderPath(pending_, "/reviews");
  auto review = [&](const std::string& what, const std::string& body, int status,
                    const std::string& code, const Fields& fields = {},
                    const Headers& headers = {}) {
    ExpectRefused(what, "POST", path, body, status, code, fields, headers);
  };
  review("department", R"({"department":"legal","decision":"approve"})", 422, "validation_failed",
         {"department"});
  review("decision", R"({"department":"sales","decision":"maybe"})", 422, "validation_failed",
         {"decision"});
  review("both unknown", R"({"department":"legal","decision":"maybe"})", 422, "validation_failed",
         {"department", "decision"});
  review("missing", "{}", 422, "validation_failed", {"department", "decision"});
  review(
      "types",
      R"({"department":1,"decision":true,"comment":5,"override_price":"yes",)"
      R"("override_credit":1,"restock_date":"soon"})",
      422, "validation_failed",
      {"department", "decision", "comment", "override_price", "override_credit", "restock_date"});
  review("restock date",
         R"({"department":"warehouse","decision":"approve",)"
         R"("restock_date":"2026-13-01"})",
         422, "validation_failed", {"restock_date"});
  review("stale version", R"({"department":"sales","decision":"approve"})", 409, "conflict", {},
         {{"If-Match", "0"}});
  ExpectRefused("a draft is not under review", "POST", OrderPath(draft_, "/reviews"),
                R"({"department":"sales","decision":"approve"})", 409, "invalid_transition");
  const Reply r =
      admin().Post(OrderPath(draft_, "/reviews"), R"({"department":"sales","decision":"reject"})");
  EXPECT_EQ(ErrorDetails(r).value("status", ""), "draft") << r;

  // A role that may not review: 403, nothing changed.
  const std::string rep = CreateUserAndLogin("rep_review", {"sales_rep"});
  ASSERT_FALSE(rep.empty());
  const json before = Snapshot();
  HttpClient client = ClientWithToken(rep);
  const Reply forbidden = client.Post(path, R"({"department":"sales","decision":"reject"})");
  EXPECT_EQ(forbidden.status, 403) << forbidden;
  EXPECT_EQ(ErrorCode(forbidden), "forbidden") << forbidden;
  EXPECT_EQ(Snapshot(), before);
}

// Every write route of the OpenAPI document, with its {id} filled in: a draft order for the
// order routes, the fixture's records for the others.
std::vector<std::pair<std::string, std::string>> WriteRoutes(
    const json& openapi, const std::map<std::string, int64_t>& ids) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [path, ops] : openapi["paths"].items()) {
    for (const char* method : {"post", "patch", "put"}) {
      if (!ops.contains(method)) continue;
      std::string target = path;
      const auto brace = target.find("{id}");
      if (brace != std::string::npos) {
        const std::string prefix = target.substr(0, brace);
        auto it = ids.find(prefix);
        if (it == ids.end()) {
          ADD_FAILURE() << "no record to try " << path << " on";
          continue;
        }
        target.replace(brace, 4, std::to_string(it->second));
      }
      std::string upper = method;
      for (char& ch : upper) ch = static_cast<char>(std::toupper(ch));
      out.emplace_back(upper, target);
    }
  }
  return out;
}

// A typo never silently changes a record: every write route names each unknown field, at
// the top and inside nested objects, and writes nothing.
TEST_F(BadInputTest, UnknownFieldsAreNamedOnEveryWriteRoute) {
  const std::map<std::string, int64_t> ids = {{"/api/v1/orders/", draft_},
                                              {"/api/v1/customers/", customer_},
                                              {"/api/v1/products/", product_},
                                              {"/api/v1/warehouses/", warehouse_},
                                              {"/api/v1/users/", 1}};
  const json openapi = json::parse(admin().Get("/api/openapi.json").body);
  const auto routes = WriteRoutes(openapi, ids);
  ASSERT_GE(routes.size(), 15u);
  for (const auto& [method, target] : routes) {
    SCOPED_TRACE(method + " " + target);
    const json before = Snapshot();
    const Reply reply = admin().Request(method, target, R"({"zzz_typo":1})");
    EXPECT_EQ(reply.status, 422) << reply;
    EXPECT_EQ(ErrorDetails(reply)["fields"].value("zzz_typo", ""), "unknown field") << reply;
    EXPECT_EQ(Snapshot(), before);
  }
  // The reported typos: an order at list price with no delivery date was created.
  ExpectOrderCreateRefused("typos",
                           R"({"customer_id":)" + C() + R"(,"lines":[)" +
                               Line(R"(,"unitprice":"5.00")") +
                               R"(],"requested_date":"2030-01-01"})",
                           422, "validation_failed", {"lines[0].unitprice", "requested_date"});
  ExpectOrderCreateRefused("nested",
                           R"({"customer_id":)" + C() + R"(,"lines":[)" + Line() +
                               R"(],"ship_to":{"name":"x","adress":"y"},)" +
                               R"("payment_terms":{"method":"net","net_dayz":30}})",
                           422, "validation_failed", {"ship_to.adress", "payment_terms.net_dayz"});
  ExpectRefused("customer contacts", "PATCH", "/api/v1/customers/" + C(),
                R"({"contacts":[{"name":"x","mobile":"1"}]})", 422, "validation_failed",
                {"contacts[0].mobile"});
  // An action without a body still takes an empty one or {}.
  EXPECT_EQ(admin().Post(OrderPath(draft_, "/submit"), "{}").status, 200);
}

// JSON nested deeper than 64 levels is refused while parsing, on every write route: a body
// of 100,000 levels once crashed the server (stack exhaustion copying it into the audit log).
TEST_F(BadInputTest, DeepNestingIsInvalidJsonOnEveryWriteRoute) {
  const std::map<std::string, int64_t> ids = {{"/api/v1/orders/", draft_},
                                              {"/api/v1/customers/", customer_},
                                              {"/api/v1/products/", product_},
                                              {"/api/v1/warehouses/", warehouse_},
                                              {"/api/v1/users/", 1}};
  const json openapi = json::parse(admin().Get("/api/openapi.json").body);
  const std::string deep_arrays =
      R"({"zzz":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  std::string deep_objects = R"({"a":1})";
  for (int i = 0; i < 100; ++i) deep_objects = R"({"a":)" + deep_objects + "}";
  for (const auto& [method, target] : WriteRoutes(openapi, ids)) {
    ExpectRefused("100,000 arrays", method, target, deep_arrays, 400, "invalid_json");
    ExpectRefused("101 objects", method, target, deep_objects, 400, "invalid_json");
  }
  // 64 levels are fine (the value is then refused as a value, not as JSON).
  std::string ok = "1";
  for (int i = 0; i < 63; ++i) ok = "[" + ok + "]";
  ExpectRefused("64 levels", "PATCH", OrderPath(draft_), R"({"notes":)" + ok + "}", 422,
                "validation_failed", {"notes"});
  EXPECT_EQ(admin().Get("/healthz").status, 200);
}

// Names and codes refuse control characters and bidirectional overrides (they disguise a
// name on screen); free text keeps tabs and line breaks.
TEST_F(BadInputTest, ControlAndBidiCharactersAreRefused) {
  const std::string cust = "/api/v1/customers/" + C();
  for (const std::string bad : {"\\u0001", "\\u001f", "\\t", "\\n", "\\u007f", "\\u0085", "\\u202e",
                                "\\u202a", "\\u2066", "\\u2069", "\\u0000"}) {
    ExpectRefused("name with " + bad, "PATCH", cust, R"({"name":"ACME)" + bad + R"(Ltd"})", 422,
                  "validation_failed", {"name"});
    ExpectRefused("code with " + bad, "POST", "/api/v1/warehouses",
                  R"({"code":"W)" + bad + R"(1","name":"x"})", 422, "validation_failed", {"code"});
  }
  ExpectRefused("bidi in notes", "PATCH", OrderPath(draft_), R"({"notes":"a\u202eb"})", 422,
                "validation_failed", {"notes"});
  const Reply ok = admin().Patch(OrderPath(draft_), R"({"notes":"line 1\n\tline 2"})");
  EXPECT_EQ(ok.status, 200) << ok;
  EXPECT_EQ(json::parse(ok.body)["notes"], "line 1\n\tline 2");
  // Other scripts and marks pass: Chinese, the right-to-left mark's neighbours, emoji.
  const Reply zh = admin().Patch(cust, R"({"name":"上海华东精密机械有限公司 ✓"})");
  EXPECT_EQ(zh.status, 200) << zh;
}

// The audit log records what the server changed, field by field, never the request; an
// update that changes nothing writes nothing and keeps the version.
TEST_F(BadInputTest, UpdatesAuditChangedFieldsOnly) {
  const std::string cust = "/api/v1/customers/" + C();
  const json before = AdminGet(cust);
  auto events = [&]() {
    return AdminGet("/api/v1/audit/events?entity=customer&entity_id=" + C() + "&page_size=200");
  };
  const int64_t count = events()["total"].get<int64_t>();
  const Reply same = admin().Patch(
      cust, json{{"name", before["name"]}, {"credit_limit", before["credit_limit"]}}.dump());
  ASSERT_EQ(same.status, 200) << same;
  EXPECT_EQ(json::parse(same.body)["version"], before["version"]);
  EXPECT_EQ(events()["total"].get<int64_t>(), count) << "a no-op update wrote an event";

  const Reply changed = admin().Patch(
      cust, R"({"credit_limit":"12345.00","name":")" + before["name"].get<std::string>() + R"("})");
  ASSERT_EQ(changed.status, 200) << changed;
  EXPECT_EQ(json::parse(changed.body)["version"], before["version"].get<int64_t>() + 1);
  const json latest = events()["items"][0];
  EXPECT_EQ(latest["action"], "update");
  EXPECT_EQ(latest["data"],
            (json{{"credit_limit", {{"before", before["credit_limit"]}, {"after", "12345.00"}}}}))
      << latest;
}

// The caller's role is checked before the body is read: a role that may not act gets 403
// whatever it sent, and nothing is written.
TEST_F(BadInputTest, ForbiddenRolesGet403WhateverTheySend) {
  const std::string token = CreateUserAndLogin("whk_forbidden", {"warehouse"});
  ASSERT_FALSE(token.empty());
  HttpClient client = ClientWithToken(token);
  for (const std::string body : {"", "{", "[]", R"({"zzz":1})", "{}"}) {
    SCOPED_TRACE(body);
    const json before = Snapshot();
    EXPECT_EQ(client.Post("/api/v1/orders", body).status, 403);
    EXPECT_EQ(client.Patch(OrderPath(draft_), body).status, 403);
    EXPECT_EQ(client.Post("/api/v1/customers", body).status, 403);
    EXPECT_EQ(client.Post(OrderPath(draft_, "/hold"), body).status, 403);
    EXPECT_EQ(client.Post("/api/v1/users", body).status, 403);
    EXPECT_EQ(Snapshot(), before);
  }
}

}  // namespace
}  // namespace ordo::test
