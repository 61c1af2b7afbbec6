// Several servers on one PostgreSQL database (runs when ORDO_TEST_BACKEND=postgres, i.e.
// in api_tests_pg; skipped on SQLite): two `ordo serve` processes, clients spread over
// both, racing for the same scarce stock. Nothing is oversold, order numbers are unique,
// every acknowledged order is there afterwards on both servers, sessions and idempotency
// keys work across servers.
#include <gtest/gtest.h>

#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "api/api_fixture.h"
#include "support/pg_cluster.h"

namespace ordo::test {
namespace {

class MultiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PostgresBackend()) GTEST_SKIP() << "needs ORDO_TEST_BACKEND=postgres (api_tests_pg)";
    std::string error;
    db_ = PgDatabase::Create(&error);
    ASSERT_NE(db_, nullptr) << error;
    OrdoProcess::Options options = DefaultOptions();
    options.db_url = db_->url();
    // One after the other: the second finds the schema and the admin the first created.
    for (auto* server : {&a_, &b_}) {
      *server = OrdoProcess::Start(options);
      ASSERT_NE(*server, nullptr);
    }
    HttpClient login = a_->Client();
    const json body = ExpectJson(
        login.Post("/api/v1/auth/login",
                   json{{"username", "admin"}, {"password", options.admin_password}}.dump()),
        200, "login on server A");
    ASSERT_TRUE(body.is_object() && body["token"].is_string());
    token_ = body["token"].get<std::string>();
  }

  void TearDown() override {
    // The servers first: the database is dropped after them.
    a_.reset();
    b_.reset();
    db_.reset();
  }

  // A client of server A (i even) or B (i odd) with the admin's token: sessions live in
  // the database, so a token from one server is good on the other.
  HttpClient ClientOf(int i) const {
    HttpClient client = (i % 2 == 0 ? a_ : b_)->Client();
    client.SetToken(token_);
    return client;
  }

  int64_t Create(const std::string& target, const json& body) {
    HttpClient client = ClientOf(0);
    const json answer = ExpectJson(client.Post(target, body.dump()), 201, "POST " + target);
    return answer.is_object() ? answer.value("id", int64_t{0}) : 0;
  }

  int64_t Setup(int64_t* p_scarce, int64_t* p_plenty, int64_t* w1, int64_t* w2) {
    *w1 = Create("/api/v1/warehouses", {{"code", UniqueCode("MW")}, {"name", "North"}});
    *w2 = Create("/api/v1/warehouses", {{"code", UniqueCode("MW")}, {"name", "South"}});
    auto product = [&](const char* prefix) {
      const std::string sku = UniqueCode(prefix);
      return Create("/api/v1/products", {{"sku", sku},
                                         {"name", "Product " + sku},
                                         {"unit", "pcs"},
                                         {"list_price", "10.00"},
                                         {"min_price", "5.00"},
                                         {"tax_rate", "0.13"}});
    };
    *p_scarce = product("SCARCE-");
    *p_plenty = product("PLENTY-");
    const std::string code = UniqueCode("MC");
    const int64_t customer =
        Create("/api/v1/customers", {{"code", code},
                                     {"name", "Customer " + code},
                                     {"payment_terms", {{"method", "net"}, {"net_days", 30}}}});
    for (auto [p, w, qty] : {std::tuple{*p_scarce, *w1, "60"}, std::tuple{*p_scarce, *w2, "40"},
                             std::tuple{*p_plenty, *w1, "100000"}}) {
      Create("/api/v1/stock/adjustments",
             {{"product_id", p}, {"warehouse_id", w}, {"qty_delta", qty}, {"reason", "test"}});
    }
    return customer;
  }

  // Every order as each server lists it, in full.
  std::map<int64_t, json> AllOrders(int server) {
    HttpClient client = ClientOf(server);
    std::map<int64_t, json> out;
    for (int page = 1;; ++page) {
      const json body =
          ExpectJson(client.Get("/api/v1/orders?page_size=200&page=" + std::to_string(page)), 200,
                     "list orders");
      if (!body.is_object() || body["items"].empty()) return out;
      for (const json& o : body["items"]) {
        const int64_t id = o["id"].get<int64_t>();
        out[id] = ExpectJson(client.Get("/api/v1/orders/" + std::to_string(id)), 200, "order");
      }
    }
  }

  int64_t Scalar(const std::string& sql) {
    std::vector<std::vector<json>> rows;
    std::string error;
    if (!PgQuery(db_->url(), sql, &rows, &error)) {
      ADD_FAILURE() << error;
      return -1;
    }
    return rows.empty() || rows[0].empty() ? -1 : rows[0][0].get<int64_t>();
  }

  std::unique_ptr<PgDatabase> db_;
  std::unique_ptr<OrdoProcess> a_;
  std::unique_ptr<OrdoProcess> b_;
  std::string token_;
};

