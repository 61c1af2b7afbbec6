// What trying Ordo as an attacker and as an operator found (issue 8, items 10, 13-16),
// each checked against the real server: error answers in the caller's language and log
// lines that say their offset; a password change that ends the other sessions; login
// throttling that tells clients apart behind a proxy; a connection cap that keeps
// serving; /healthz methods, security headers and one spelling per record id.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "api/api_fixture.h"
#include "common/time.h"

namespace ordo::test {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

// ---- helpers -------------------------------------------------------------------------

// Reads and drops what arrives until the peer closes (true) or `limit` passes (false).
bool WaitForClose(int fd, std::chrono::milliseconds limit) {
  const auto deadline = SteadyClock::now() + limit;
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return true;
  }
}

// Sends a keep-alive GET on a raw connection and reads its answer head and body.
bool GetOnRaw(int fd, const std::string& path) {
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    return false;
  }
  std::string got;
  const auto deadline = SteadyClock::now() + std::chrono::seconds(10);
  while (SteadyClock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    got.append(buf, static_cast<size_t>(n));
    const size_t end = got.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    const size_t cl = got.find("Content-Length: ");
    if (cl == std::string::npos) return false;
    const size_t length = std::stoul(got.substr(cl + 16));
    if (got.size() >= end + 4 + length) return got.rfind("HTTP/1.1 200", 0) == 0;
  }
  return false;
}

size_t Occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The pid of this process's child running `ordo` (the server under test), or -1.
pid_t ChildOrdoPid() {
  const pid_t self = getpid();
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // pid (comm) state ppid ...
    const size_t close_paren = line.rfind(')');
    if (close_paren == std::string::npos) continue;
    const std::string comm = line.substr(line.find('(') + 1, close_paren - line.find('(') - 1);
    std::istringstream rest(line.substr(close_paren + 2));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == self && comm == "ordo") return static_cast<pid_t>(std::stoi(name));
  }
  return -1;
}

// "Max open files" soft and hard limits of a process, from /proc.
bool OpenFilesLimits(pid_t pid, std::string* soft, std::string* hard) {
  std::ifstream limits("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(limits, line)) {
    if (line.rfind("Max open files", 0) != 0) continue;
    std::istringstream in(line.substr(std::string("Max open files").size()));
    in >> *soft >> *hard;
    return true;
  }
  return false;
}

Reply LoginFrom(HttpClient& client, const std::string& username, const std::string& password,
                const std::string& forwarded_for) {
  Headers headers;
  if (!forwarded_for.empty()) headers.emplace_back("X-Forwarded-For", forwarded_for);
  return client.Post("/api/v1/auth/login",
                     json{{"username", username}, {"password", password}}.dump(), headers);
}

// A 429 that says how long: Retry-After in whole seconds within the 5-minute window,
// the same number in details.retry_after.
void ExpectRetryAfter(const Reply& reply) {
  ASSERT_EQ(reply.status, 429) << reply;
  EXPECT_EQ(ErrorCode(reply), "rate_limited");
  const std::string after = reply.header("retry-after");
  ASSERT_FALSE(after.empty()) << reply;
  ASSERT_EQ(after.find_first_not_of("0123456789"), std::string::npos) << after;
  EXPECT_GE(std::stoi(after), 1);
  EXPECT_LE(std::stoi(after), 300);
  EXPECT_EQ(ErrorDetails(reply).value("retry_after", ""), after);
}

class HardeningTest : public ApiTest {};

// ---- item 10: the server's own answers, logs, make run --------------------------------

TEST_F(HardeningTest, PayloadTooLargeSpeaksTheCallersLanguage) {
  const std::string big(2 << 20, 'x');
  HttpClient client = server().Client();
  const Reply english = client.Post("/api/v1/orders", big);
  ASSERT_EQ(english.status, 413) << english;
  EXPECT_EQ(english.json()["error"]["message"], "request body exceeds 1048576 bytes");
  const Reply cn = client.Post("/api/v1/orders", big, {{"Accept-Language", "zh-CN"}});
  ASSERT_EQ(cn.status, 413) << cn;
  EXPECT_EQ(ErrorCode(cn), "payload_too_large");
  EXPECT_EQ(cn.json()["error"]["message"], "请求体超过 1048576 字节");
  const Reply tw = client.Post("/api/v1/orders", big, {{"Accept-Language", "zh-TW,en;q=0.5"}});
  EXPECT_EQ(tw.json()["error"]["message"], "請求內容超過 1048576 位元組");
}

