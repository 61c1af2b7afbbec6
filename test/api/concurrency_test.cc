// Concurrency over the real server: parallel submits never oversell, releases racing with
// submits keep the reservations exact, and optimistic concurrency lets one writer win.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <latch>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/api_fixture.h"

namespace ordo::test {
namespace {

class ConcurrencyTest : public ApiTest {};

// 32 clients create and submit 96 orders for one product whose stock (100) is far below
// the total asked; the reservations never oversell and every answer was stored.
TEST_F(ConcurrencyTest, ParallelSubmitsNeverOversellOneProduct) {
  const int64_t w1 = CreateWarehouse();
  const int64_t w2 = CreateWarehouse();
  const int64_t product = CreateProduct();
  const int64_t customer = CreateCustomer();
  AddStock(product, w1, "60");
  AddStock(product, w2, "40");
  const std::string token = CreateUserAndLogin("sales_conc", {"sales_rep"});
  ASSERT_FALSE(HasFailure());

  constexpr int kThreads = 32;
  constexpr int kOrdersPerThread = 3;
  // Order k of thread t: quantities 2..5; pinned to w1, pinned to w2, unpinned, or two
  // lines (pinned and unpinned).
  auto lines_of = [&](int t, int k) {
    const int n = t * kOrdersPerThread + k;
    const int qty = 2 + n % 4;
    switch (n % 4) {
      case 0:
        return json::array({{{"product_id", product}, {"qty", qty}, {"warehouse_id", w1}}});
      case 1:
        return json::array(
            {{{"product_id", product}, {"qty", std::to_string(qty)}, {"warehouse_id", w2}}});
      case 2:
        return json::array({{{"product_id", product}, {"qty", std::to_string(qty)}}});
      default:
        return json::array({{{"product_id", product}, {"qty", qty}, {"warehouse_id", w1}},
                            {{"product_id", product}, {"qty", "2"}}});
    }
  };
  int64_t demand = 0;
  for (int t = 0; t < kThreads; ++t) {
    for (int k = 0; k < kOrdersPerThread; ++k) {
      for (const json& l : lines_of(t, k)) {
        demand += l["qty"].is_string() ? std::stoll(l["qty"].get<std::string>())
                                       : l["qty"].get<int64_t>();
      }
    }
  }
  ASSERT_GT(demand, 100) << "the test must ask for more than the stock";

  std::mutex mu;
  std::map<int64_t, json> created;  // id -> the 201 answer; guarded by mu
  std::map<int64_t, json> sent;     // id -> the lines sent; guarded by mu
  int created_count = 0;            // guarded by mu
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client = ClientWithToken(token);
      start.arrive_and_wait();
      for (int k = 0; k < kOrdersPerThread; ++k) {
        const json body = {{"customer_id", customer},
                           {"channel", "phone"},
                           {"lines", lines_of(t, k)},
                           {"submit", true}};
        const Reply reply = client.Post("/api/v1/orders", body.dump());
        const json order = ExpectJson(reply, 201, "create+submit");
        if (order.is_null()) continue;
        std::lock_guard lock(mu);
        ++created_count;
        created[IdOf(order)] = order;
        sent[IdOf(order)] = body["lines"];
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(created_count, kThreads * kOrdersPerThread);
  ASSERT_EQ(created.size(), static_cast<size_t>(created_count)) << "an id was answered twice";

  const std::map<int64_t, json> orders = AllOrders("?customer_id=" + std::to_string(customer));
  EXPECT_EQ(orders.size(), static_cast<size_t>(created_count))
      << "the list has another number of orders than were answered with 201";

  const std::regex number_re(R"(^SO\d{8}\d{3,}$)");
  std::set<std::string> numbers;
  for (const auto& [id, order] : orders) {
    ASSERT_TRUE(order.is_object()) << id;
    const std::string number = order["number"].get<std::string>();
    EXPECT_TRUE(std::regex_match(number, number_re)) << number;
    EXPECT_TRUE(numbers.insert(number).second) << "duplicate order number " << number;
    EXPECT_EQ(order["status"], "pending_review") << number;
    ASSERT_TRUE(created.count(id)) << "order " << number << " was never answered with 201";
    EXPECT_EQ(order["lines"], created[id]["lines"])
        << number << ": the stored lines differ from the 201 answer";
    int64_t backordered_total = 0;
    for (const json& line : order["lines"]) {
      const int64_t qty = Milli(line["qty"]);
      const int64_t reserved = Milli(line["reserved_qty"]);
      const int64_t backordered = Milli(line["backordered_qty"]);
      EXPECT_EQ(reserved + backordered, qty) << number << " line " << line.dump();
      EXPECT_GE(reserved, 0) << number;
      EXPECT_GE(backordered, 0) << number;
      EXPECT_TRUE(line["warehouse_id"] == w1 || line["warehouse_id"] == w2)
          << number << ": a submitted line has warehouse " << line["warehouse_id"];
      backordered_total += backordered;
    }
    EXPECT_EQ(HasFlag(order, "insufficient_stock"), backordered_total > 0)
        << number << ": insufficient_stock must be set exactly when a line is back-ordered";
  }
  // Pinned lines keep their warehouse; every line keeps its quantity.
  for (const auto& [id, sent_lines] : sent) {
    const json& lines = orders.count(id) ? orders.at(id)["lines"] : json::array();
    ASSERT_EQ(lines.size(), sent_lines.size()) << "order " << id;
    for (size_t i = 0; i < lines.size(); ++i) {
      const json& q = sent_lines[i]["qty"];
      EXPECT_EQ(Milli(lines[i]["qty"]),
                1000 * (q.is_string() ? std::stoll(q.get<std::string>()) : q.get<int64_t>()));
      if (sent_lines[i].contains("warehouse_id")) {
        EXPECT_EQ(lines[i]["warehouse_id"], sent_lines[i]["warehouse_id"]) << "order " << id;
      }
    }
  }

  const auto stock = ExpectReservationsConsistent(product, orders);
  ASSERT_EQ(stock.size(), 2u);
  EXPECT_EQ(Milli(stock.at(w1)["on_hand"]), 60000);
  EXPECT_EQ(Milli(stock.at(w2)["on_hand"]), 40000);
  // No release happened, so a warehouse that back-ordered any line must have run empty:
  // a reservation takes all that is available.
  for (const auto& [id, order] : orders) {
    for (const json& line : order["lines"]) {
      if (Milli(line["backordered_qty"]) == 0) continue;
      const int64_t w = line["warehouse_id"].get<int64_t>();
      EXPECT_EQ(Milli(stock.at(w)["available"]), 0)
          << order["number"] << " back-ordered in warehouse " << w << " which still has stock";
    }
  }
}

// Cancels and rejects run at the same time as new submits (and resubmits) of the same
// product; every release happens exactly once and the reservations stay exact.
TEST_F(ConcurrencyTest, CancelAndRejectRacingWithSubmitsReleaseExactly) {
  const int64_t w1 = CreateWarehouse();
  const int64_t w2 = CreateWarehouse();
  const int64_t product = CreateProduct();
  const int64_t customer = CreateCustomer();
  AddStock(product, w1, "40");
  AddStock(product, w2, "20");
  const std::string sales = CreateUserAndLogin("sales_race", {"sales_rep"});
  ASSERT_FALSE(HasFailure());

  auto order_body = [&](int n, bool submit) {
    json line = {{"product_id", product}, {"qty", "3"}};
    if (n % 3 == 0) line["warehouse_id"] = w1;
    if (n % 3 == 1) line["warehouse_id"] = w2;
    return json{{"customer_id", customer}, {"lines", json::array({line})}, {"submit", submit}};
  };

  // 24 submitted orders ask for 72 of the 60 in stock: both warehouses are fully reserved,
  // so the new submits below get only what the racing cancels and rejects release.
  constexpr int kExisting = 24;
  std::vector<int64_t> existing;
  {
    HttpClient client = ClientWithToken(sales);
    for (int n = 0; n < kExisting; ++n) {
      existing.push_back(IdOf(ExpectJson(client.Post("/api/v1/orders", order_body(n, true).dump()),
                                         201, "create+submit")));
    }
  }
  ASSERT_FALSE(HasFailure());
  for (const auto& [w, row] : StockOf(product)) {
    ASSERT_EQ(Milli(row["available"]), 0) << "warehouse " << w << " is not fully reserved";
  }

  const std::string admin_token = admin().token();
  auto path_of = [](int64_t id, const char* action) {
    return "/api/v1/orders/" + std::to_string(id) + "/" + action;
  };
  const std::string cancel_body = json{{"reason", "customer withdrew"}}.dump();
  const std::string reject_body =
      json{{"department", "sales"}, {"decision", "reject"}, {"comment", "price"}}.dump();

  // Orders 0-7: cancel races a reject. Orders 8-15: two cancels race. Orders 16-19:
  // reject, then resubmit. Orders 20-23: left alone. Plus 16 clients creating new orders.
  std::vector<int> cancel_vs_reject_reject(kExisting, 0);  // answers, by order index
  std::vector<std::vector<int>> double_cancel(kExisting);
  std::mutex mu;
  std::vector<std::function<void()>> jobs;
  for (int i = 0; i < 8; ++i) {
    jobs.emplace_back([&, i] {
      HttpClient c = ClientWithToken(sales);
      const Reply r = c.Post(path_of(existing[i], "cancel"), cancel_body);
      EXPECT_EQ(r.status, 200) << "cancel of order index " << i << ": " << r;
    });
    jobs.emplace_back([&, i] {
      HttpClient c = ClientWithToken(admin_token);
      const Reply r = c.Post(path_of(existing[i], "reviews"), reject_body);
      cancel_vs_reject_reject[i] = r.status;
      if (r.status != 200) {
        EXPECT_EQ(r.status, 409) << r;
        EXPECT_EQ(ErrorCode(r), "invalid_transition") << r;
        EXPECT_EQ(ErrorDetails(r).value("status", ""), "cancelled") << r;
      }
    });
  }
  for (int i = 8; i < 16; ++i) {
    for (int twice = 0; twice < 2; ++twice) {
      jobs.emplace_back([&, i] {
        HttpClient c = ClientWithToken(sales);
        const Reply r = c.Post(path_of(existing[i], "cancel"), cancel_body);
        {
          std::lock_guard lock(mu);
          double_cancel[i].push_back(r.status);
        }
        if (r.status != 200) {
          EXPECT_EQ(r.status, 409) << r;
          EXPECT_EQ(ErrorCode(r), "invalid_transition") << r;
        }
      });
    }
  }
  for (int i = 16; i < 20; ++i) {
    jobs.emplace_back([&, i] {
      HttpClient c = ClientWithToken(admin_token);
      ExpectJson(c.Post(path_of(existing[i], "reviews"), reject_body), 200, "reject");
      ExpectJson(c.Post(path_of(existing[i], "submit"), ""), 200, "resubmit");
    });
  }
  std::vector<int64_t> new_ids;
  for (int t = 0; t < 16; ++t) {
    jobs.emplace_back([&, t] {
      HttpClient c = ClientWithToken(sales);
      for (int k = 0; k < 2; ++k) {
        const int64_t id = IdOf(ExpectJson(
            c.Post("/api/v1/orders", order_body(t * 2 + k, true).dump()), 201, "create+submit"));
        std::lock_guard lock(mu);
        new_ids.push_back(id);
      }
    });
  }
  std::latch start(static_cast<std::ptrdiff_t>(jobs.size()));
  std::vector<std::thread> threads;
  for (auto& job : jobs) {
    threads.emplace_back([&start, &job] {
      start.arrive_and_wait();
      job();
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(new_ids.size(), 32u);

  const std::map<int64_t, json> orders = AllOrders("?customer_id=" + std::to_string(customer));
  EXPECT_EQ(orders.size(), static_cast<size_t>(kExisting) + new_ids.size());

  for (int i = 0; i < 8; ++i) {
    const json& o = orders.at(existing[i]);
    EXPECT_EQ(o["status"], "cancelled") << "cancel racing reject, index " << i;
    // A reject that came first shows in the reviews; one that came second was refused.
    EXPECT_EQ(o["reviews"].size(), cancel_vs_reject_reject[i] == 200 ? 1u : 0u) << o.dump();
  }
  for (int i = 8; i < 16; ++i) {
    EXPECT_EQ(orders.at(existing[i])["status"], "cancelled");
    ASSERT_EQ(double_cancel[i].size(), 2u);
    EXPECT_EQ(std::count(double_cancel[i].begin(), double_cancel[i].end(), 200), 1)
        << "exactly one of two racing cancels must win, index " << i;
    EXPECT_EQ(EventCount(existing[i], "cancel"), 1) << "index " << i;
  }
  for (int i = 16; i < 20; ++i) {
    const json& o = orders.at(existing[i]);
    EXPECT_EQ(o["status"], "pending_review");
    EXPECT_EQ(o["review_round"], 2);
  }
  for (const auto& [id, o] : orders) {
    for (const json& line : o["lines"]) {
      const int64_t reserved = Milli(line["reserved_qty"]);
      if (o["status"] == "cancelled" || o["status"] == "rejected") {
        EXPECT_EQ(reserved, 0) << o["number"] << " keeps a reservation after " << o["status"];
      } else {
        EXPECT_EQ(o["status"], "pending_review");
        EXPECT_EQ(reserved + Milli(line["backordered_qty"]), Milli(line["qty"])) << line.dump();
      }
    }
  }
  const auto stock = ExpectReservationsConsistent(product, orders);
  ASSERT_EQ(stock.size(), 2u);
  EXPECT_EQ(Milli(stock.at(w1)["on_hand"]), 40000);
  EXPECT_EQ(Milli(stock.at(w2)["on_hand"]), 20000);
}

// Sixteen clients PATCH one draft with the same If-Match version: one wins, the others
// get 409 conflict, and the order moved exactly one version on. Three rounds.
TEST_F(ConcurrencyTest, ConcurrentPatchWithSameVersionHasOneWinner) {
  const int64_t product = CreateProduct();
  const int64_t customer = CreateCustomer();
  ASSERT_FALSE(HasFailure());
  const json draft =
      AdminPost("/api/v1/orders",
                {{"customer_id", customer}, {"lines", {{{"product_id", product}, {"qty", "1"}}}}});
  const int64_t id = IdOf(draft);
  ASSERT_GT(id, 0);
  int64_t version = draft["version"].get<int64_t>();
  const std::string target = "/api/v1/orders/" + std::to_string(id);
  const std::string token = admin().token();

  constexpr int kWriters = 16;
  for (int round = 0; round < 3; ++round) {
    std::vector<int> status(kWriters, 0);
    std::vector<std::string> code(kWriters);
    std::latch start(kWriters);
    std::vector<std::thread> threads;
    for (int w = 0; w < kWriters; ++w) {
      threads.emplace_back([&, w] {
        HttpClient c = ClientWithToken(token);
        const std::string body =
            json{{"notes", "round " + std::to_string(round) + " writer " + std::to_string(w)},
                 {"lines", {{{"product_id", product}, {"qty", std::to_string(w + 1)}}}}}
                .dump();
        start.arrive_and_wait();
        const Reply r = c.Patch(target, body, {{"If-Match", std::to_string(version)}});
        status[w] = r.status;
        if (r.status != 200) code[w] = ErrorCode(r);
      });
    }
    for (auto& th : threads) th.join();
    int winner = -1;
    int wins = 0;
    for (int w = 0; w < kWriters; ++w) {
      if (status[w] == 200) {
        ++wins;
        winner = w;
      } else {
        EXPECT_EQ(status[w], 409) << "round " << round << " writer " << w;
        EXPECT_EQ(code[w], "conflict") << "round " << round << " writer " << w;
      }
    }
    ASSERT_EQ(wins, 1) << "round " << round;
    const json now = GetOrder(id);
    EXPECT_EQ(now["version"], version + 1);
    EXPECT_EQ(now["notes"], "round " + std::to_string(round) + " writer " + std::to_string(winner));
    ASSERT_EQ(now["lines"].size(), 1u);
    EXPECT_EQ(now["lines"][0]["qty"], std::to_string(winner + 1));
    version = now["version"].get<int64_t>();
  }
  EXPECT_EQ(EventCount(id, "edit"), 3);
}

}  // namespace
}  // namespace ordo::test
