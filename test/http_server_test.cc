// The HTTP server in process: a trivial handler behind a real socket on port 0.

#include <gtest/gtest.h>
#include <poll.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "http/server.h"
#include "support/http_client.h"

namespace ordo::http {
namespace {

using nlohmann::json;
using ordo::test::ConnectRaw;
using ordo::test::Headers;
using ordo::test::HttpClient;
using ordo::test::Reply;

// Echoes what the server made of the request.
Response Echo(const Request& request) {
  json query = json::array();
  for (const auto& [name, value] : request.query) query.push_back({name, value});
  json headers = json::object();
  for (const auto& [name, value] : request.headers) headers[name] = value;
  Response response;
  response.body = json{{"method", request.method},
                       {"path", request.path},
                       {"query", query},
                       {"headers", headers},
                       {"body", request.body},
                       {"request_id", request.request_id},
                       {"remote_addr", request.remote_addr},
                       {"client_addr", request.client_addr},
                       {"x", request.Query("x")},
                       {"has_flag", request.HasQuery("flag")},
                       {"user_agent", request.Header("user-agent")}}
                      .dump();
  return response;
}

// A Server running on its own thread; stops and joins when destroyed.
class RunningServer {
 public:
  explicit RunningServer(Handler handler, ServerOptions options = {}) {
    options.port = 0;
    options.worker_threads = 4;
    server_ = std::make_unique<Server>(options, std::move(handler));
    const Status status = server_->Start();
    EXPECT_TRUE(status.ok()) << status.message();
    thread_ = std::thread([this] {
      server_->Run();
      returned_ = true;
    });
  }
  ~RunningServer() { StopAndJoin(); }

