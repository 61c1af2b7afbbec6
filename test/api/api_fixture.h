#pragma once
// A fixture for API tests: the real `ordo serve` on port 0 with a temp SQLite database, an
// admin client already logged in, and helpers that create master data, stock and users.
//
// Helpers record a gtest failure (with the server's answer) when a call does not answer as
// expected and then return 0 / "" / null, so a test checks `HasFailure()` once after its
// setup instead of after every step. They may be called from several threads as long as
// each thread uses its own HttpClient (gtest's EXPECT_* and ADD_FAILURE are thread-safe).
//
// The server's clock starts at kFakeNow (ORDO_FAKE_NOW) so that business dates, and with
// them order numbers, do not depend on when the test runs.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "support/http_client.h"
#include "support/ordo_process.h"

namespace ordo::test {

using nlohmann::json;

inline constexpr const char* kFakeNow = "2026-11-22T10:00:00+08:00";
inline constexpr const char* kUserPassword = "user-pass-123";

// A code no other call in this process returns ("W1", "W2", ...), for unique fields.
inline std::string UniqueCode(std::string_view prefix) {
  static std::atomic<int> counter{0};
  return std::string(prefix) + std::to_string(++counter);
}

// The answer's body as JSON, or null (with a gtest failure) when the status differs or the
// body does not parse.
inline json ExpectJson(const Reply& reply, int status, std::string_view what) {
  if (reply.status != status) {
    ADD_FAILURE() << what << ": expected HTTP " << status << ", got " << reply;
    return json();
  }
  json body = json::parse(reply.body, nullptr, false);
  if (body.is_discarded()) {
    ADD_FAILURE() << what << ": the body is not JSON: " << reply;
    return json();
  }
  return body;
}

// The error code of an error answer ("" when the body is not the API's error body).
inline std::string ErrorCode(const Reply& reply) {
  const json body = json::parse(reply.body, nullptr, false);
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) return "";
  const json code = body["error"].value("code", json());
  return code.is_string() ? code.get<std::string>() : "";
}

// The details object of an error answer (an empty object when there is none).
inline json ErrorDetails(const Reply& reply) {
  const json body = json::parse(reply.body, nullptr, false);
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) {
    return json::object();
  }
  const json details = body["error"].value("details", json::object());
  return details.is_object() ? details : json::object();
}

// Reads a SQLite database opened read-only (one connection per call, so the server's own
// writes are never blocked for long).
inline int64_t SqliteCount(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  int64_t out = -1;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << db_path << ": " << sqlite3_errmsg(db);
    sqlite3_close(db);
    return out;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot prepare " << sql << ": " << sqlite3_errmsg(db);
  } else if (sqlite3_step(st) != SQLITE_ROW) {
    ADD_FAILURE() << "no row from " << sql << ": " << sqlite3_errmsg(db);
  } else {
    out = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

// Quantities and money in answers are decimal strings; the tests compare them in
// thousandths so that "2.5" and "2.500" are the same amount.
inline int64_t Milli(const json& decimal_string) {
  if (!decimal_string.is_string()) {
    ADD_FAILURE() << "expected a decimal string, got " << decimal_string.dump();
    return 0;
  }
  const std::string s = decimal_string.get<std::string>();
  const bool negative = !s.empty() && s[0] == '-';
  int64_t whole = 0;
  int64_t frac = 0;
  int frac_digits = 0;
  bool in_frac = false;
  for (size_t i = negative ? 1 : 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.' && !in_frac) {
      in_frac = true;
    } else if (c >= '0' && c <= '9' && !in_frac) {
      whole = whole * 10 + (c - '0');
    } else if (c >= '0' && c <= '9' && frac_digits < 3) {
      frac = frac * 10 + (c - '0');
      ++frac_digits;
    } else {
      ADD_FAILURE() << "not a decimal with at most 3 decimals: " << s;
      return 0;
    }
  }
  for (; frac_digits < 3; ++frac_digits) frac *= 10;
  const int64_t v = whole * 1000 + frac;
  return negative ? -v : v;
}

