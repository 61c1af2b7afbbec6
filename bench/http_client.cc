#include "http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdio>
#include <cstdlib>

namespace ordo::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

struct HttpClient::Conn {
  asio::io_context ioc;
  tcp::socket socket{ioc};
  beast::flat_buffer buffer;
  bool open = false;
};

void SplitServer(const std::string& server, std::string* host, std::string* port) {
  const auto colon = server.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "--server must be HOST:PORT, got %s\n", server.c_str());
    std::exit(2);
  }
  *host = server.substr(0, colon);
  *port = server.substr(colon + 1);
}

HttpClient::HttpClient(const std::string& server) : conn_(std::make_unique<Conn>()) {
  SplitServer(server, &host_, &port_);
}

HttpClient::~HttpClient() = default;

HttpReply HttpClient::Send(std::string_view method, std::string_view target,
                           std::string_view body) {
  HttpReply reply;
  for (int attempt = 0; attempt < 2; ++attempt) {
    beast::error_code ec;
    if (!conn_->open) {
      tcp::resolver resolver(conn_->ioc);
      auto results = resolver.resolve(host_, port_, ec);
      if (!ec) asio::connect(conn_->socket, results, ec);
      if (ec) {
        reply.error = "connect: " + ec.message();
        return reply;
      }
      conn_->socket.set_option(tcp::no_delay(true), ec);
      conn_->open = true;
      conn_->buffer.clear();
    }
    bhttp::request<bhttp::string_body> req;
    req.method_string(beast::string_view(method.data(), method.size()));
    req.target(beast::string_view(target.data(), target.size()));
    req.version(11);
    req.set(bhttp::field::host, host_);
    if (!token_.empty()) req.set(bhttp::field::authorization, "Bearer " + token_);
    if (!body.empty() || method == "POST") {
      req.set(bhttp::field::content_type, "application/json");
      req.body() = std::string(body);
    }
    req.prepare_payload();
    bhttp::write(conn_->socket, req, ec);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(std::uint64_t{1} << 30);
    if (!ec) bhttp::read(conn_->socket, conn_->buffer, parser, ec);
    if (ec) {
      conn_->socket.close(ec);
      conn_->open = false;
      reply.error = "request: " + ec.message();
      continue;  // the server may have closed an idle keep-alive connection: once more
    }
    auto res = parser.release();
    reply.status = static_cast<int>(res.result_int());
    reply.body = std::move(res.body());
    reply.error.clear();
    if (!res.keep_alive()) {
      conn_->socket.close(ec);
      conn_->open = false;
    }
    return reply;
  }
  return reply;
}

}  // namespace ordo::bench