// Log lines are dated in the business time zone with the offset written out, like the
// API's own times, and on the wall clock (ORDO_FAKE_NOW does not move them).
TEST(LogTest, LogLinesCarryTheBusinessTimeZoneOffset) {
  for (const char* zone : {"-05:30", "Asia/Shanghai"}) {
    OrdoProcess::Options options;
    options.env = {
        {"ORDO_LOG_LEVEL", "info"}, {"ORDO_TIMEZONE", zone}, {"ORDO_FAKE_NOW", kFakeNow}};
    auto server = OrdoProcess::Start(options);
    ASSERT_NE(server, nullptr);
    HttpClient client = server->Client();
    ASSERT_EQ(client.Get("/healthz", {{"X-Request-Id", "log-offset-1"}}).status, 200);
    server->Terminate();
    const std::string offset = std::string(zone) == "-05:30" ? "-05:30" : "+08:00";
    const std::regex line(
        R"((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d) info GET /healthz 200 .*id=log-offset-1)");
    std::smatch m;
    const std::string output = server->Output();
    ASSERT_TRUE(std::regex_search(output, m, line)) << output;
    const std::string stamp = m[1].str();
    EXPECT_EQ(stamp.substr(stamp.size() - 6), offset) << stamp;
    const auto at = ParseInstant(stamp);
    ASSERT_TRUE(at.ok()) << stamp;
    const Millis now = SystemClock().Now();
    EXPECT_LT(std::abs(now - *at), 5 * 60 * 1000) << stamp << " is not the wall clock";
  }
}

// `make run` builds the server and the console, not the tests and benchmarks.
TEST(MakeRunTest, BuildsOnlyTheServerAndTheConsole) {
  const fs::path repo = fs::path(ORDO_TEST_DIR).parent_path();
  const std::string command = "make -n --no-print-directory -C '" + repo.string() + "' run 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  ASSERT_EQ(pclose(pipe), 0) << out;
  int builds = 0;
  std::istringstream lines(out);
  for (std::string l; std::getline(lines, l);) {
    if (l.find("cmake --build") == std::string::npos) continue;
    ++builds;
    EXPECT_NE(l.find("--target ordo"), std::string::npos) << "builds everything: " << l;
  }
  EXPECT_EQ(builds, 1) << out;
  EXPECT_NE(out.find("npm run build"), std::string::npos) << "the console is built\n" << out;
}

// ---- item 13: a password change and sessions ------------------------------------------

TEST_F(HardeningTest, APasswordChangeEndsTheOtherSessionsAndKeepsThisOne) {
  ASSERT_NE(CreateUser("pw_changer", {"sales_rep"}), 0);
  const std::string here = Login("pw_changer", kUserPassword);
  const std::string elsewhere = Login("pw_changer", kUserPassword);
  ASSERT_FALSE(here.empty() || elsewhere.empty());
  HttpClient me = ClientWithToken(here);
  HttpClient other = ClientWithToken(elsewhere);
  const Reply changed = me.Patch(
      "/api/v1/me", json{{"password", "new-pass-456"}, {"current_password", kUserPassword}}.dump());
  ASSERT_EQ(changed.status, 200) << changed;
  EXPECT_EQ(me.Get("/api/v1/me").status, 200) << "the session that changed it stays";
  EXPECT_EQ(other.Get("/api/v1/me").status, 401) << "another session outlived the change";
  HttpClient anon = server().Client();
  EXPECT_EQ(LoginFrom(anon, "pw_changer", kUserPassword, "").status, 401);
  EXPECT_EQ(LoginFrom(anon, "pw_changer", "new-pass-456", "").status, 200);
}

