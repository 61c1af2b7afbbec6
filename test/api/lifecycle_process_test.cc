// The server as a process: records and sessions survive a restart, a SIGKILL loses no
// answered order and leaves no half-written one, SIGTERM finishes requests in flight, the
// admin bootstrap, backup and restore, and the health check.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <latch>
#include <map>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "api/api_fixture.h"

namespace ordo::test {
namespace {

using SteadyClock = std::chrono::steady_clock;

// An HTTP/1.1 request as text.
std::string RawRequest(const std::string& method, const std::string& target,
                       const std::string& body) {
  std::string out = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!body.empty()) {
    out +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return out + "\r\n" + body;
}

// A plain blocking socket to the server, so that the test itself decides when a request's
// bytes are written (HttpClient writes and reads in one call).
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ADD_FAILURE() << "connect: " << std::strerror(errno);
    }
    timeval timeout{30, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~RawConnection() {
    if (fd_ >= 0) close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool Send(const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  // One answer with a Content-Length body; status 0 when the connection ends first.
  Reply Read() {
    Reply reply;
    for (;;) {
      const size_t head_end = buffer_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        std::string head = buffer_.substr(0, head_end);
        for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        size_t length = 0;
        const size_t at = head.find("\r\ncontent-length:");
        if (at != std::string::npos) length = std::stoul(head.substr(at + 17));
        if (buffer_.size() >= head_end + 4 + length) {
          reply.status = buffer_.size() > 12 ? std::atoi(buffer_.c_str() + 9) : 0;
          reply.body = buffer_.substr(head_end + 4, length);
          buffer_.erase(0, head_end + 4 + length);
          return reply;
        }
      }
      char chunk[4096];
      const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) {
        reply.error = n == 0 ? "closed by the server" : std::strerror(errno);
        return reply;
      }
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  std::string buffer_;
};

class LifecycleTest : public ApiTest {
 protected:
  std::string OrderPath(int64_t id, const std::string& suffix = "") const {
    return "/api/v1/orders/" + std::to_string(id) + suffix;
  }

  // Creates an order as admin; the answer or null.
  json NewOrder(const json& body) { return AdminPost("/api/v1/orders", body); }

  // Acts as admin, except reviews, which a second user gives: nobody reviews an order they
  // created (409 self_review).
  json Act(int64_t id, const std::string& action, const json& body = json::object()) {
    if (action == "reviews" && reviewer_token_.empty()) {
      reviewer_token_ =
          CreateUserAndLogin(UniqueCode("reviewer"), {"sales_manager", "finance", "warehouse"});
    }
    HttpClient reviewer = ClientWithToken(reviewer_token_);
    HttpClient& client = action == "reviews" ? reviewer : admin();
    return ExpectJson(client.Post(OrderPath(id, "/" + action), body.dump()), 200,
                      action + " order " + std::to_string(id));
  }

  void ApproveAll(int64_t id) {
    for (const char* department : {"sales", "finance", "warehouse"}) {
      Act(id, "reviews", {{"department", department}, {"decision", "approve"}});
    }
  }
  std::string reviewer_token_;

  // Everything readable about the master data, stock and orders, for before/after checks.
  json Everything() {
    json s;
    for (const char* list :
         {"customers", "products", "warehouses", "users", "stock", "stock/movements"}) {
      s[list] = ListAll(admin(), std::string("/api/v1/") + list);
    }
    for (const auto& [id, order] : AllOrders()) {
      s["orders"][std::to_string(id)] = order;
      s["events"][std::to_string(id)] = AdminGet(OrderPath(id, "/events"));
    }
    return s;
  }
};

// Orders in several statuses, master data, stock and sessions are the same after a clean
// restart, and order numbers continue where they were.
TEST_F(LifecycleTest, RecordsAndSessionsSurviveARestart) {
  const int64_t w1 = CreateWarehouse();
  const int64_t w2 = CreateWarehouse();
  const int64_t p1 = CreateProduct("10.00", "5.00");
  const int64_t p2 = CreateProduct("99.90", "80.00");
  const int64_t c1 = CreateCustomer();
  const int64_t c2 = CreateCustomer();
  AddStock(p1, w1, "100");
  AddStock(p2, w2, "7.5");
  const std::string sales = CreateUserAndLogin("sales_restart", {"sales_rep"});
  ASSERT_FALSE(HasFailure());

  const json lines = {
      {{"product_id", p1}, {"qty", "2.5"}, {"discount_rate", "0.05"}},
      {{"product_id", p2}, {"qty", 3}, {"unit_price", "88.80"}, {"warehouse_id", w2}}};
  auto body = [&](int64_t customer, bool submit) {
    return json{
        {"customer_id", customer},
        {"channel", "email"},
        {"lines", lines},
        {"freight", "20.00"},
        {"discount_amount", 1.5},
        {"requested_delivery_date", "2026-12-20"},
        {"ship_to",
         {{"name", "王芳"}, {"phone", "021-5555"}, {"address", "上海市"}, {"postcode", "200000"}}},
        {"special_requirements", "木箱包装"},
        {"notes", "persist me"},
        {"external_ref", "EXT-1"},
        {"submit", submit}};
  };
  std::vector<int64_t> ids;
  ids.push_back(IdOf(NewOrder(body(c1, false))));  // draft
  ids.push_back(IdOf(NewOrder(body(c1, true))));   // pending_review
  ids.push_back(IdOf(NewOrder(body(c2, true))));   // rejected
  Act(ids.back(), "reviews",
      {{"department", "finance"}, {"decision", "reject"}, {"comment", "no"}});
  ids.push_back(IdOf(NewOrder(body(c2, true))));  // cancelled
  Act(ids.back(), "cancel", {{"reason", "duplicate"}});
  ids.push_back(IdOf(NewOrder(body(c1, true))));  // on_hold
  Act(ids.back(), "hold", {{"reason", "check address"}});
  json simple = {{"customer_id", c1}, {"lines", {{{"product_id", p1}, {"qty", "1"}}}}};
  simple["submit"] = true;
  ids.push_back(IdOf(NewOrder(simple)));  // confirmed (a direct order)
  ApproveAll(ids.back());
  simple["channel"] = "partner";
  ids.push_back(IdOf(NewOrder(simple)));  // approved (waits for the partner)
  ApproveAll(ids.back());
  ASSERT_FALSE(HasFailure());

  const std::vector<std::string> statuses = {"draft",   "pending_review", "rejected", "cancelled",
                                             "on_hold", "confirmed",      "approved"};
  for (size_t i = 0; i < ids.size(); ++i) {
    const json order = GetOrder(ids[i]);
    EXPECT_EQ(order["status"], statuses[i]) << order.dump();
    // The server's clock starts at 2026-11-22 (Asia/Shanghai): numbers 001, 002, ...
    char expected[32];
    std::snprintf(expected, sizeof expected, "SO20261122%03zu", i + 1);
    EXPECT_EQ(order["number"], expected);
  }

  const json before = Everything();
  ASSERT_EQ(before["orders"].size(), ids.size());
  EXPECT_EQ(server().Terminate(), 0) << server().Output();
  ASSERT_TRUE(server().Restart()) << server().Output();
  ReconnectAdmin();

  // Sessions persist: the tokens from before the restart still work.
  const json me = AdminGet("/api/v1/me");
  EXPECT_EQ(me.value("username", ""), "admin");
  HttpClient sales_client = ClientWithToken(sales);
  const Reply sales_me = sales_client.Get("/api/v1/me");
  EXPECT_EQ(sales_me.status, 200) << sales_me;
  EXPECT_EQ(ExpectJson(sales_me, 200, "me").value("username", ""), "sales_restart");

  const json after = Everything();
  EXPECT_EQ(after["orders"], before["orders"]);
  EXPECT_EQ(after["events"], before["events"]);
  for (const char* list :
       {"customers", "products", "warehouses", "users", "stock", "stock/movements"}) {
    EXPECT_EQ(after[list], before[list]) << list;
  }

  // Numbers continue: the next order of the day is 008, not 001 — on SQLite. A
  // PostgreSQL server takes serials from blocks of the day's counter and starts a new block
  // after a restart, so its next number is only larger (docs/decisions.md).
  const json next = NewOrder(simple);
  if (server().backend() == "sqlite") {
    EXPECT_EQ(next.value("number", ""), "SO20261122008");
  } else {
    EXPECT_GT(next.value("number", ""), "SO20261122007");
    EXPECT_EQ(next.value("number", "").size(), std::string("SO20261122008").size());
  }
}

// Many clients create and submit orders while the server is SIGKILLed. After a restart every
// order that was answered 201 is there with its lines, and no order is half written.
TEST_F(LifecycleTest, KillMidwayLosesNoAnsweredOrderAndWritesNoHalfOrder) {
  const int64_t w1 = CreateWarehouse();
  const int64_t w2 = CreateWarehouse();
  const int64_t product = CreateProduct();
  const int64_t customer = CreateCustomer();
  AddStock(product, w1, "150");
  AddStock(product, w2, "80");
  ASSERT_FALSE(HasFailure());

  constexpr int kThreads = 16;
  constexpr int kKillAfter = 80;  // answered orders before the kill
  std::mutex mu;
  std::map<int64_t, json> answered;  // guarded by mu
  std::atomic<int> answered_count{0};
  std::atomic<int> unexpected{0};
  const std::string token = admin().token();
  std::latch start(kThreads + 1);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client = ClientWithToken(token);
      client.SetTimeout(std::chrono::seconds(10));
      start.arrive_and_wait();
      for (int k = 0; k < 1000; ++k) {
        const json body = {{"customer_id", customer},
                           {"submit", true},
                           {"lines",
                            {{{"product_id", product},
                              {"qty", 1 + (t + k) % 3},
                              {"warehouse_id", w1 + (k % 2) * (w2 - w1)}},
                             {{"product_id", product}, {"qty", "2"}}}}};
        const Reply reply = client.Post("/api/v1/orders", body.dump());
        if (reply.status == 0) return;  // the server is gone
        if (reply.status != 201) {
          ++unexpected;
          ADD_FAILURE() << "create+submit: " << reply;
          return;
        }
        const json order = json::parse(reply.body, nullptr, false);
        std::lock_guard lock(mu);
        answered[IdOf(order)] = order;
        ++answered_count;
      }
    });
  }
  start.arrive_and_wait();
  const auto deadline = SteadyClock::now() + std::chrono::seconds(30);
  while (answered_count < kKillAfter && unexpected == 0 && SteadyClock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(server().Kill(), 128 + 9);
  for (auto& th : threads) th.join();
  ASSERT_GE(answered_count.load(), kKillAfter);
  ASSERT_EQ(unexpected.load(), 0);

  ASSERT_TRUE(server().Restart()) << server().Output();
  ReconnectAdmin();
  const std::map<int64_t, json> orders = AllOrders();
  EXPECT_GE(orders.size(), answered.size());
  for (const auto& [id, order] : answered) {
    ASSERT_TRUE(orders.count(id)) << "order " << order["number"] << " was answered 201 but is lost";
    const json& stored = orders.at(id);
    EXPECT_EQ(stored["number"], order["number"]);
    EXPECT_EQ(stored["status"], "pending_review");
    EXPECT_EQ(stored["lines"], order["lines"]) << order["number"];
  }
  for (const auto& [id, order] : orders) {
    ASSERT_EQ(order["lines"].size(), 2u) << order.dump();
    for (const json& line : order["lines"]) {
      EXPECT_EQ(Milli(line["reserved_qty"]) + Milli(line["backordered_qty"]), Milli(line["qty"]))
          << order["number"];
    }
  }
  ExpectReservationsConsistent(product, orders);

  // The same, straight from the database: no order without its lines or its submit event.
  if (server().backend() == "sqlite") {
    // The system's SQLite 3.40 reports "NULL value in user_roles.position" for values that
    // are not NULL (a false positive on WITHOUT ROWID tables); that line is left out.
    EXPECT_EQ(DbCount("SELECT count(*) FROM pragma_integrity_check "
                      "WHERE integrity_check <> 'ok' AND integrity_check NOT LIKE "
                      "'NULL value in user_roles.position'"),
              0);
  }
  EXPECT_EQ(DbCount("SELECT count(*) FROM orders"), static_cast<int64_t>(orders.size()));
  EXPECT_EQ(DbCount("SELECT count(*) FROM orders o WHERE (SELECT count(*) FROM "
                    "order_lines l WHERE l.order_id = o.id) <> 2"),
            0);
  EXPECT_EQ(DbCount("SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM "
                    "events e WHERE e.entity = 'order' AND e.entity_id = o.id AND "
                    "e.action = 'submit')"),
            0);
  EXPECT_EQ(DbCount("SELECT coalesce(sum(reserved), 0) FROM stock"),
            DbCount("SELECT coalesce(sum(reserved_qty), 0) FROM order_lines"));
}

// SIGTERM while slow requests (logins hash a password) are in flight: each gets its whole
// answer, the sessions they created are stored, and the server exits 0. The requests are
// written by this thread on connections the server has already accepted, so each has
// reached the server before the signal.
TEST_F(LifecycleTest, SigtermFinishesRequestsInFlight) {
  constexpr int kClients = 12;
  std::vector<std::unique_ptr<RawConnection>> connections;
  for (int i = 0; i < kClients; ++i) {
    connections.push_back(std::make_unique<RawConnection>(server().port()));
    ASSERT_TRUE(connections.back()->Send(RawRequest("GET", "/healthz", "")));
    ASSERT_EQ(connections.back()->Read().status, 200);
  }
  struct Outcome {
    Reply reply;
    SteadyClock::time_point at;
  };
  std::vector<Outcome> outcomes(kClients);
  std::vector<std::thread> readers;
  for (int i = 0; i < kClients; ++i) {
    readers.emplace_back([&, i] {
      outcomes[i].reply = connections[i]->Read();
      outcomes[i].at = SteadyClock::now();
    });
  }
  const std::string login = RawRequest(
      "POST", "/api/v1/auth/login",
      json{{"username", "admin"}, {"password", server().options().admin_password}}.dump());
  for (auto& c : connections) EXPECT_TRUE(c->Send(login));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto sigterm_at = SteadyClock::now();
  const int code = server().Terminate();
  for (auto& th : readers) th.join();
  EXPECT_EQ(code, 0) << server().Output();

  int answered_after_sigterm = 0;
  std::vector<std::string> tokens;
  for (const Outcome& o : outcomes) {
    const json body = ExpectJson(o.reply, 200, "login in flight");
    EXPECT_TRUE(body.is_object() && body["token"].is_string()) << o.reply;
    if (body.is_object() && body["token"].is_string()) {
      tokens.push_back(body["token"].get<std::string>());
    }
    answered_after_sigterm += o.at > sigterm_at ? 1 : 0;
  }
  EXPECT_GT(answered_after_sigterm, 0)
      << "every login finished before SIGTERM, so nothing was in flight; the test proves nothing";

  ASSERT_TRUE(server().Restart()) << server().Output();
  for (const std::string& token : tokens) {
    HttpClient client = ClientWithToken(token);
    EXPECT_EQ(client.Get("/api/v1/me").status, 200) << "the session of a finished login is lost";
  }
}

// The first start without ORDO_ADMIN_PASSWORD prints a generated password once; it logs in,
// and a second start neither prints another nor changes it.
TEST(BootstrapTest, GeneratedAdminPasswordIsPrintedOnce) {
  OrdoProcess::Options options;
  options.admin_password = "";  // the variable is set but empty, which the server treats as unset
  options.env = {{"ORDO_FAKE_NOW", kFakeNow}};
  auto server = OrdoProcess::Start(options);
  ASSERT_NE(server, nullptr);
  const std::regex printed(R"(password[:=]?\s+(\S+))");
  std::smatch m;
  const std::string first_output = server->Output();
  ASSERT_TRUE(std::regex_search(first_output, m, printed)) << first_output;
  const std::string password = m[1].str();
  ASSERT_GE(password.size(), 8u) << first_output;

  HttpClient client = server->Client();
  auto login = [&](const std::string& pw) {
    return client.Post("/api/v1/auth/login", json{{"username", "admin"}, {"password", pw}}.dump());
  };
  const Reply ok = login(password);
  EXPECT_EQ(ok.status, 200) << ok;

  ASSERT_TRUE(server->Restart());
  client = server->Client();
  const std::string all_output = server->Output();
  size_t count = 0;
  for (size_t at = all_output.find(password); at != std::string::npos;
       at = all_output.find(password, at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 1u) << "the password must be printed exactly once:\n" << all_output;
  const std::string second_output = all_output.substr(first_output.size());
  EXPECT_FALSE(std::regex_search(second_output, m, printed)) << second_output;
  const Reply again = login(password);
  EXPECT_EQ(again.status, 200) << again;
  const json user = ExpectJson(again, 200, "login").value("user", json::object());
  EXPECT_EQ(user.value("roles", json()), json::array({"admin"}));
}

TEST(BootstrapTest, ChosenAdminPasswordIsNotPrinted) {
  OrdoProcess::Options options;
  options.admin_password = "chosen-secret-42";
  auto server = OrdoProcess::Start(options);
  ASSERT_NE(server, nullptr);
  HttpClient client = server->Client();
  const Reply ok = client.Post(
      "/api/v1/auth/login", json{{"username", "admin"}, {"password", "chosen-secret-42"}}.dump());
  EXPECT_EQ(ok.status, 200) << ok;
  EXPECT_EQ(server->Output().find("chosen-secret-42"), std::string::npos) << server->Output();
}

// `ordo backup` of a running server, then `ordo restore` into a new path: a server on the
// restored file has the same orders (and not the ones written after the backup).
TEST_F(LifecycleTest, BackupThenRestoreIntoANewPath) {
  if (server().backend() != "sqlite") GTEST_SKIP() << "copies SQLite files; PostgreSQL: pg_dump";
  const int64_t warehouse = CreateWarehouse();
  const int64_t product = CreateProduct();
  const int64_t customer = CreateCustomer();
  AddStock(product, warehouse, "10");
  ASSERT_FALSE(HasFailure());
  const json body = {{"customer_id", customer},
                     {"lines", {{{"product_id", product}, {"qty", "4"}}}}};
  NewOrder(body);
  json submitted = body;
  submitted["submit"] = true;
  NewOrder(submitted);
  const int64_t cancelled = IdOf(NewOrder(submitted));
  Act(cancelled, "cancel", {{"reason", "test"}});
  ASSERT_FALSE(HasFailure());
  const std::map<int64_t, json> orders = AllOrders();
  ASSERT_EQ(orders.size(), 3u);
  const auto stock = StockOf(product);

  const std::string dir = server().data_dir();
  const std::string backup = dir + "/backup.db";
  const auto b =
      OrdoProcess::RunOrdo({"backup", "--db", server().db_url(), "--to", backup}, {}, dir);
  ASSERT_EQ(b.exit_code, 0) << b.output;
  ASSERT_TRUE(std::filesystem::exists(backup));
  NewOrder(body);  // after the backup: not in it

  const std::string restored = dir + "/restored/ordo.db";
  const auto r =
      OrdoProcess::RunOrdo({"restore", "--db", "sqlite:" + restored, "--from", backup}, {}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.output;

  OrdoProcess::Options options = DefaultOptions();
  options.db_url = "sqlite:" + restored;
  auto copy = OrdoProcess::Start(options);
  ASSERT_NE(copy, nullptr);
  HttpClient client = copy->Client();
  const json login = ExpectJson(
      client.Post("/api/v1/auth/login",
                  json{{"username", "admin"}, {"password", options.admin_password}}.dump()),
      200, "login on the restored database");
  ASSERT_TRUE(login.is_object());
  client.SetToken(login.value("token", ""));
  const std::vector<json> listed = ListAll(client, "/api/v1/orders");
  EXPECT_EQ(listed.size(), orders.size());
  for (const auto& [id, order] : orders) {
    EXPECT_EQ(ExpectJson(client.Get(OrderPath(id)), 200, "restored order"), order);
  }
  const std::vector<json> restored_stock =
      ListAll(client, "/api/v1/stock?product_id=" + std::to_string(product));
  ASSERT_EQ(restored_stock.size(), 1u);
  EXPECT_EQ(restored_stock[0], stock.at(warehouse));
}

TEST_F(LifecycleTest, HealthzAndRequestIds) {
  HttpClient client = server().Client();
  const Reply health = client.Get("/healthz");
  EXPECT_EQ(health.status, 200) << health;
  EXPECT_EQ(ExpectJson(health, 200, "healthz"), json({{"status", "ok"}}));
  EXPECT_FALSE(health.header("x-request-id").empty());

  const Reply unauthenticated = client.Get("/api/v1/orders");
  EXPECT_EQ(unauthenticated.status, 401) << unauthenticated;
  EXPECT_EQ(ErrorCode(unauthenticated), "unauthenticated");
  EXPECT_FALSE(unauthenticated.header("x-request-id").empty());
  const Reply not_found = admin().Get("/api/v1/orders/999999");
  EXPECT_EQ(not_found.status, 404);
  EXPECT_FALSE(not_found.header("x-request-id").empty());
  EXPECT_NE(not_found.header("x-request-id"), health.header("x-request-id"));
}

}  // namespace
}  // namespace ordo::test
