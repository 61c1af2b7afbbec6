#pragma once
// The HTTP/1.1 server (Boost.Beast over Asio). This is the only translation unit of
// src/ that includes Beast.
//
// - Keep-alive; a body limit (413 payload_too_large with the API's error body). The
//   server's own error answers (400, 413, 431) go through `localize`, so they speak the
//   caller's language like every other error.
// - Methods the server does not know (a 10,000-letter "method") are 400 bad_request.
// - Every answer carries X-Content-Type-Options: nosniff.
// - A request id per request: the client's X-Request-Id when it is a sane token,
//   otherwise generated; echoed in the X-Request-Id answer header.
// - The client's address: the TCP peer, or, when the peer is one of `trusted_proxies`,
//   the right-most address of X-Forwarded-For that is not a trusted proxy.
// - Access log through spdlog: method, path (no query string: it may carry names),
//   status, bytes, duration in ms, request id, client address (and the proxy it came
//   through). Never bodies or headers.
// - Connections: a new connection must send its first request header within
//   `header_timeout_seconds`; a kept-alive one may wait `idle_timeout_seconds` for its
//   next request. At most `max_connections` are open: at the cap, the connection that has
//   waited longest for a request is closed to admit a new one (so a crowd of idle sockets
//   never locks out an active client); when none is waiting, accepting pauses until one
//   closes. Reaching the cap is logged once, not once per connection.
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
  std::string remote_addr;  // the TCP peer
  std::string client_addr;  // the client: remote_addr, or from X-Forwarded-For (see above)

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
// The server's own error message (English) in the language the request asks for; the
// request has its headers when they arrived, else none.
using Localizer = std::function<std::string(const Request&, std::string_view english)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port; see Server::port()
  size_t body_limit = 1 << 20;
  int io_threads = 2;
  int worker_threads = 64;
  int idle_timeout_seconds = 60;   // a kept-alive connection waiting for its next request
  int header_timeout_seconds = 5;  // a new connection's first request header
  int max_connections = 10000;     // open connections at once (see above)
  // Comma-separated addresses and CIDR blocks ("10.0.0.0/8, ::1") whose X-Forwarded-For
  // is believed; empty: nobody's. Start() refuses a malformed list.
  std::string trusted_proxies;
  Localizer localize;  // empty: English
};

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; the port is known afterwards. kValidationFailed for bad options
  // (trusted_proxies), kUnavailable when it cannot listen.
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