// Checking the current password is not a login: a wrong one is 422 and changes nothing;
// neither kind writes a session or a login event.
TEST_F(HardeningTest, CheckingTheCurrentPasswordIsNotALogin) {
  const int64_t id = CreateUser("pw_checker", {"sales_rep"});
  ASSERT_NE(id, 0);
  const std::string here = Login("pw_checker", kUserPassword);
  const std::string elsewhere = Login("pw_checker", kUserPassword);
  const std::string sql_sessions =
      "SELECT count(*) FROM sessions WHERE user_id = " + std::to_string(id);
  const std::string sql_logins =
      "SELECT count(*) FROM events WHERE entity = 'user' AND "
      "action = 'login' AND entity_id = " +
      std::to_string(id);
  ASSERT_EQ(DbCount(sql_sessions), 2);
  const int64_t logins = DbCount(sql_logins);
  HttpClient me = ClientWithToken(here);
  const Reply wrong = me.Patch(
      "/api/v1/me", json{{"password", "new-pass-456"}, {"current_password", "not-it-123"}}.dump(),
      {{"Accept-Language", "zh-CN"}});
  ASSERT_EQ(wrong.status, 422) << wrong;
  EXPECT_EQ(ErrorDetails(wrong)["fields"]["current_password"], "密码错误");
  EXPECT_EQ(ClientWithToken(elsewhere).Get("/api/v1/me").status, 200);
  EXPECT_EQ(DbCount(sql_sessions), 2);
  ASSERT_EQ(me.Patch("/api/v1/me",
                     json{{"password", "new-pass-456"}, {"current_password", kUserPassword}}.dump())
                .status,
            200);
  EXPECT_EQ(DbCount(sql_sessions), 1);
  EXPECT_EQ(DbCount(sql_logins), logins) << "checking the password wrote a login";
}

// PATCH /api/v1/users/{id} sets passwords for the admin only (users change their own
// through PATCH /api/v1/me, with the current one, as docs/api.md says). An admin's reset
// ends every session of that user; an admin changing its own password there keeps the
// session it used and ends its others.
TEST_F(HardeningTest, OnlyAnAdminSetsPasswordsThroughUsersAndAResetEndsSessions) {
  const int64_t id = CreateUser("pw_reset", {"finance"});
  const std::string a = Login("pw_reset", kUserPassword);
  const std::string b = Login("pw_reset", kUserPassword);
  ASSERT_FALSE(a.empty() || b.empty());
  HttpClient self = ClientWithToken(a);
  const std::string path = "/api/v1/users/" + std::to_string(id);
  EXPECT_EQ(self.Patch(path, json{{"password", "self-pass-456"}}.dump()).status, 403);
  EXPECT_EQ(self.Patch(path, json{{"display_name", "Self Service"}}.dump()).status, 200);
  EXPECT_EQ(ClientWithToken(b).Get("/api/v1/me").status, 200);

  const Reply reset = admin().Patch("/api/v1/users/" + std::to_string(id),
                                    json{{"password", "reset-pass-789"}}.dump());
  ASSERT_EQ(reset.status, 200) << reset;
  EXPECT_EQ(ClientWithToken(a).Get("/api/v1/me").status, 401);
  EXPECT_EQ(ClientWithToken(b).Get("/api/v1/me").status, 401);

  const std::string admin_elsewhere = Login("admin", server().options().admin_password);
  const json me = AdminGet("/api/v1/me");
  const Reply own = admin().Patch("/api/v1/users/" + std::to_string(IdOf(me)),
                                  json{{"password", "admin-pass-2"}}.dump());
  ASSERT_EQ(own.status, 200) << own;
  EXPECT_EQ(admin().Get("/api/v1/me").status, 200);
  EXPECT_EQ(ClientWithToken(admin_elsewhere).Get("/api/v1/me").status, 401);
}

// ---- item 14: login throttling behind a proxy ------------------------------------------

// The server behind a proxy at 127.0.0.1 (ORDO_TRUSTED_PROXIES): clients are told apart
// by X-Forwarded-For.
class ThrottleTest : public ApiTest {
 protected:
  void SetUp() override {
    OrdoProcess::Options options = DefaultOptions();
    options.env.emplace_back("ORDO_TRUSTED_PROXIES", "127.0.0.1");
    StartServer(options);
  }
};

