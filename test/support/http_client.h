#pragma once
// A small synchronous HTTP/1.1 client for tests (Beast inside, not in this header).
//
// One keep-alive connection, opened on first use and reopened when the server has
// closed it. Transport failures do not throw: the Reply has status 0 and `error` says
// what went wrong, so a test can print it. Every call has a timeout (30 s by default)
// so that a hanging server fails the test instead of hanging it.
//
// Thread-compatible: use one client per thread.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ordo::test {

struct Reply {
  int status = 0;  // 0: no answer, see `error`
  std::string body;
  std::map<std::string, std::string> headers;  // names lowercased; repeats joined by ", "
  std::string error;                           // transport failure, when status == 0

  // The body parsed as JSON; throws nlohmann::json::parse_error when it is not JSON.
  nlohmann::json json() const;
  // A header value or "" (name in lowercase).
  std::string header(const std::string& name) const;
};

// Printed by gtest when an assertion on a Reply fails.
std::ostream& operator<<(std::ostream& os, const Reply& reply);

using Headers = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port);
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  // A body without a Content-Type header is sent as application/json.
  Reply Request(std::string_view method, std::string_view target, std::string_view body = "",
                const Headers& headers = {});
  Reply Get(std::string_view target, const Headers& headers = {});
  Reply Post(std::string_view target, std::string_view body, const Headers& headers = {});
  Reply Patch(std::string_view target, std::string_view body, const Headers& headers = {});
  Reply Put(std::string_view target, std::string_view body, const Headers& headers = {});
  Reply Delete(std::string_view target, const Headers& headers = {});

  // Adds "Authorization: Bearer <token>" to every request; "" removes it.
  void SetToken(std::string token);
  const std::string& token() const { return token_; }
  void SetTimeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

  // Closes the connection; the next request opens a new one.
  void Close();
  // How many connections this client has opened (keep-alive tests).
  int connect_count() const { return connect_count_; }

  const std::string& host() const { return host_; }
  uint16_t port() const { return port_; }

  // Sends `raw` as is on a fresh connection and reads one answer (skipping 1xx), for
  // malformed requests. Status 0 when the server closed without answering.
  static Reply SendRaw(const std::string& host, uint16_t port, std::string_view raw,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));

 private:
  struct Connection;

  Reply RequestOnce(std::string_view method, std::string_view target, std::string_view body,
                    const Headers& headers, bool* retry);

  std::string host_;
  uint16_t port_;
  std::string token_;
  std::chrono::milliseconds timeout_ = std::chrono::seconds(30);
  int connect_count_ = 0;
  std::unique_ptr<Connection> conn_;
};

// A plain blocking TCP connection to 127.0.0.1:port (its file descriptor, -1 on failure),
// for what HttpClient cannot do: connections that stay idle or send half a request.
int ConnectRaw(uint16_t port);

}  // namespace ordo::test
