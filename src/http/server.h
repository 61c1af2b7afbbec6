#pragma once
// The HTTP/1.1 server (Boost.Beast over Asio). This is the only translation unit of
// src/ that includes Beast.
//
// - Keep-alive; a body limit (413 payload_too_large with the API's error body).
// - A request id per request: the client's X-Request-Id when it is a sane token,
//   otherwise generated; echoed in the X-Request-Id answer header.
// - Access log through spdlog: method, path (no query string: it may carry names),
//   status, bytes, duration in ms, request id. Never bodies or headers.
// - I/O runs on `io_threads`; handlers run on a pool of `worker_threads` and may block
//   (the storage layer waits for its group commit there).
// - Stop(): stops accepting, lets in-flight requests finish and be answered, closes
//   idle keep-alive connections, then Run() returns.
//
// Thread-safety: Start/Run from one thread; Stop from any thread or a signal handler
// installed by Run (SIGTERM, SIGINT).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace ordo::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded path without the query, e.g. "/api/v1/orders/12"
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::string body;
  std::string request_id;
  std::string remote_addr;

  // First header / query value with this name, or "" (header names are lowercase).
  std::string Header(std::string_view name) const;
  std::string Query(std::string_view name) const;
  bool HasQuery(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

using Handler = std::function<Response(const Request&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port; see Server::port()
  size_t body_limit = 1 << 20;
  int io_threads = 2;
  int worker_threads = 64;
  int idle_timeout_seconds = 60;
};

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; the port is known afterwards.
  Status Start();
  uint16_t port() const;
  // Serves until Stop() or SIGTERM/SIGINT, then drains in-flight requests and returns.
  void Run();
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// The body of an error answer: {"error":{"code","message","details":{}}}.
std::string ErrorBody(std::string_view code, std::string_view message);

}  // namespace ordo::http
