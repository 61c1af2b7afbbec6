#include "support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>
#include <ostream>

namespace ordo::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }
beast::string_view BeastView(std::string_view s) { return {s.data(), s.size()}; }

std::string Lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsDisconnect(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == bhttp::error::partial_message;
}

}  // namespace

// One connection; every operation is asynchronous with a deadline and run to completion
// on a private io_context, which gives the synchronous calls a timeout.
struct HttpClient::Connection {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  bool open = false;

  beast::error_code Connect(const std::string& host, uint16_t port,
                            std::chrono::milliseconds timeout) {
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    const auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec) return ec;
    stream.expires_after(timeout);
    stream.async_connect(results, [&ec](beast::error_code e, const tcp::endpoint&) { ec = e; });
    Run();
    if (!ec) {
      open = true;
      buffer.reserve(size_t{64} * 1024);  // Beast reads at most the buffer's capacity per call
      stream.socket().set_option(tcp::no_delay(true), ec);
      ec = {};
    }
    return ec;
  }

  template <class Message>
  beast::error_code Write(Message& message, std::chrono::milliseconds timeout) {
    beast::error_code ec;
    stream.expires_after(timeout);
    bhttp::async_write(stream, message, [&ec](beast::error_code e, size_t) { ec = e; });
    Run();
    return ec;
  }

  beast::error_code WriteRaw(std::string_view raw, std::chrono::milliseconds timeout) {
    beast::error_code ec;
    stream.expires_after(timeout);
    asio::async_write(stream, asio::buffer(raw.data(), raw.size()),
                      [&ec](beast::error_code e, size_t) { ec = e; });
    Run();
    return ec;
  }

  // Reads one final answer, skipping interim 1xx ones. `got_some` tells whether any
  // byte of an answer arrived.
  beast::error_code Read(bool head, std::chrono::milliseconds timeout, Reply* reply,
                         bool* got_some) {
    *got_some = false;
    for (;;) {
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(std::uint64_t{1} << 30);  // boost::none trips a Beast 1.74 bug
      parser.header_limit(1 << 20);
      if (head) parser.skip(true);
      beast::error_code ec;
      stream.expires_after(timeout);
      bhttp::async_read(stream, buffer, parser, [&ec](beast::error_code e, size_t) { ec = e; });
      Run();
      *got_some = *got_some || parser.got_some();
      if (ec) return ec;
      auto message = parser.release();
      if (message.result_int() / 100 == 1) continue;
      reply->status = static_cast<int>(message.result_int());
      for (const auto& field : message) {
        std::string& value = reply->headers[Lowercase(View(field.name_string()))];
        if (!value.empty()) value += ", ";
        value += std::string(field.value());
      }
      reply->body = std::move(message.body());
      if (!message.keep_alive()) Close();
      return {};
    }
  }

  void Close() {
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream.close();
    buffer.clear();
    open = false;
  }

  void Run() {
    ioc.restart();
    ioc.run();
  }
};

nlohmann::json Reply::json() const { return nlohmann::json::parse(body); }

std::string Reply::header(const std::string& name) const {
  const auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

std::ostream& operator<<(std::ostream& os, const Reply& reply) {
  os << "HTTP " << reply.status;
  if (!reply.error.empty()) os << " (" << reply.error << ")";
  os << " " << reply.body.substr(0, 2000);
  return os;
}

HttpClient::HttpClient(std::string host, uint16_t port) : host_(std::move(host)), port_(port) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

void HttpClient::SetToken(std::string token) { token_ = std::move(token); }

void HttpClient::Close() {
  if (conn_) conn_->Close();
  conn_.reset();
}

Reply HttpClient::Request(std::string_view method, std::string_view target, std::string_view body,
                          const Headers& headers) {
  bool retry = false;
  Reply reply = RequestOnce(method, target, body, headers, &retry);
  // The server closed the kept-alive connection before it saw the request: once more.
  if (retry) reply = RequestOnce(method, target, body, headers, &retry);
  return reply;
}

Reply HttpClient::RequestOnce(std::string_view method, std::string_view target,
                              std::string_view body, const Headers& headers, bool* retry) {
  *retry = false;
  Reply reply;
  const bool reused = conn_ && conn_->open;
  if (!reused) {
    conn_ = std::make_unique<Connection>();
    const beast::error_code ec = conn_->Connect(host_, port_, timeout_);
    if (ec) {
      reply.error = "connect to " + host_ + ":" + std::to_string(port_) + ": " + ec.message();
      conn_.reset();
      return reply;
    }
    ++connect_count_;
  }

  bhttp::request<bhttp::string_body> req;
  req.version(11);
  req.method_string(BeastView(method));
  req.target(BeastView(target));
  req.set(bhttp::field::host, host_ + ":" + std::to_string(port_));
  req.set(bhttp::field::user_agent, "ordo-test");
  if (!token_.empty()) req.set(bhttp::field::authorization, "Bearer " + token_);
  for (const auto& [name, value] : headers) req.set(name, value);
  if (!body.empty() && req.find(bhttp::field::content_type) == req.end()) {
    req.set(bhttp::field::content_type, "application/json");
  }
  req.body() = std::string(body);
  req.prepare_payload();

  const beast::error_code write_ec = conn_->Write(req, timeout_);
  if (write_ec && reused && IsDisconnect(write_ec)) {
    conn_.reset();
    *retry = true;
    return reply;
  }
  // Even when the write failed the server may have answered (e.g. 413 to a big body).
  bool got_some = false;
  const beast::error_code read_ec = conn_->Read(method == "HEAD", timeout_, &reply, &got_some);
  if (read_ec) {
    conn_.reset();
    if (reused && !got_some && IsDisconnect(read_ec)) {
      *retry = true;
      return reply;
    }
    reply.status = 0;
    reply.error = (write_ec ? "write: " + write_ec.message() + "; " : std::string()) +
                  "read: " + read_ec.message();
    return reply;
  }
  if (!conn_->open) conn_.reset();
  return reply;
}

Reply HttpClient::Get(std::string_view target, const Headers& headers) {
  return Request("GET", target, "", headers);
}
Reply HttpClient::Post(std::string_view target, std::string_view body, const Headers& headers) {
  return Request("POST", target, body, headers);
}
Reply HttpClient::Patch(std::string_view target, std::string_view body, const Headers& headers) {
  return Request("PATCH", target, body, headers);
}
Reply HttpClient::Put(std::string_view target, std::string_view body, const Headers& headers) {
  return Request("PUT", target, body, headers);
}
Reply HttpClient::Delete(std::string_view target, const Headers& headers) {
  return Request("DELETE", target, "", headers);
}

Reply HttpClient::SendRaw(const std::string& host, uint16_t port, std::string_view raw,
                          std::chrono::milliseconds timeout) {
  Reply reply;
  Connection conn;
  beast::error_code ec = conn.Connect(host, port, timeout);
  if (ec) {
    reply.error = "connect: " + ec.message();
    return reply;
  }
  const beast::error_code write_ec = conn.WriteRaw(raw, timeout);
  bool got_some = false;
  ec = conn.Read(raw.substr(0, 5) == "HEAD ", timeout, &reply, &got_some);
  if (ec) {
    reply.status = 0;
    reply.error = (write_ec ? "write: " + write_ec.message() + "; " : std::string()) +
                  "read: " + ec.message();
  }
  conn.Close();
  return reply;
}

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

}  // namespace ordo::test