// OWASP: an address that fails for many accounts is blocked, and an account that fails
// too often is locked; neither locks out the correct password of another account from
// another address.
TEST_F(ThrottleTest, FailuresFromOneAddressDoNotLockOtherAccounts) {
  ASSERT_NE(CreateUser("victim", {"sales_rep"}), 0);
  ASSERT_NE(CreateUser("bystander", {"sales_rep"}), 0);
  HttpClient client = server().Client();
  const std::string attacker = "198.51.100.7";
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(LoginFrom(client, "victim", "guess-" + std::to_string(i), attacker).status, 401);
  }
  // The attacked account is locked, wherever the right password comes from.
  ExpectRetryAfter(LoginFrom(client, "victim", kUserPassword, attacker));
  ExpectRetryAfter(LoginFrom(client, "victim", kUserPassword, "203.0.113.5"));
  // Another account from the same address is not (5 failures are not 20).
  EXPECT_EQ(LoginFrom(client, "bystander", kUserPassword, attacker).status, 200);

  // Spraying many accounts: the address is blocked after 20 failures...
  for (int i = 0; i < 15; ++i) {
    EXPECT_EQ(LoginFrom(client, "nobody" + std::to_string(i), "guess", attacker).status, 401);
  }
  ExpectRetryAfter(LoginFrom(client, "bystander", kUserPassword, attacker));
  // ... but only that address: everyone else still logs in, through the same proxy.
  EXPECT_EQ(LoginFrom(client, "bystander", kUserPassword, "203.0.113.5").status, 200);
  EXPECT_EQ(LoginFrom(client, "bystander", kUserPassword, "").status, 200);
  EXPECT_EQ(LoginFrom(client, "admin", server().options().admin_password, "2001:db8::5").status,
            200);
}

// X-Forwarded-For is believed only from a trusted proxy: from anyone else, changing it
// does not escape the address block.
TEST(ThrottleProxyTest, XForwardedForCountsOnlyFromATrustedProxy) {
  for (const char* trusted : {"192.0.2.1", "127.0.0.1"}) {
    OrdoProcess::Options options = DefaultOptions();
    options.env.emplace_back("ORDO_TRUSTED_PROXIES", trusted);
    auto server = OrdoProcess::Start(options);
    ASSERT_NE(server, nullptr);
    HttpClient client = server->Client();
    for (int i = 0; i < 20; ++i) {
      const std::string spoofed = "198.51.100." + std::to_string(i + 1);
      EXPECT_EQ(LoginFrom(client, "nobody" + std::to_string(i), "guess", spoofed).status, 401);
    }
    const Reply reply = LoginFrom(client, "admin", options.admin_password, "198.51.100.200");
    if (std::string(trusted) == "127.0.0.1") {
      EXPECT_EQ(reply.status, 200) << "a trusted proxy's X-Forwarded-For was ignored: " << reply;
    } else {
      ExpectRetryAfter(reply);
    }
  }
}

TEST(ThrottleProxyTest, AMalformedTrustedProxyListStopsTheServer) {
  const fs::path dir = fs::temp_directory_path() / ("ordo-proxies-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const auto run = OrdoProcess::RunOrdo(
      {"serve", "--db", "sqlite:" + (dir / "ordo.db").string(), "--listen", "127.0.0.1:0"},
      {{"ORDO_TRUSTED_PROXIES", "10.0.0.0/8, 10.0.0.0/40"}, {"ORDO_ADMIN_PASSWORD", "x-pass-123"}},
      dir.string());
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("ORDO_TRUSTED_PROXIES"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("10.0.0.0/40"), std::string::npos) << run.output;
  std::error_code ec;
  fs::remove_all(dir, ec);
}

// ---- item 15: connections ---------------------------------------------------------------

// A crowd of idle connections past the cap (some never sent anything, some are kept alive
// after a request): a new client is still served at once, the longest idle ones make room,
// and reaching the cap is logged once.
TEST(ConnectionsTest, ANormalClientIsServedPastTheConnectionCap) {
  OrdoProcess::Options options = DefaultOptions();
  options.env.emplace_back("ORDO_MAX_CONNECTIONS", "20");
  auto server = OrdoProcess::Start(options);
  ASSERT_NE(server, nullptr);
  std::vector<int> idle;
  for (int i = 0; i < 60; ++i) {
    const int fd = ConnectRaw(server->port());
    ASSERT_GE(fd, 0);
    idle.push_back(fd);
    // Every other one has been served once and now waits (kept alive).
    if (i % 2 == 1) ASSERT_TRUE(GetOnRaw(fd, "/healthz")) << i;
  }
  const auto start = SteadyClock::now();
  HttpClient client = server->Client();
  client.SetTimeout(std::chrono::seconds(5));
  const Reply health = client.Get("/healthz");
  EXPECT_EQ(health.status, 200) << health;
  HttpClient other = server->Client();
  other.SetTimeout(std::chrono::seconds(5));
  EXPECT_EQ(LoginFrom(other, "admin", options.admin_password, "").status, 200);
  EXPECT_LT(SteadyClock::now() - start, std::chrono::seconds(3));

  int closed = 0;
  for (size_t i = 0; i < idle.size(); ++i) {
    if (WaitForClose(idle[i], std::chrono::milliseconds(i < 30 ? 1000 : 10))) ++closed;
  }
  for (int fd : idle) close(fd);
  EXPECT_GE(closed, 60 - 20) << "the server kept more connections than its cap";
  EXPECT_EQ(Occurrences(server->Output(), "at the cap of 20"), 1u) << server->Output();
}

