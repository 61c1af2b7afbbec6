// The HTTP server in process: a trivial handler behind a real socket on port 0.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
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

// A plain socket, for what HttpClient cannot do (half-sent requests, idle connections).
int ConnectRaw(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

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
  const int fd = ConnectRaw(server.port());
  ASSERT_GE(fd, 0);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(ReadUntilEof(fd), "");
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  EXPECT_LT(waited, std::chrono::seconds(9));
  close(fd);

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

}  // namespace
}  // namespace ordo::http