// 32 clients, half on each server, create orders for one product whose stock (100, in two
// warehouses) is far below what they ask (32 x 4 x 3 = 384): half created with submit, half
// created as drafts on one server and submitted on the other.
TEST_F(MultiServerTest, RacingSubmitsOnTwoServersNeverOversell) {
  int64_t scarce = 0, plenty = 0, w1 = 0, w2 = 0;
  const int64_t customer = Setup(&scarce, &plenty, &w1, &w2);
  ASSERT_FALSE(HasFailure());

  constexpr int kThreads = 32;
  constexpr int kRounds = 4;
  std::mutex mu;
  std::map<int64_t, json> acknowledged;  // id -> the submitted order as answered; guarded
  std::vector<std::string> failures;     // guarded by mu
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpClient here = ClientOf(t);
      HttpClient there = ClientOf(t + 1);
      start.arrive_and_wait();
      for (int k = 0; k < kRounds; ++k) {
        const bool in_one = (t + k) % 2 == 0;
        json lines = {{{"product_id", plenty}, {"qty", "2"}}, {{"product_id", scarce}, {"qty", 3}}};
        if (k == 1) lines[1]["warehouse_id"] = t % 2 == 0 ? w1 : w2;
        const json body = {{"customer_id", customer}, {"lines", lines}, {"submit", in_one}};
        Reply created = here.Post("/api/v1/orders", body.dump());
        if (created.status != 201) {
          std::lock_guard lock(mu);
          failures.push_back("create: " + std::to_string(created.status) + " " + created.body);
          continue;
        }
        json order = json::parse(created.body, nullptr, false);
        if (!in_one) {
          const Reply submitted = there.Post(
              "/api/v1/orders/" + std::to_string(order.value("id", int64_t{0})) + "/submit", "{}");
          if (submitted.status != 200) {
            std::lock_guard lock(mu);
            failures.push_back("submit: " + std::to_string(submitted.status) + " " +
                               submitted.body);
            continue;
          }
          order = json::parse(submitted.body, nullptr, false);
        }
        std::lock_guard lock(mu);
        acknowledged[order.value("id", int64_t{0})] = order;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_TRUE(failures.empty()) << failures.size() << " failed, first: " << failures[0];
  ASSERT_EQ(acknowledged.size(), static_cast<size_t>(kThreads * kRounds));

  // Every acknowledged order is there, the same on both servers, as it was answered.
  const std::map<int64_t, json> on_a = AllOrders(0);
  const std::map<int64_t, json> on_b = AllOrders(1);
  EXPECT_EQ(on_a.size(), acknowledged.size());
  EXPECT_EQ(on_a, on_b);
  std::set<std::string> numbers;
  for (const auto& [id, answered] : acknowledged) {
    ASSERT_TRUE(on_a.count(id)) << "order " << id << " was acknowledged and is gone";
    const json& stored = on_a.at(id);
    EXPECT_EQ(stored["number"], answered["number"]);
    EXPECT_EQ(stored["status"], "pending_review") << stored["number"];
    EXPECT_EQ(stored["lines"], answered["lines"]) << stored["number"];
    EXPECT_TRUE(numbers.insert(stored["number"].get<std::string>()).second)
        << "order number " << stored["number"] << " given twice";
  }

  // The reservations: per stock row, what the lines hold, never more than on hand.
  std::map<std::pair<int64_t, int64_t>, int64_t> by_lines;
  for (const auto& [id, order] : on_a) {
    for (const json& line : order["lines"]) {
      const int64_t reserved = Milli(line["reserved_qty"]);
      EXPECT_GE(reserved, 0);
      EXPECT_LE(reserved, Milli(line["qty"]));
      if (reserved > 0) {
        by_lines[{line["product_id"].get<int64_t>(), line["warehouse_id"].get<int64_t>()}] +=
            reserved;
      }
    }
  }
  HttpClient client = ClientOf(1);
  int64_t scarce_reserved = 0;
  for (int64_t product : {scarce, plenty}) {
    const json stock =
        ExpectJson(client.Get("/api/v1/stock?product_id=" + std::to_string(product)), 200, "stock");
    for (const json& row : stock["items"]) {
      const int64_t reserved = Milli(row["reserved"]);
      const int64_t on_hand = Milli(row["on_hand"]);
      const auto key = std::pair{product, row["warehouse_id"].get<int64_t>()};
      EXPECT_EQ(reserved, by_lines[key]) << row.dump();
      EXPECT_LE(reserved, on_hand) << row.dump();
      EXPECT_GE(reserved, 0) << row.dump();
      EXPECT_GE(Milli(row["available"]), 0) << row.dump();
      if (product == scarce) scarce_reserved += reserved;
    }
  }
  // Far more was asked than there is: every unit is taken, and not one more.
  EXPECT_EQ(scarce_reserved, 100'000);

  // And in the database itself: no order without its lines, no movement unaccounted for.
  EXPECT_EQ(Scalar("SELECT count(*) FROM orders"), static_cast<int64_t>(acknowledged.size()));
  EXPECT_EQ(Scalar("SELECT count(*) FROM orders o WHERE NOT EXISTS "
                   "(SELECT 1 FROM order_lines l WHERE l.order_id = o.id)"),
            0);
  EXPECT_EQ(Scalar("SELECT count(*) FROM stock WHERE reserved < 0 OR reserved > on_hand "
                   "OR on_hand < 0"),
            0);
  EXPECT_EQ(Scalar("SELECT coalesce(sum(reserved), 0) FROM stock"),
            Scalar("SELECT coalesce(sum(reserved_qty), 0) FROM order_lines"));
  EXPECT_EQ(Scalar("SELECT coalesce(sum(reserved), 0) FROM stock"),
            Scalar("SELECT coalesce(sum(qty_delta), 0) FROM stock_movements "
                   "WHERE kind IN ('reserve', 'release')"));
}

// The same Idempotency-Key sent to both servers at the same moment creates one order; both
// answer 201 with it, one of them as a replay.
TEST_F(MultiServerTest, IdempotencyKeyAcrossServersCreatesOneOrder) {
  int64_t scarce = 0, plenty = 0, w1 = 0, w2 = 0;
  const int64_t customer = Setup(&scarce, &plenty, &w1, &w2);
  ASSERT_FALSE(HasFailure());

  constexpr int kKeys = 16;
  constexpr int kRequests = 2 * kKeys;
  std::vector<Reply> replies(kRequests);
  std::latch start(kRequests);
  std::vector<std::thread> threads;
  threads.reserve(kRequests);
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client = ClientOf(i);  // key i / 2 goes to A and to B
      const json body = {{"customer_id", customer},
                         {"lines", {{{"product_id", scarce}, {"qty", "1"}}}},
                         {"submit", true}};
      const Headers headers = {{"Idempotency-Key", "multi-" + std::to_string(i / 2)}};
      start.arrive_and_wait();
      replies[i] = client.Post("/api/v1/orders", body.dump(), headers);
    });
  }
  for (auto& th : threads) th.join();

  std::set<int64_t> ids;
  for (int key = 0; key < kKeys; ++key) {
    const Reply& on_a = replies[static_cast<size_t>(key) * 2];
    const Reply& on_b = replies[static_cast<size_t>(key) * 2 + 1];
    const json a = ExpectJson(on_a, 201, "key " + std::to_string(key) + " on A");
    const json b = ExpectJson(on_b, 201, "key " + std::to_string(key) + " on B");
    if (!a.is_object() || !b.is_object()) continue;
    EXPECT_EQ(a, b) << "key " << key << ": both servers answer the first answer";
    const int replayed = (on_a.header("idempotent-replayed") == "true") +
                         (on_b.header("idempotent-replayed") == "true");
    EXPECT_EQ(replayed, 1) << "key " << key;
    ids.insert(a.value("id", int64_t{0}));
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kKeys));
  EXPECT_EQ(Scalar("SELECT count(*) FROM orders"), kKeys);
  EXPECT_EQ(Scalar("SELECT count(*) FROM idempotency_keys"), kKeys);
  // One unit reserved per key, not two: the losers' reservations were rolled back.
  EXPECT_EQ(Scalar("SELECT coalesce(sum(reserved), 0) FROM stock"), kKeys * 1000);
}

}  // namespace
}  // namespace ordo::test