// A connection that sends nothing is closed within seconds, not after the minute a
// kept-alive connection may wait.
TEST(ConnectionsTest, AConnectionThatSendsNothingIsClosedWithinSeconds) {
  auto server = OrdoProcess::Start(DefaultOptions());
  ASSERT_NE(server, nullptr);
  const int fd = ConnectRaw(server->port());
  ASSERT_GE(fd, 0);
  const auto start = SteadyClock::now();
  EXPECT_TRUE(WaitForClose(fd, std::chrono::seconds(15)));
  const auto waited = SteadyClock::now() - start;
  close(fd);
  EXPECT_GE(waited, std::chrono::seconds(4));
  EXPECT_LE(waited, std::chrono::seconds(8));
}

// At start the server raises its open files limit to the hard limit (connections are
// file descriptors; 1,024 is the usual soft limit).
TEST(ConnectionsTest, RaisesTheOpenFilesLimitToTheHardLimit) {
  rlimit original{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &original), 0);
  if (original.rlim_max != RLIM_INFINITY && original.rlim_max <= 256) {
    GTEST_SKIP() << "the hard limit is too low to show anything";
  }
  rlimit lowered = original;
  lowered.rlim_cur = 256;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lowered), 0);
  auto server = OrdoProcess::Start(DefaultOptions());  // inherits the soft limit of 256
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &original), 0);
  ASSERT_NE(server, nullptr);
  const pid_t pid = ChildOrdoPid();
  ASSERT_GT(pid, 0);
  std::string soft, hard;
  ASSERT_TRUE(OpenFilesLimits(pid, &soft, &hard));
  EXPECT_EQ(soft, hard);
  EXPECT_NE(soft, "256");
}

TEST(ConnectionsTest, ABadConnectionCapStopsTheServer) {
  const fs::path dir = fs::temp_directory_path() / ("ordo-cap-" + std::to_string(getpid()));
  fs::create_directories(dir);
  for (const char* bad : {"0", "10k"}) {
    const auto run = OrdoProcess::RunOrdo(
        {"serve", "--db", "sqlite:" + (dir / "ordo.db").string(), "--listen", "127.0.0.1:0"},
        {{"ORDO_MAX_CONNECTIONS", bad}, {"ORDO_ADMIN_PASSWORD", "x-pass-123"}}, dir.string());
    EXPECT_EQ(run.exit_code, 1) << bad << ": " << run.output;
    EXPECT_NE(run.output.find("ORDO_MAX_CONNECTIONS"), std::string::npos) << run.output;
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}

// ---- item 16: /healthz, security headers, record ids ------------------------------------

TEST_F(HardeningTest, HealthzAnswersGetAndHeadOnly) {
  HttpClient client = server().Client();
  EXPECT_EQ(client.Get("/healthz").status, 200);
  const Reply head = client.Request("HEAD", "/healthz");
  EXPECT_EQ(head.status, 200) << head;
  EXPECT_EQ(head.body, "");
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    const Reply reply = client.Request(method, "/healthz");
    EXPECT_EQ(reply.status, 405) << method << ": " << reply;
    EXPECT_EQ(ErrorCode(reply), "method_not_allowed") << method;
    const Reply spec = client.Request(method, "/api/openapi.json");
    EXPECT_EQ(spec.status, 405) << method << " /api/openapi.json: " << spec;
  }
  const Reply garbage = client.Request(std::string(10000, 'X'), "/healthz");
  EXPECT_EQ(garbage.status, 400) << garbage;
  EXPECT_EQ(ErrorCode(garbage), "bad_request");
  const Reply cn = client.Request("FOO", "/healthz", "", {{"Accept-Language", "zh-CN"}});
  EXPECT_EQ(cn.json()["error"]["message"], "不支持的请求方法");
  EXPECT_EQ(client.Get("/healthz").status, 200);  // the connection is fine
}