  void StopAndJoin() {
    server_->Stop();
    if (thread_.joinable()) thread_.join();
  }
  Server& server() { return *server_; }
  uint16_t port() const { return server_->port(); }
  HttpClient Client() const { return HttpClient("127.0.0.1", server_->port()); }
  bool returned() const { return returned_; }

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::atomic<bool> returned_{false};
};

// Everything until the peer closes (10 s at most).
std::string ReadUntilEof(int fd) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// How long the server takes to hang up on a new connection that sends nothing (it must
// answer nothing); 10 s at most.
std::chrono::steady_clock::duration SilentConnectionLifetime(uint16_t port) {
  const int fd = ConnectRaw(port);
  EXPECT_GE(fd, 0);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(ReadUntilEof(fd), "");
  const auto lived = std::chrono::steady_clock::now() - start;
  close(fd);
  return lived;
}

bool IsGeneratedId(const std::string& id) {
  if (id.size() != 16) return false;
  return id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(HttpServerTest, ServesAHandler) {
  RunningServer server(Echo);
  HttpClient client = server.Client();
  const Reply reply = client.Get("/hello");
  ASSERT_EQ(reply.status, 200) << reply;
  EXPECT_EQ(reply.header("server"), "ordo");
  EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
  const json body = reply.json();
  EXPECT_EQ(body["method"], "GET");
  EXPECT_EQ(body["path"], "/hello");
  EXPECT_EQ(body["remote_addr"], "127.0.0.1");
  EXPECT_EQ(body["client_addr"], "127.0.0.1");
  EXPECT_EQ(body["user_agent"], "ordo-test");

  const Reply post = client.Post("/orders", R"({"a":1})", {{"X-Custom-Header", "Yes"}});
  ASSERT_EQ(post.status, 200) << post;
  EXPECT_EQ(post.json()["method"], "POST");
  EXPECT_EQ(post.json()["body"], R"({"a":1})");
  EXPECT_EQ(post.json()["headers"]["x-custom-header"], "Yes");  // names lowercased
}

TEST(HttpServerTest, PassesStatusAndExtraHeaders) {
  RunningServer server([](const Request&) {
    Response r;
    r.status = 201;
    r.content_type = "text/plain";
    r.body = "made";
    r.headers = {{"Location", "/things/7"}, {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}};
    return r;
  });
  const Reply reply = server.Client().Post("/things", "{}");
  ASSERT_EQ(reply.status, 201) << reply;
  EXPECT_EQ(reply.body, "made");
  EXPECT_EQ(reply.header("content-type"), "text/plain");
  EXPECT_EQ(reply.header("location"), "/things/7");
  EXPECT_EQ(reply.header("set-cookie"), "a=1, b=2");
}

TEST(HttpServerTest, NoContentHasNoBody) {
  RunningServer server([](const Request&) {
    Response r;
    r.status = 204;
    r.body = "ignored";
    return r;
  });
  HttpClient client = server.Client();
  const Reply reply = client.Request("DELETE", "/things/1");
  ASSERT_EQ(reply.status, 204) << reply;
  EXPECT_EQ(reply.body, "");
  EXPECT_EQ(client.Get("/again").status, 204);  // the connection is still in sync
  EXPECT_EQ(client.connect_count(), 1);
}

TEST(HttpServerTest, KeepsTheConnectionAlive) {
  RunningServer server(Echo);
  HttpClient client = server.Client();
  EXPECT_EQ(client.Get("/one").status, 200);
  EXPECT_EQ(client.Post("/two", "{}").status, 200);
  EXPECT_EQ(client.Get("/three").status, 200);
  EXPECT_EQ(client.connect_count(), 1);

  // The client asks to close: the answer says so and the next request reconnects.
  const Reply closing = client.Get("/four", {{"Connection", "close"}});
  EXPECT_EQ(closing.status, 200);
  EXPECT_EQ(closing.header("connection"), "close");
  EXPECT_EQ(client.Get("/five").status, 200);
  EXPECT_EQ(client.connect_count(), 2);
}

TEST(HttpServerTest, AnswersPipelinedRequestsInOrder) {
  RunningServer server(Echo);
  const Reply reply = HttpClient::SendRaw(
      "127.0.0.1", server.port(),
      "GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n"
      "Connection: close\r\n\r\n");
  ASSERT_EQ(reply.status, 200) << reply;
  EXPECT_EQ(reply.json()["path"], "/first");
}

TEST(HttpServerTest, RejectsABodyOverTheLimit) {
  std::atomic<int> calls{0};
  RunningServer server([&calls](const Request& r) {
    ++calls;
    return Echo(r);
  });
  HttpClient client = server.Client();
  const Reply reply = client.Post("/upload", std::string(2 << 20, 'x'));
  ASSERT_EQ(reply.status, 413) << reply;
  const json body = reply.json();
  EXPECT_EQ(body["error"]["code"], "payload_too_large");
  EXPECT_EQ(body["error"]["message"], "request body exceeds 1048576 bytes");
  EXPECT_TRUE(body["error"]["details"].is_object());
  EXPECT_TRUE(IsGeneratedId(reply.header("x-request-id")));
  EXPECT_EQ(reply.header("connection"), "close");
  EXPECT_EQ(calls.load(), 0);

  // Exactly at the limit is fine, and the client recovers on a new connection.
  const Reply ok = client.Post("/upload", std::string(1 << 20, 'x'));
  EXPECT_EQ(ok.status, 200) << ok.error;
  EXPECT_EQ(calls.load(), 1);
}

TEST(HttpServerTest, RejectsAChunkedBodyOverTheLimit) {
  ServerOptions options;
  options.body_limit = 10;
  RunningServer server(Echo, options);
  const Reply reply =
      HttpClient::SendRaw("127.0.0.1", server.port(),
                          "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n");
  ASSERT_EQ(reply.status, 413) << reply;
  EXPECT_EQ(reply.json()["error"]["message"], "request body exceeds 10 bytes");
}

TEST(HttpServerTest, RejectsAHugeHeaderSection) {
  RunningServer server(Echo);
  const Reply reply = HttpClient::SendRaw(
      "127.0.0.1", server.port(),
      "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
  ASSERT_EQ(reply.status, 431) << reply;
  EXPECT_EQ(reply.json()["error"]["code"], "header_too_large");
}

TEST(HttpServerTest, RejectsMalformedRequests) {
  RunningServer server(Echo);
  const Reply garbage = HttpClient::SendRaw("127.0.0.1", server.port(), "this is not http\r\n\r\n");
  ASSERT_EQ(garbage.status, 400) << garbage;
  EXPECT_EQ(garbage.json()["error"]["code"], "bad_request");

  HttpClient client = server.Client();
  for (const char* target : {"/a%zz", "/a%4", "/a%", "/a%00b", "/ok?x=%g1"}) {
    const Reply reply = client.Get(target);
    EXPECT_EQ(reply.status, 400) << target << ": " << reply;
    EXPECT_EQ(reply.json()["error"]["code"], "bad_request") << target;
    EXPECT_EQ(reply.json()["error"]["message"], "malformed request target") << target;
  }
  EXPECT_EQ(client.Get("/fine").status, 200);  // the connection survives a bad target
  EXPECT_EQ(client.connect_count(), 1);
}

TEST(HttpServerTest, DecodesPathAndQuery) {
  RunningServer server(Echo);
  const Reply reply =
      server.Client().Get("/a%20b/c%2Bd+e?x=1+2&y=%E4%B8%AD%E6%96%87&flag&&x=3&empty=&a%3Db=c%26d");
  ASSERT_EQ(reply.status, 200) << reply;
  const json body = reply.json();
  EXPECT_EQ(body["path"], "/a b/c+d+e");  // '+' is literal in a path
  const json expected = json::array({json::array({"x", "1 2"}), json::array({"y", "中文"}),
                                     json::array({"flag", ""}), json::array({"x", "3"}),
                                     json::array({"empty", ""}), json::array({"a=b", "c&d"})});
  EXPECT_EQ(body["query"], expected);
  EXPECT_EQ(body["x"], "1 2");  // the first value
  EXPECT_EQ(body["has_flag"], true);
}

TEST(HttpServerTest, GeneratesAndEchoesRequestIds) {
  RunningServer server(Echo);
  HttpClient client = server.Client();

  const Reply generated = client.Get("/");
  const std::string id = generated.header("x-request-id");
  EXPECT_TRUE(IsGeneratedId(id)) << id;
  EXPECT_EQ(generated.json()["request_id"], id);
  EXPECT_NE(client.Get("/").header("x-request-id"), id);

  const Reply kept = client.Get("/", {{"X-Request-Id", "abc-123.DEF_9"}});
  EXPECT_EQ(kept.header("x-request-id"), "abc-123.DEF_9");
  EXPECT_EQ(kept.json()["request_id"], "abc-123.DEF_9");
  EXPECT_EQ(client.Get("/", {{"X-Request-Id", std::string(64, 'a')}}).header("x-request-id"),
            std::string(64, 'a'));

  for (const std::string& bad :
       std::vector<std::string>{"has space", "<script>", "a/b", std::string(65, 'a')}) {
    const Reply replaced = client.Get("/", {{"X-Request-Id", bad}});
    const std::string new_id = replaced.header("x-request-id");
    EXPECT_TRUE(IsGeneratedId(new_id)) << bad << " → " << new_id;
    EXPECT_EQ(replaced.json()["request_id"], new_id);
  }
}

TEST(HttpServerTest, AHandlerExceptionIsA500WithTheRequestId) {
  RunningServer server([](const Request& r) -> Response {
    if (r.path == "/boom") throw std::runtime_error("SELECT secret FROM users");
    if (r.path == "/weird") throw 42;
    return Echo(r);
  });
  HttpClient client = server.Client();
  for (const char* path : {"/boom", "/weird"}) {
    const Reply reply = client.Get(path);
    ASSERT_EQ(reply.status, 500) << reply;
    const std::string id = reply.header("x-request-id");
    const json body = reply.json();
    EXPECT_EQ(body["error"]["code"], "internal");
    EXPECT_EQ(body["error"]["message"], "internal error, request id " + id);
    EXPECT_EQ(reply.body.find("SELECT"), std::string::npos);
  }
  EXPECT_EQ(client.Get("/fine").status, 200);  // the connection is still usable
  EXPECT_EQ(client.connect_count(), 1);
}

TEST(HttpServerTest, HeadAnswersLikeGetWithoutTheBody) {
  RunningServer server(Echo);
  HttpClient client = server.Client();
  const Reply get = client.Get("/thing");
  const Reply head = client.Request("HEAD", "/thing");
  ASSERT_EQ(head.status, 200) << head;
  EXPECT_EQ(head.body, "");
  // The handler saw a GET; the request ids differ, the lengths do not.
  EXPECT_EQ(head.header("content-length"), std::to_string(get.body.size()));
  EXPECT_EQ(client.Get("/after").status, 200);
  EXPECT_EQ(client.connect_count(), 1);
}

TEST(HttpServerTest, AnswersExpectContinue) {
  RunningServer server(Echo);
  const Reply reply = HttpClient::SendRaw(
      "127.0.0.1", server.port(),
      "POST /c HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n"
      "Connection: close\r\n\r\n{}");
  ASSERT_EQ(reply.status, 200) << reply;
  EXPECT_EQ(reply.json()["body"], "{}");
}

TEST(HttpServerTest, AccessLogHasNoQueryStringsOrBodies) {
  std::ostringstream log;
  auto previous = spdlog::default_logger();
  auto capture = std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  spdlog::set_default_logger(capture);
  {
    RunningServer server(Echo);
    HttpClient client = server.Client();
    EXPECT_EQ(client
                  .Post("/api/v1/customers?name=Secret+Name", R"({"password":"hunter2"})",
                        {{"X-Request-Id", "log-test-1"}, {"Authorization", "Bearer tok3n"}})
                  .status,
              200);
  }
  spdlog::set_default_logger(previous);
  const std::string text = log.str();
  EXPECT_NE(text.find("POST /api/v1/customers 200 "), std::string::npos) << text;
  EXPECT_NE(text.find("id=log-test-1"), std::string::npos) << text;
  EXPECT_NE(text.find("from=127.0.0.1"), std::string::npos) << text;
  EXPECT_NE(text.find("ms "), std::string::npos) << text;
  for (const char* secret : {"Secret", "name=", "hunter2", "tok3n"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in " << text;
  }
}

TEST(HttpServerTest, StopLetsTheRequestInFlightFinish) {
  std::promise<void> entered;
  std::atomic<bool> entered_once{false};
  RunningServer server([&](const Request& r) {
    if (r.path == "/slow") {
      if (!entered_once.exchange(true)) entered.set_value();
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return Echo(r);
  });

  // An idle keep-alive connection, which Stop must close rather than wait 60 s for.
  HttpClient idle = server.Client();
  ASSERT_EQ(idle.Get("/warm").status, 200);

  std::future<Reply> slow = std::async(std::launch::async, [&server] {
    HttpClient client = server.Client();
    return client.Get("/slow");
  });
  entered.get_future().wait();
  const auto stop_at = std::chrono::steady_clock::now();
  server.server().Stop();
  server.server().Stop();  // idempotent

  const Reply reply = slow.get();
  EXPECT_EQ(reply.status, 200) << reply;
  EXPECT_EQ(reply.json()["path"], "/slow");
  EXPECT_EQ(reply.header("connection"), "close");

  server.StopAndJoin();  // Run() returns
  EXPECT_TRUE(server.returned());
  EXPECT_LT(std::chrono::steady_clock::now() - stop_at, std::chrono::seconds(5));

  // Nobody listens any more.
  HttpClient late = server.Client();
  EXPECT_EQ(late.Get("/late").status, 0);
  EXPECT_EQ(idle.Get("/late").status, 0);
}

TEST(HttpServerTest, StopLetsARequestThatIsArrivingFinish) {
  RunningServer server(Echo);
  const int fd = ConnectRaw(server.port());
  ASSERT_GE(fd, 0);
  const std::string head = "GET /partial HTTP/1.1\r\nHost: x\r\n";
  ASSERT_EQ(write(fd, head.data(), head.size()), static_cast<ssize_t>(head.size()));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the server has read it
  server.server().Stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(write(fd, "\r\n", 2), 2);
  const std::string answer = ReadUntilEof(fd);
  close(fd);
  EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << answer;
  EXPECT_NE(answer.find("Connection: close\r\n"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"path\":\"/partial\""), std::string::npos) << answer;
  server.StopAndJoin();
  EXPECT_TRUE(server.returned());
}

TEST(HttpServerTest, StopBeforeRunReturnsAtOnce) {
  Server server(ServerOptions{.host = "127.0.0.1", .port = 0}, Echo);
  ASSERT_TRUE(server.Start().ok());
  server.Stop();
  server.Run();
}

TEST(HttpServerTest, StartFailsOnAPortAlreadyTaken) {
  RunningServer first(Echo);
  ServerOptions options;
  options.port = first.port();
  Server second(options, Echo);
  const Status status = second.Start();
  EXPECT_EQ(status.code(), Code::kUnavailable);
  const std::string prefix = "cannot listen on 127.0.0.1:" + std::to_string(first.port()) + ": ";
  EXPECT_EQ(status.message().substr(0, prefix.size()), prefix) << status.message();
  EXPECT_GT(status.message().size(), prefix.size());
  // The first one is unaffected.
  EXPECT_EQ(first.Client().Get("/").status, 200);
}

TEST(HttpServerTest, StartFailsOnABadHost) {
  ServerOptions options;
  options.host = "256.1.1.1";
  options.port = 0;
  Server server(options, Echo);
  const Status status = server.Start();
  EXPECT_EQ(status.code(), Code::kUnavailable);
  EXPECT_EQ(status.message().rfind("cannot listen on 256.1.1.1:0: ", 0), 0u) << status.message();
}

TEST(HttpServerTest, ClosesIdleConnectionsAfterTheTimeout) {
  ServerOptions options;
  options.idle_timeout_seconds = 1;
  RunningServer server(Echo, options);
  // A connection that never sends a request: the server hangs up without an answer.
  const auto waited = SilentConnectionLifetime(server.port());
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  EXPECT_LT(waited, std::chrono::seconds(9));

  // A kept-alive client notices the closed connection and reconnects transparently.
  HttpClient client = server.Client();
  ASSERT_EQ(client.Get("/").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(client.Get("/").status, 200);
}

TEST(HttpServerTest, ServesConcurrentClients) {
  RunningServer server([](const Request& r) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return Echo(r);
  });
  constexpr int kClients = 8;
  std::vector<std::future<int>> results;
  results.reserve(kClients);
  for (int t = 0; t < kClients; ++t) {
    results.push_back(std::async(std::launch::async, [&server, t] {
      HttpClient client = server.Client();
      int ok = 0;
      for (int i = 0; i < 10; ++i) {
        const std::string path = "/c/" + std::to_string(t) + "/" + std::to_string(i);
        const Reply reply = client.Get(path);
        if (reply.status == 200 && reply.json()["path"] == path) ++ok;
      }
      return ok;
    }));
  }
  for (auto& r : results) EXPECT_EQ(r.get(), 10);
}

// Captures what the server logs while alive (spdlog's default logger is process-wide).
class LogCapture {
 public:
  LogCapture()
      : previous_(spdlog::default_logger()),
        capture_(std::make_shared<spdlog::logger>(
            "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_))) {
    spdlog::set_default_logger(capture_);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  std::string text() const {
    capture_->flush();
    return log_.str();
  }

 private:
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<spdlog::logger> capture_;
};

size_t Occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(HttpServerTest, EveryAnswerSaysNosniff) {
  ServerOptions options;
  options.body_limit = 10;
  RunningServer server(Echo, options);
  HttpClient client = server.Client();
  EXPECT_EQ(client.Get("/x").header("x-content-type-options"), "nosniff");
  const Reply too_large = client.Post("/x", std::string(100, 'x'));
  ASSERT_EQ(too_large.status, 413) << too_large;
  EXPECT_EQ(too_large.header("x-content-type-options"), "nosniff");
}

TEST(HttpServerTest, ItsOwnErrorsSpeakTheCallersLanguage) {
  ServerOptions options;
  options.body_limit = 10;
  options.localize = [](const Request& r, std::string_view english) {
    return r.Header("accept-language") == "xx" ? "[xx] " + std::string(english)
                                               : std::string(english);
  };
  RunningServer server(Echo, options);
  HttpClient client = server.Client();
  const Reply too_large = client.Post("/x", std::string(100, 'x'), {{"Accept-Language", "xx"}});
  ASSERT_EQ(too_large.status, 413) << too_large;
  EXPECT_EQ(too_large.json()["error"]["message"], "[xx] request body exceeds 10 bytes");
  EXPECT_EQ(client.Post("/x", std::string(100, 'x')).json()["error"]["message"],
            "request body exceeds 10 bytes");
  const Reply bad_target = client.Get("/a%zz", {{"Accept-Language", "xx"}});
  EXPECT_EQ(bad_target.json()["error"]["message"], "[xx] malformed request target");
}

TEST(HttpServerTest, RefusesMethodsItDoesNotKnow) {
  std::atomic<int> calls{0};
  LogCapture log;
  RunningServer server([&calls](const Request& r) {
    ++calls;
    return Echo(r);
  });
  HttpClient client = server.Client();
  const std::string huge(10000, 'A');
  for (const std::string& method : {huge, std::string("FOO"), std::string("GETT")}) {
    const Reply reply = client.Request(method, "/healthz");
    ASSERT_EQ(reply.status, 400) << method.substr(0, 20) << ": " << reply;
    EXPECT_EQ(reply.json()["error"]["code"], "bad_request");
    EXPECT_EQ(reply.json()["error"]["message"], "unknown method");
  }
  EXPECT_EQ(calls.load(), 0);
  // Methods the server knows reach the handler, which decides.
  for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    EXPECT_EQ(client.Request(method, "/x").status, 200) << method;
  }
  EXPECT_EQ(calls.load(), 6);
  server.StopAndJoin();
  const std::string text = log.text();
  EXPECT_NE(text.find(std::string(16, 'A') + "... /healthz 400"), std::string::npos) << text;
  EXPECT_EQ(text.find(std::string(17, 'A')), std::string::npos) << "the log holds the whole method";
}

// X-Forwarded-For names the client only when the peer is a trusted proxy; then the
// right-most address that is not a trusted proxy is the client (what lies left of it
// the client wrote itself).
TEST(HttpServerTest, TakesTheClientFromXForwardedForOfTrustedProxiesOnly) {
  auto client_of = [](const std::string& trusted, const Headers& headers) {
    ServerOptions options;
    options.trusted_proxies = trusted;
    RunningServer server(Echo, options);
    const Reply reply = server.Client().Get("/", headers);
    EXPECT_EQ(reply.status, 200) << reply;
    EXPECT_EQ(reply.json()["remote_addr"], "127.0.0.1");
    return reply.json()["client_addr"].get<std::string>();
  };
  const Headers xff = {{"X-Forwarded-For", "1.1.1.1, 203.0.113.9"}};
  // Nobody trusted (the default), or a list without the peer: the header is ignored.
  EXPECT_EQ(client_of("", xff), "127.0.0.1");
  EXPECT_EQ(client_of("10.0.0.0/8, ::1", xff), "127.0.0.1");
  // The peer trusted: the right-most entry; 1.1.1.1 may be spoofed by the client.
  EXPECT_EQ(client_of("127.0.0.1", xff), "203.0.113.9");
  EXPECT_EQ(client_of("127.0.0.0/8", xff), "203.0.113.9");
  EXPECT_EQ(client_of(" 10.0.0.1 ,127.0.0.1/32,", xff), "203.0.113.9");
  // A chain of trusted proxies is skipped.
  EXPECT_EQ(client_of("127.0.0.1, 10.0.0.0/8", {{"X-Forwarded-For", "1.1.1.1, 2.2.2.2, 10.1.2.3"}}),
            "2.2.2.2");
  // Every entry trusted: the left-most.
  EXPECT_EQ(client_of("127.0.0.1, 10.0.0.0/8", {{"X-Forwarded-For", "10.9.9.9, 10.1.2.3"}}),
            "10.9.9.9");
  // IPv6, and IPv4 written as IPv4-mapped IPv6.
  EXPECT_EQ(client_of("127.0.0.1", {{"X-Forwarded-For", "2001:db8::1"}}), "2001:db8::1");
  EXPECT_EQ(client_of("127.0.0.1", {{"X-Forwarded-For", "::ffff:198.51.100.4"}}), "198.51.100.4");
  // Something that is not an address stops the walk at the last good hop.
  EXPECT_EQ(client_of("127.0.0.1", {{"X-Forwarded-For", "1.1.1.1, <script>"}}), "127.0.0.1");
  EXPECT_EQ(client_of("127.0.0.1, 10.0.0.0/8", {{"X-Forwarded-For", "junk, 10.0.0.7"}}),
            "10.0.0.7");
  // No header: the peer.
  EXPECT_EQ(client_of("127.0.0.1", {}), "127.0.0.1");

  // Several header fields are one list, in order.
  ServerOptions options;
  options.trusted_proxies = "127.0.0.1, 10.0.0.0/8";
  RunningServer server(Echo, options);
  const Reply reply = HttpClient::SendRaw(
      "127.0.0.1", server.port(),
      "GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 1.1.1.1\r\nX-Forwarded-For: "
      "10.0.0.7\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(reply.status, 200) << reply;
  EXPECT_EQ(reply.json()["client_addr"], "1.1.1.1");
}

TEST(HttpServerTest, LogsTheClientAndTheProxyItCameThrough) {
  LogCapture log;
  {
    ServerOptions options;
    options.trusted_proxies = "127.0.0.1";
    RunningServer server(Echo, options);
    EXPECT_EQ(server.Client().Get("/p", {{"X-Forwarded-For", "203.0.113.9"}}).status, 200);
  }
  const std::string text = log.text();
  EXPECT_NE(text.find("from=203.0.113.9 via=127.0.0.1"), std::string::npos) << text;
}

TEST(HttpServerTest, StartRefusesAMalformedTrustedProxyList) {
  for (const char* bad :
       {"nonsense", "10.0.0.0/33", "10.0.0.1/", "1.2.3.4, ::1/129", "300.1.1.1"}) {
    ServerOptions options;
    options.port = 0;
    options.trusted_proxies = bad;
    Server server(options, Echo);
    const Status status = server.Start();
    EXPECT_EQ(status.code(), Code::kValidationFailed) << bad;
    EXPECT_NE(status.message().find("not an address or CIDR block"), std::string::npos)
        << status.message();
  }
}

TEST(HttpServerTest, ClosesANewConnectionThatSendsNothingAfterTheHeaderTimeout) {
  ServerOptions options;
  options.header_timeout_seconds = 1;
  options.idle_timeout_seconds = 60;
  RunningServer server(Echo, options);
  const auto waited = SilentConnectionLifetime(server.port());
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  EXPECT_LT(waited, std::chrono::seconds(5));

  // A connection that has been served waits for its next request the idle timeout.
  HttpClient client = server.Client();
  ASSERT_EQ(client.Get("/one").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));
  EXPECT_EQ(client.Get("/two").status, 200);
  EXPECT_EQ(client.connect_count(), 1);
}

// A crowd of idle connections over the cap: the longest idle ones are closed to admit new
// ones, so a new client is served at once, and the cap is logged once.
TEST(HttpServerTest, AtTheConnectionCapTheLongestIdleConnectionMakesRoom) {
  LogCapture log;
  ServerOptions options;
  options.max_connections = 4;
  RunningServer server(Echo, options);
  std::vector<int> idle;
  for (int i = 0; i < 12; ++i) {
    idle.push_back(ConnectRaw(server.port()));
    ASSERT_GE(idle.back(), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // an order of arrival
  }
  const auto start = std::chrono::steady_clock::now();
  HttpClient client = server.Client();
  const Reply reply = client.Get("/served");
  EXPECT_EQ(reply.status, 200) << reply;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));

  // The oldest were closed; the newest are still open.
  int closed = 0;
  for (size_t i = 0; i < idle.size(); ++i) {
    pollfd p{idle[i], POLLIN, 0};
    const bool eof = poll(&p, 1, i < 8 ? 2000 : 0) > 0 && read(idle[i], nullptr, 0) == 0;
    if (eof) ++closed;
    if (i < 8) EXPECT_TRUE(eof) << "connection " << i << " is still open";
  }
  EXPECT_GE(closed, 8);
  EXPECT_LT(closed, 12);
  for (int fd : idle) close(fd);
  server.StopAndJoin();
  EXPECT_EQ(Occurrences(log.text(), "at the cap of 4"), 1u) << log.text();
}

// At the cap with no idle connection to close, the server stops accepting until one
// ends, then serves the waiting client.
TEST(HttpServerTest, AtTheCapWithEveryConnectionBusyAcceptingWaits) {
  ServerOptions options;
  options.max_connections = 2;
  RunningServer server(
      [](const Request& r) {
        if (r.path == "/slow") std::this_thread::sleep_for(std::chrono::milliseconds(500));
        return Echo(r);
      },
      options);
  std::vector<std::future<Reply>> replies;
  for (int i = 0; i < 5; ++i) {
    replies.push_back(std::async(std::launch::async, [&server] {
      // A client whose thread is descheduled between connect and send looks, to the
      // server, like an idle socket, which may be closed to admit another: it is closed
      // before any answer, and an HTTP client retries such an idempotent GET once.
      Reply reply;
      for (int attempt = 0; attempt < 2 && reply.status == 0; ++attempt) {
        HttpClient client = server.Client();
        client.SetTimeout(std::chrono::seconds(20));
        reply = client.Get("/slow", {{"Connection", "close"}});
      }
      return reply;
    }));
  }
  for (auto& r : replies) {
    const Reply reply = r.get();
    EXPECT_EQ(reply.status, 200) << reply;
  }
}

}  // namespace
}  // namespace ordo::http
