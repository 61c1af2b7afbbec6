#pragma once
// A small synchronous HTTP/1.1 keep-alive client for the benchmark programs (seed,
// reads, 1,000-line order). One connection, reopened when the server closed it.
// Transport failures are status 0 with `error` set. Thread-compatible: one per thread.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ordo::bench {

struct HttpReply {
  int status = 0;
  std::string body;
  std::string error;
};

class HttpClient {
 public:
  // server: "HOST:PORT".
  explicit HttpClient(const std::string& server);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  void SetToken(std::string token) { token_ = std::move(token); }
  HttpReply Get(std::string_view target) { return Send("GET", target, ""); }
  HttpReply Post(std::string_view target, std::string_view body) {
    return Send("POST", target, body);
  }
  HttpReply Send(std::string_view method, std::string_view target, std::string_view body);

 private:
  struct Conn;
  std::string host_;
  std::string port_;
  std::string token_;
  std::unique_ptr<Conn> conn_;
};

// Splits "HOST:PORT"; exits on a malformed value.
void SplitServer(const std::string& server, std::string* host, std::string* port);

}  // namespace ordo::bench