TEST_F(HardeningTest, AnswersCarrySecurityHeaders) {
  HttpClient client = server().Client();
  const Reply console = client.Get("/");
  ASSERT_EQ(console.status, 200) << console;
  const std::string csp = console.header("content-security-policy");
  for (const char* part : {"default-src 'self'", "script-src 'self';", "object-src 'none'",
                           "frame-ancestors 'none'", "base-uri 'self'"}) {
    EXPECT_NE(csp.find(part), std::string::npos) << part << " not in " << csp;
  }
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("script-src 'self' 'unsafe-inline'"), std::string::npos) << csp;
  EXPECT_EQ(console.header("x-frame-options"), "DENY");
  EXPECT_EQ(console.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(console.header("referrer-policy"), "no-referrer");
  EXPECT_EQ(client.Get("/orders/12").header("x-frame-options"), "DENY");  // the SPA's routes

  for (const Reply& api :
       {admin().Get("/api/v1/me"), client.Get("/api/v1/me"), client.Get("/healthz"),
        client.Get("/api/openapi.json"), client.Get("/api/v1/nothing-here")}) {
    EXPECT_EQ(api.header("x-content-type-options"), "nosniff") << api;
    EXPECT_EQ(api.header("x-frame-options"), "DENY") << api;
    EXPECT_EQ(api.header("content-security-policy"), "default-src 'none'; frame-ancestors 'none'")
        << api;
    // Orders and stock change under a cache's feet: API answers are never stored.
    EXPECT_EQ(api.header("cache-control"), "no-store") << api;
  }
  EXPECT_NE(console.header("cache-control"), "no-store");
}

// Changing one's language alone, or sending what is already there, writes no audit event
// and keeps the version; a real change records only what changed.
TEST_F(HardeningTest, AProfileUpdateThatChangesNothingWritesNothing) {
  const int64_t id = CreateUser("profile_noop", {"sales_rep"});
  ASSERT_NE(id, 0);
  HttpClient me = ClientWithToken(Login("profile_noop", kUserPassword));
  const std::string sql_updates =
      "SELECT count(*) FROM events WHERE entity = 'user' AND action = 'update' AND entity_id = " +
      std::to_string(id);
  const json before = json::parse(me.Get("/api/v1/me").body);
  const Reply same = me.Patch("/api/v1/me", json{{"display_name", before["display_name"]}}.dump());
  ASSERT_EQ(same.status, 200) << same;
  EXPECT_EQ(json::parse(same.body)["version"], before["version"]);
  EXPECT_EQ(DbCount(sql_updates), 0);
  ASSERT_EQ(me.Patch("/api/v1/me", R"({"locale":"en"})").status, 200);
  EXPECT_EQ(DbCount(sql_updates), 1);
  const json event = AdminGet("/api/v1/audit/events?entity=user&action=update&entity_id=" +
                              std::to_string(id))["items"][0];
  EXPECT_EQ(event["data"], (json{{"locale", {{"before", before["locale"]}, {"after", "en"}}}}))
      << event;
}

// One spelling per record: "01", "1/" and empty segments are not record 1.
TEST_F(HardeningTest, NonCanonicalIdsAreNotFound) {
  const int64_t user = CreateUser("canonical", {"sales_rep"});
  const int64_t customer = CreateCustomer();
  ASSERT_FALSE(HasFailure());
  const std::string u = std::to_string(user);
  const std::string c = std::to_string(customer);
  EXPECT_EQ(admin().Get("/api/v1/users/" + u).status, 200);
  for (const std::string& path :
       {"/api/v1/users/0" + u, "/api/v1/users/00" + u, "/api/v1/users/" + u + "/",
        "/api/v1/users/" + u + "%2F", "/api/v1/users//" + u, "/api/v1//users/" + u,
        "/api/v1/users/+" + u, "/api/v1/customers/0" + c, "/api/v1/customers/" + c + "/"}) {
    const Reply reply = admin().Get(path);
    EXPECT_EQ(reply.status, 404) << path << ": " << reply;
    EXPECT_EQ(ErrorCode(reply), "not_found") << path;
  }
  // Writes too: nothing changes.
  const Reply patched = admin().Patch("/api/v1/customers/0" + c, json{{"name", "Renamed"}}.dump());
  EXPECT_EQ(patched.status, 404) << patched;
  EXPECT_NE(AdminGet("/api/v1/customers/" + c)["name"], "Renamed");
  EXPECT_EQ(admin().Get("/api/v1/users/").status, 404);
  EXPECT_EQ(admin().Get("/api/v1/users").status, 200);
}

}  // namespace
}  // namespace ordo::test