// The options API tests start the server with: the clock at kFakeNow, quiet logs.
inline OrdoProcess::Options DefaultOptions() {
  OrdoProcess::Options options;
  options.env = {{"ORDO_FAKE_NOW", kFakeNow}, {"ORDO_LOG_LEVEL", "warn"}};
  return options;
}

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(DefaultOptions()); }

  // Starts the server and logs in as admin; a failure is fatal for the test.
  void StartServer(OrdoProcess::Options options) {
    server_ = OrdoProcess::Start(std::move(options));
    ASSERT_NE(server_, nullptr);
    admin_ = std::make_unique<HttpClient>(server_->Client());
    const std::string token = Login("admin", server_->options().admin_password);
    ASSERT_FALSE(token.empty()) << server_->Output();
    admin_->SetToken(token);
  }

  // Reconnects the admin client after a restart (the server has a new port).
  void ReconnectAdmin() {
    const std::string token = admin_->token();
    admin_ = std::make_unique<HttpClient>(server_->Client());
    admin_->SetToken(token);
  }

  OrdoProcess& server() { return *server_; }
  HttpClient& admin() { return *admin_; }
  std::string db_path() const { return server_->db_url().substr(std::string("sqlite:").size()); }
  // The integer that `sql` answers from the server's database, SQLite or PostgreSQL (-1
  // with a failure when it cannot).
  int64_t DbCount(const std::string& sql) const { return server_->QueryScalar(sql); }

  // A new client of the server with this token (one per thread).
  HttpClient ClientWithToken(const std::string& token) const {
    HttpClient client = server_->Client();
    client.SetToken(token);
    return client;
  }

  // Logs in on a fresh connection; the token or "" (with a failure).
  std::string Login(const std::string& username, const std::string& password) const {
    HttpClient client = server_->Client();
    const json body =
        ExpectJson(client.Post("/api/v1/auth/login",
                               json{{"username", username}, {"password", password}}.dump()),
                   200, "login as " + username);
    if (!body.is_object() || !body.contains("token") || !body["token"].is_string()) return "";
    return body["token"].get<std::string>();
  }

  // POSTs a JSON body as admin and expects `status`; the answer or null.
  json AdminPost(const std::string& target, const json& body, int status = 201) {
    return ExpectJson(admin().Post(target, body.dump()), status, "POST " + target);
  }
  json AdminGet(const std::string& target) {
    return ExpectJson(admin().Get(target), 200, "GET " + target);
  }

  static int64_t IdOf(const json& record) {
    return record.is_object() && record.contains("id") && record["id"].is_number_integer()
               ? record["id"].get<int64_t>()
               : 0;
  }

  int64_t CreateWarehouse() {
    const std::string code = UniqueCode("W");
    return IdOf(AdminPost("/api/v1/warehouses", {{"code", code}, {"name", "Warehouse " + code}}));
  }

  int64_t CreateProduct(const std::string& list_price = "10.00",
                        const std::string& min_price = "5.00") {
    const std::string sku = UniqueCode("SKU-");
    return IdOf(AdminPost("/api/v1/products", {{"sku", sku},
                                               {"name", "Product " + sku},
                                               {"unit", "pcs"},
                                               {"list_price", list_price},
                                               {"min_price", min_price},
                                               {"tax_rate", "0.13"}}));
  }

  // A customer without a credit limit, so that submits raise no credit flag.
  int64_t CreateCustomer() {
    const std::string code = UniqueCode("C");
    return IdOf(AdminPost("/api/v1/customers",
                          {{"code", code},
                           {"name", "Customer " + code},
                           {"address", "1 Test Road"},
                           {"contacts", {{{"name", "Li Lei"}, {"phone", "13800000000"}}}},
                           {"payment_terms", {{"method", "net"}, {"net_days", 30}}}}));
  }

  // Adds `qty` (a decimal string) to the product's stock in the warehouse.
  void AddStock(int64_t product_id, int64_t warehouse_id, const std::string& qty) {
    AdminPost("/api/v1/stock/adjustments", {{"product_id", product_id},
                                            {"warehouse_id", warehouse_id},
                                            {"qty_delta", qty},
                                            {"reason", "test stock"}});
  }

  // Creates a user (argon2: about 50 ms) with kUserPassword; the id or 0.
  int64_t CreateUser(const std::string& username, const std::vector<std::string>& roles) {
    return IdOf(AdminPost("/api/v1/users",
                          {{"username", username}, {"password", kUserPassword}, {"roles", roles}}));
  }

  // Creates a user and logs in as it; the token or "".
  std::string CreateUserAndLogin(const std::string& username,
                                 const std::vector<std::string>& roles) {
    if (CreateUser(username, roles) == 0) return "";
    return Login(username, kUserPassword);
  }

  // Every item of a list endpoint (`target` without page parameters, may have a query).
  std::vector<json> ListAll(HttpClient& client, const std::string& target) {
    std::vector<json> out;
    const char sep = target.find('?') == std::string::npos ? '?' : '&';
    for (int page = 1;; ++page) {
      const std::string t = target + sep + "page=" + std::to_string(page) + "&page_size=200";
      const json body = ExpectJson(client.Get(t), 200, "GET " + t);
      if (!body.is_object() || !body["items"].is_array()) return out;
      for (const auto& item : body["items"]) out.push_back(item);
      if (body["items"].empty() ||
          static_cast<int64_t>(out.size()) >= body["total"].get<int64_t>()) {
        return out;
      }
    }
  }

  // The stock rows of a product, by warehouse id.
  std::map<int64_t, json> StockOf(int64_t product_id) {
    std::map<int64_t, json> out;
    for (const json& row :
         ListAll(admin(), "/api/v1/stock?product_id=" + std::to_string(product_id))) {
      out[row["warehouse_id"].get<int64_t>()] = row;
    }
    return out;
  }

  json GetOrder(HttpClient& client, int64_t id) {
    return ExpectJson(client.Get("/api/v1/orders/" + std::to_string(id)), 200,
                      "GET order " + std::to_string(id));
  }
  json GetOrder(int64_t id) { return GetOrder(admin(), id); }

  // Every order in full (with lines), by id.
  std::map<int64_t, json> AllOrders(const std::string& query = "") {
    std::map<int64_t, json> out;
    for (const json& summary : ListAll(admin(), "/api/v1/orders" + query)) {
      const int64_t id = summary["id"].get<int64_t>();
      json order = GetOrder(id);
      if (order.is_object()) out[id] = std::move(order);
    }
    return out;
  }

  int64_t EventCount(int64_t order_id) {
    const json body = AdminGet("/api/v1/orders/" + std::to_string(order_id) + "/events");
    return body.is_object() ? static_cast<int64_t>(body["items"].size()) : -1;
  }

  // How many events of the order's timeline have this action.
  int EventCount(int64_t order_id, const std::string& action) {
    const json body = AdminGet("/api/v1/orders/" + std::to_string(order_id) + "/events");
    int n = 0;
    for (const json& e : body.value("items", json::array())) n += e["action"] == action ? 1 : 0;
    return n;
  }

  // Checks, for one product, that every stock row's reserved quantity is the sum of the
  // order lines' reserved_qty in that warehouse, never above on_hand, and that the
  // movement log adds up to the same. Returns the stock rows by warehouse.
  std::map<int64_t, json> ExpectReservationsConsistent(int64_t product_id,
                                                       const std::map<int64_t, json>& orders) {
    std::map<int64_t, int64_t> reserved_by_lines;
    for (const auto& [id, order] : orders) {
      for (const json& line : order.value("lines", json::array())) {
        if (line["product_id"] != product_id) continue;
        const int64_t reserved = Milli(line["reserved_qty"]);
        EXPECT_GE(reserved, 0) << order["number"];
        if (reserved > 0) {
          EXPECT_TRUE(line["warehouse_id"].is_number_integer())
              << "order " << order["number"] << " reserves without a warehouse";
          if (!line["warehouse_id"].is_number_integer()) continue;
          reserved_by_lines[line["warehouse_id"].get<int64_t>()] += reserved;
        }
      }
    }
    std::map<int64_t, int64_t> reserved_by_movements;
    for (const json& m :
         ListAll(admin(), "/api/v1/stock/movements?product_id=" + std::to_string(product_id))) {
      if (m["kind"] == "reserve" || m["kind"] == "release") {
        reserved_by_movements[m["warehouse_id"].get<int64_t>()] += Milli(m["qty_delta"]);
      }
    }
    const std::map<int64_t, json> stock = StockOf(product_id);
    for (const auto& [warehouse_id, row] : stock) {
      const int64_t on_hand = Milli(row["on_hand"]);
      const int64_t reserved = Milli(row["reserved"]);
      const int64_t available = Milli(row["available"]);
      EXPECT_EQ(reserved, reserved_by_lines[warehouse_id])
          << "warehouse " << warehouse_id << ": stock row " << row.dump();
      EXPECT_EQ(reserved, reserved_by_movements[warehouse_id])
          << "warehouse " << warehouse_id << ": movements do not add up to the reservation";
      EXPECT_LE(reserved, on_hand) << row.dump();
      EXPECT_GE(available, 0) << row.dump();
      EXPECT_EQ(available, on_hand - reserved) << row.dump();
    }
    for (const auto& [warehouse_id, reserved] : reserved_by_lines) {
      EXPECT_TRUE(stock.count(warehouse_id)) << "lines reserve " << reserved << " in warehouse "
                                             << warehouse_id << " which has no stock row";
    }
    return stock;
  }

  static bool HasFlag(const json& order, const std::string& code) {
    for (const json& f : order.value("flags", json::array())) {
      if (f["code"] == code) return true;
    }
    return false;
  }

  std::unique_ptr<OrdoProcess> server_;
  std::unique_ptr<HttpClient> admin_;
};

}  // namespace ordo::test
