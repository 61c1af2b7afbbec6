// The only translation unit of src/ that includes Beast: keep it that way, Beast is
// slow to compile.
//
// Threads: `io_threads` run the io_context (accept, read, write); every connection is a
// Session whose handlers run on its own strand. A complete request is posted to the
// worker pool, where the Handler may block; its Response is posted back to the strand
// and written there.
//
// Connections: Core keeps every live session in `sessions_`. A session that waits for a
// request (nothing of its header parsed yet) publishes since when in `idle_since_`; when
// an accept takes the count over `max_connections`, Core claims the session that has
// waited longest and closes it on its strand. With nobody waiting, accepting pauses
// until a session goes (Unregister resumes it).
//
// Shutdown: Stop() sets `stopping_` and posts DoStop to the io_context, which closes the
// acceptor, drops the work guard and tells every session. A session waiting for the
// next request closes at once; one that is reading a request, handling or writing
// finishes it, answers with "Connection: close" and closes. Run() returns when the
// io_context runs out of work, i.e. when the last session is gone.

#include "http/server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <csignal>
#include <exception>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>

namespace ordo::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr size_t kHeaderLimit = size_t{16} * 1024;
// After a final answer on a connection we close, read (and discard) what the client is
// still sending for a while, so that closing does not reset the connection before the
// client has read the answer (e.g. a 413 while the client is still uploading).
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kLingerBytes = 8 << 20;
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr size_t kReadChunk = size_t{16} * 1024;
// How long Stop() waits for a request that has started to arrive.
constexpr auto kStopGrace = std::chrono::seconds(5);
// The access log shows at most this much of a method (an unknown one may be 10,000 letters).
constexpr size_t kLoggedMethod = 16;

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (const char c : s) {
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          *out += "\\u00";
          out->push_back(kHex[(c >> 4) & 0xf]);
          out->push_back(kHex[c & 0xf]);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `in`; false on a malformed escape or a decoded NUL.
bool PercentDecode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = HexValue(in[i + 1]);
      const int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else if (c == '\0') {
      return false;
    } else {
      out->push_back(c);
    }
  }
  return true;
}

// Splits an origin-form target into the decoded path and query.
bool ParseTarget(std::string_view target, Request* request) {
  if (target.empty() || target.front() != '/') return false;
  const size_t q = target.find('?');
  if (!PercentDecode(target.substr(0, q), false, &request->path)) return false;
  if (q == std::string_view::npos) return true;
  std::string_view rest = target.substr(q + 1);
  std::string name;
  std::string value;
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view part = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    if (!PercentDecode(part.substr(0, eq), true, &name)) return false;
    if (eq == std::string_view::npos) {
      value.clear();
    } else if (!PercentDecode(part.substr(eq + 1), true, &value)) {
      return false;
    }
    request->query.emplace_back(name, value);
  }
  return true;
}

bool IsSaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t bits = rng();
  std::string id(16, '0');
  for (char& c : id) {
    c = kHex[bits & 0xf];
    bits >>= 4;
  }
  return id;
}

std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }

std::string Lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Response ErrorResponse(int status, std::string_view code, std::string_view message) {
  Response r;
  r.status = status;
  r.body = ErrorBody(code, message);
  return r;
}

// Now on the steady clock in nanoseconds (never 0).
int64_t SteadyNanos() {
  const auto now = std::chrono::steady_clock::now().time_since_epoch();
  return std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// An IPv4 address arriving as IPv4-mapped IPv6 (a dual-stack socket) is the IPv4 address.
asio::ip::address Unmapped(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  }
  return a;
}

std::optional<asio::ip::address> ParseAddress(std::string_view text) {
  beast::error_code ec;
  const asio::ip::address a = asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return Unmapped(a);
}

// The proxies whose X-Forwarded-For is believed (ServerOptions::trusted_proxies).
class TrustedProxies {
 public:
  // "10.0.0.0/8, 192.168.1.7, ::1"; false and *error on a malformed entry.
  bool Parse(std::string_view list, std::string* error) {
    while (!list.empty()) {
      const size_t comma = list.find(',');
      const std::string entry(Trim(list.substr(0, comma)));
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
      if (entry.empty()) continue;
      beast::error_code ec;
      if (entry.find('/') == std::string::npos) {
        const auto a = ParseAddress(entry);
        if (!a) {
          *error = "not an address or CIDR block: " + entry;
          return false;
        }
        if (a->is_v4()) {
          v4_.push_back(asio::ip::network_v4(a->to_v4(), 32));
        } else {
          v6_.push_back(asio::ip::network_v6(a->to_v6(), 128));
        }
      } else if (entry.find(':') == std::string::npos) {
        const auto n = asio::ip::make_network_v4(entry, ec);
        if (ec) {
          *error = "not an address or CIDR block: " + entry;
          return false;
        }
        v4_.push_back(n.canonical());
      } else {
        const auto n = asio::ip::make_network_v6(entry, ec);
        if (ec) {
          *error = "not an address or CIDR block: " + entry;
          return false;
        }
        v6_.push_back(n.canonical());
      }
    }
    return true;
  }

  bool Contains(const asio::ip::address& a) const {
    if (a.is_v4()) {
      for (const auto& n : v4_) {
        if (asio::ip::network_v4(a.to_v4(), n.prefix_length()).canonical() == n) return true;
      }
    } else {
      for (const auto& n : v6_) {
        if (asio::ip::network_v6(a.to_v6(), n.prefix_length()).canonical() == n) return true;
      }
    }
    return false;
  }

  bool empty() const { return v4_.empty() && v6_.empty(); }

 private:
  std::vector<asio::ip::network_v4> v4_;
  std::vector<asio::ip::network_v6> v6_;
};

// The client behind a request that came from `peer`: the peer itself unless it is a
// trusted proxy; then, walking X-Forwarded-For from the right (the hop nearest to us),
// the first address that is not a trusted proxy. What lies left of that address was
// written by the client and is not believed; an entry that is not an address stops the
// walk at the last good hop.
std::string ClientAddress(const asio::ip::address& peer, const std::string& peer_text,
                          const Request& request, const TrustedProxies& trusted) {
  if (trusted.empty() || !trusted.Contains(peer)) return peer_text;
  std::string chain;
  for (const auto& [name, value] : request.headers) {
    if (name != "x-forwarded-for") continue;
    if (!chain.empty()) chain += ',';
    chain += value;
  }
  std::string client = peer_text;
  std::string_view rest = chain;
  while (!rest.empty()) {
    const size_t comma = rest.rfind(',');
    const std::string_view entry =
        Trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    const auto a = ParseAddress(entry);
    if (!a) break;
    client = a->to_string();
    if (!trusted.Contains(*a)) break;
  }
  return client;
}

class Session;

// Everything the server shares with its sessions; Server::Impl is this.
class Core {
 public:
  Core(ServerOptions options, Handler handler)
      : max_connections_(static_cast<size_t>(std::max(1, options.max_connections))),
        options_(std::move(options)),
        handler_(std::move(handler)),
        ioc_(std::max(1, options_.io_threads)),
        acceptor_(ioc_),
        accept_timer_(ioc_),
        workers_(static_cast<size_t>(std::max(1, options_.worker_threads))) {}

  // Arms the stream's timer for the next read: a connection's first request header gets
  // header_timeout_seconds, later waits idle_timeout_seconds (<= 0: no limit).
  void ExpireIdle(beast::tcp_stream& stream, bool first_request = false) const {
    int seconds = options_.idle_timeout_seconds;
    if (first_request && options_.header_timeout_seconds > 0 &&
        (seconds <= 0 || options_.header_timeout_seconds < seconds)) {
      seconds = options_.header_timeout_seconds;
    }
    if (seconds > 0) {
      stream.expires_after(std::chrono::seconds(seconds));
    } else {
      stream.expires_never();
    }
  }

  Status Start();
  void Run();
  void Stop();
  uint16_t port() const { return port_.load(); }

  const ServerOptions& options() const { return options_; }
  const Handler& handler() const { return handler_; }
  asio::thread_pool& workers() { return workers_; }
  asio::io_context& ioc() { return ioc_; }
  bool stopping() const { return stopping_.load(); }
  const TrustedProxies& trusted_proxies() const { return trusted_; }
  void Register(Session* session, std::weak_ptr<Session> weak);
  void Unregister(Session* session);
  // Logs once per process that X-Forwarded-For came from a peer that is not trusted.
  void NoteUntrustedForwarding(const std::string& peer);

 private:
  void DoAccept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  // Over the cap after admitting `admitted`: closes the session that has waited longest
  // for a request. False when there is none to close: accepting pauses.
  bool MakeRoom(Session* admitted);
  void DoStop();

  // Sessions unregister in their destructors, which may run while ioc_ and workers_
  // are destroyed: what Unregister touches is declared first so that it is destroyed last.
  std::mutex mu_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;  // guarded by mu_
  bool accept_paused_ = false;                                     // guarded by mu_
  bool at_cap_ = false;                                            // guarded by mu_
  const size_t max_connections_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> untrusted_forwarding_logged_{false};

  const ServerOptions options_;
  TrustedProxies trusted_;
  const Handler handler_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  asio::steady_timer accept_timer_;
  asio::thread_pool workers_;
  std::optional<asio::signal_set> signals_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::atomic<uint16_t> port_{0};
  std::string listen_name_;
};

// One connection. Every member function runs on the connection's strand, except the
// handler call, which runs on the worker pool with its own copy of the request.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Core& server, tcp::socket socket)
      : server_(server), stream_(std::move(socket)), grace_timer_(stream_.get_executor()) {
    beast::error_code ec;
    const tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      peer_ = Unmapped(remote.address());
      remote_addr_ = peer_.to_string();
    }
    stream_.socket().set_option(tcp::no_delay(true), ec);
    // Beast reads as much as the buffer's capacity allows: without this, 512 bytes a call.
    buffer_.reserve(kReadChunk);
  }
  ~Session() { server_.Unregister(this); }

  auto Executor() { return stream_.get_executor(); }

  // Since when (steady clock, ns) the connection waits for a request with nothing of its
  // header parsed; 0 while it is busy. Read by Core from any thread.
  int64_t idle_since() const { return idle_since_.load(); }
  // Takes the session off the list of those waiting, for Core to close it; false when it
  // has stopped waiting (or was taken) since `since` was read.
  bool ClaimIdle(int64_t since) { return idle_since_.compare_exchange_strong(since, 0); }

  // Core needs the room: close, unless a request has started to arrive in the meantime
  // (one that has been arriving for longer than a first request may take is closed too).
  void Evict(int64_t since) {
    if (state_ != State::kReading || (parser_ && parser_->is_header_done())) return;
    const auto waited = std::chrono::nanoseconds(SteadyNanos() - since);
    const auto patience =
        std::chrono::seconds(std::max(1, server_.options().header_timeout_seconds));
    if (IsIdle() || waited > patience) Close();
  }

  void Start() {
    server_.Register(this, weak_from_this());
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->DoRead(); });
  }

  // The server is stopping: a connection waiting for its next request closes now; any
  // other finishes its request first (Reply sees stopping() and closes afterwards).
  void OnStop() {
    if (state_ != State::kReading) return;
    if (IsIdle()) {
      Close();
      return;
    }
    // A request is arriving: it gets a short grace period, not the whole idle timeout.
    grace_timer_.expires_after(kStopGrace);
    grace_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec && self->state_ == State::kReading) self->Close();
    });
  }

 private:
  enum class State { kReading, kHandling, kWriting, kClosing, kClosed };

  // Idle: nothing of a next request has arrived — neither parsed, nor buffered, nor
  // waiting in the socket (bytes the kernel holds are a request already sent to us).
  bool IsIdle() {
    if (buffer_.size() != 0 || (parser_ && parser_->got_some())) return false;
    beast::error_code ec;
    return stream_.socket().available(ec) == 0 || ec;
  }

  void DoRead() {
    state_ = State::kReading;
    if (server_.stopping() && IsIdle()) {
      Close();
      return;
    }
    ResetRequest();
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(server_.options().body_limit);
    server_.ExpireIdle(stream_, requests_ == 0);
    idle_since_ = SteadyNanos();
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void ResetRequest() {
    method_ = "-";
    raw_path_ = "-";
    request_id_.clear();
    client_addr_.clear();
    head_ = false;
    keep_alive_ = false;
    version_ = 11;
    start_ = {};
  }

  void OnHeader(beast::error_code ec) {
    idle_since_ = 0;
    ++requests_;
    if (ec) {
      OnReadError(ec);
      return;
    }
    NoteHeader();
    const auto& req = parser_->get();
    if (parser_->is_done()) {
      OnRequest();
      return;
    }
    const bool expect_continue =
        version_ >= 11 && beast::iequals(req[bhttp::field::expect], "100-continue");
    if (!expect_continue) {
      ReadBody();
      return;
    }
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.expires_after(kWriteTimeout);
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) {
                          self->Close();
                          return;
                        }
                        self->ReadBody();
                      });
  }

  // What the access log and the answer need from the request line and header.
  void NoteHeader() {
    start_ = std::chrono::steady_clock::now();
    const auto& req = parser_->get();
    version_ = req.version();
    keep_alive_ = req.keep_alive();
    method_ = std::string(req.method_string());
    if (method_.size() > kLoggedMethod) method_ = method_.substr(0, kLoggedMethod) + "...";
    const std::string_view target = View(req.target());
    raw_path_ = std::string(target.substr(0, target.find('?')));
    const std::string_view client_id = View(req["x-request-id"]);
    request_id_ = IsSaneRequestId(client_id) ? std::string(client_id) : NewRequestId();
  }

  void ReadBody() {
    server_.ExpireIdle(stream_);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) {
                          self->OnReadError(ec);
                          return;
                        }
                        self->OnRequest();
                      });
  }

  // What is known of the request so far (the header fields parsed before an error), for
  // the language of an error answer.
  Request HeaderOnly() const {
    Request request;
    if (parser_) {
      for (const auto& field : parser_->get()) {
        request.headers.emplace_back(Lowercase(View(field.name_string())),
                                     std::string(field.value()));
      }
    }
    request.request_id = request_id_;
    request.remote_addr = remote_addr_;
    return request;
  }

  // The server's own error answer, in the caller's language when the server knows how.
  Response ServerError(int status, std::string_view code, const std::string& english) const {
    const auto& localize = server_.options().localize;
    return ErrorResponse(status, code, localize ? localize(HeaderOnly(), english) : english);
  }

  void OnReadError(beast::error_code ec) {
    // The client went away, timed out, or the server closed an idle connection.
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
        ec.category() != bhttp::make_error_code(bhttp::error::bad_target).category()) {
      Close();
      return;
    }
    // Beast checks Content-Length against the limit before it calls the header done.
    if (ec == bhttp::error::body_limit && request_id_.empty()) NoteHeader();
    if (request_id_.empty()) request_id_ = NewRequestId();
    if (start_ == std::chrono::steady_clock::time_point()) {
      start_ = std::chrono::steady_clock::now();
    }
    keep_alive_ = false;
    if (ec == bhttp::error::body_limit) {
      Reply(ServerError(
          413, "payload_too_large",
          "request body exceeds " + std::to_string(server_.options().body_limit) + " bytes"));
    } else if (ec == bhttp::error::header_limit) {
      Reply(
          ServerError(431, "header_too_large",
                      "request header section exceeds " + std::to_string(kHeaderLimit) + " bytes"));
    } else {
      Reply(ServerError(400, "bad_request", "malformed request: " + ec.message()));
    }
  }

  void OnRequest() {
    auto& req = parser_->get();
    if (req.method() == bhttp::verb::unknown) {
      Reply(ServerError(400, "bad_request", "unknown method"));
      return;
    }
    Request request;
    request.method = std::string(req.method_string());
    if (request.method == "HEAD") {
      // Answered like GET, without the body.
      head_ = true;
      request.method = "GET";
    }
    if (!ParseTarget(View(req.target()), &request)) {
      Reply(ServerError(400, "bad_request", "malformed request target"));
      return;
    }
    request.headers.reserve(static_cast<size_t>(std::distance(req.begin(), req.end())));
    for (const auto& field : req) {
      request.headers.emplace_back(Lowercase(View(field.name_string())),
                                   std::string(field.value()));
    }
    request.body = std::move(req.body());
    request.request_id = request_id_;
    request.remote_addr = remote_addr_;
    request.client_addr = ClientAddress(peer_, remote_addr_, request, server_.trusted_proxies());
    if (server_.trusted_proxies().empty() && !request.Header("x-forwarded-for").empty()) {
      server_.NoteUntrustedForwarding(remote_addr_);
    }
    client_addr_ = request.client_addr;
    parser_.reset();

    state_ = State::kHandling;
    // The work guard keeps the io_context running while the handler is busy.
    asio::post(server_.workers(), [self = shared_from_this(), request = std::move(request),
                                   work = asio::make_work_guard(server_.ioc())]() mutable {
      Response response = self->CallHandler(request);
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->Reply(std::move(response));
      });
    });
  }

  // Runs on a worker thread.
  Response CallHandler(const Request& request) const {
    try {
      return server_.handler()(request);
    } catch (const std::exception& e) {
      spdlog::error("request {} {} {} failed: {}", request.request_id, request.method, raw_path_,
                    e.what());
    } catch (...) {
      spdlog::error("request {} {} {} failed: unknown exception", request.request_id,
                    request.method, raw_path_);
    }
    return ErrorResponse(500, "internal", "internal error, request id " + request.request_id);
  }

  void Reply(Response response) {
    auto res = std::make_unique<bhttp::response<bhttp::string_body>>();
    res->version(version_ == 10 ? 10 : 11);
    int status = response.status;
    if (status < 200 || status > 599) {
      spdlog::error("request {}: handler answered with invalid status {}", request_id_, status);
      response = ErrorResponse(500, "internal", "internal error, request id " + request_id_);
      status = 500;
    }
    res->result(static_cast<unsigned>(status));
    res->set(bhttp::field::server, "ordo");
    res->set("X-Request-Id", request_id_);
    res->set("X-Content-Type-Options", "nosniff");
    const bool no_body = status == 204 || status == 304;
    if (!response.content_type.empty() && !no_body) {
      res->set(bhttp::field::content_type, response.content_type);
    }
    for (auto& [name, value] : response.headers) {
      if (beast::iequals(name, "set-cookie")) {
        res->insert(name, value);
      } else {
        res->set(name, value);
      }
    }
    bytes_ = no_body ? 0 : response.body.size();
    keep_alive_ = keep_alive_ && !server_.stopping();
    res->keep_alive(keep_alive_);
    if (!no_body) {
      res->body() = std::move(response.body);
      res->prepare_payload();
      if (head_) res->body().clear();  // Content-Length still tells the GET size.
    }
    status_ = status;
    response_ = std::move(res);
    state_ = State::kWriting;
    stream_.expires_after(kWriteTimeout);
    bhttp::async_write(
        stream_, *response_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnWrite(ec); });
  }

  void OnWrite(beast::error_code ec) {
    LogAccess();
    response_.reset();
    if (ec) {
      Close();
      return;
    }
    if (!keep_alive_) {
      LingeringClose();
      return;
    }
    DoRead();
  }

  void LogAccess() const {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
            .count();
    const std::string& client = client_addr_.empty() ? remote_addr_ : client_addr_;
    if (client == remote_addr_) {
      spdlog::info("{} {} {} {}B {:.1f}ms id={} from={}", method_, raw_path_, status_, bytes_, ms,
                   request_id_, client.empty() ? "-" : client);
    } else {
      spdlog::info("{} {} {} {}B {:.1f}ms id={} from={} via={}", method_, raw_path_, status_,
                   bytes_, ms, request_id_, client, remote_addr_);
    }
  }

  void LingeringClose() {
    state_ = State::kClosing;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) {
      Close();
      return;
    }
    lingered_ = 0;
    stream_.expires_after(kLingerTime);
    Drain();
  }

  void Drain() {
    // Read into the buffer's spare capacity and never commit: the bytes are dropped.
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->lingered_ += n;
                              if (ec || self->lingered_ > kLingerBytes) {
                                self->Close();
                                return;
                              }
                              self->Drain();
                            });
  }

  void Close() {
    idle_since_ = 0;
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
    grace_timer_.cancel();
  }

  Core& server_;
  beast::tcp_stream stream_;
  asio::steady_timer grace_timer_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::unique_ptr<bhttp::response<bhttp::string_body>> response_;
  asio::ip::address peer_;
  std::string remote_addr_;
  State state_ = State::kReading;
  size_t lingered_ = 0;
  int requests_ = 0;  // request headers read on this connection
  std::atomic<int64_t> idle_since_{0};

  // The request being served, for the answer and the access log.
  std::string method_ = "-";
  std::string raw_path_ = "-";  // still percent-encoded: safe to log
  std::string request_id_;
  std::string client_addr_;
  bool head_ = false;
  bool keep_alive_ = false;
  unsigned version_ = 11;
  int status_ = 0;
  size_t bytes_ = 0;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

class Server::Impl : public Core {
 public:
  using Core::Core;
};

Status Core::Start() {
  std::string error;
  if (!trusted_.Parse(options_.trusted_proxies, &error)) {
    return Status(Code::kValidationFailed, "trusted proxies: " + error);
  }
  listen_name_ = options_.host + ":" + std::to_string(options_.port);
  const auto fail = [this](const beast::error_code& ec) {
    beast::error_code ignored;
    acceptor_.close(ignored);
    return Status(Code::kUnavailable, "cannot listen on " + listen_name_ + ": " + ec.message());
  };
  beast::error_code ec;
  tcp::resolver resolver(ioc_);
  const auto results =
      resolver.resolve(options_.host, std::to_string(options_.port),
                       tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec) return fail(ec);
  if (results.empty()) return fail(asio::error::host_not_found);
  const tcp::endpoint endpoint = results.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return fail(ec);
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail(ec);
  acceptor_.bind(endpoint, ec);
  if (ec) return fail(ec);
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail(ec);
  port_ = acceptor_.local_endpoint(ec).port();
  if (ec) return fail(ec);
  return Status::Ok();
}

void Core::Run() {
  if (!acceptor_.is_open()) return;  // Start() was not called or failed.
  signals_.emplace(ioc_, SIGTERM, SIGINT);
  signals_->async_wait([this](beast::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: stopping", signal);
    Stop();
  });
  work_.emplace(asio::make_work_guard(ioc_));
  DoAccept();

  std::vector<std::thread> threads;
  const int n = std::max(1, options_.io_threads);
  threads.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) threads.emplace_back([this] { ioc_.run(); });
  for (auto& t : threads) t.join();
  // Every handler held a work guard on ioc_, so the pool is idle by now.
  workers_.join();
  signals_.reset();
}

void Core::Stop() {
  if (stopping_.exchange(true)) return;
  asio::post(ioc_, [this] { DoStop(); });
}

void Core::DoStop() {
  beast::error_code ec;
  acceptor_.close(ec);
  accept_timer_.cancel();
  if (signals_) signals_->cancel(ec);
  work_.reset();
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mu_);
    for (auto& [ptr, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& session : live) {
    asio::dispatch(session->Executor(), [session] { session->OnStop(); });
  }
}

void Core::DoAccept() {
  if (stopping()) return;
  acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    OnAccept(ec, std::move(socket));
  });
}

void Core::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (stopping()) {
    beast::error_code ignored;
    socket.close(ignored);
    return;
  }
  if (ec) {
    // Out of descriptors and the like: back off a little instead of spinning.
    spdlog::warn("accept on {} failed: {}", listen_name_, ec.message());
    accept_timer_.expires_after(std::chrono::milliseconds(50));
    accept_timer_.async_wait([this](beast::error_code timer_ec) {
      if (!timer_ec) DoAccept();
    });
    return;
  }
  auto session = std::make_shared<Session>(*this, std::move(socket));
  session->Start();
  if (MakeRoom(session.get())) DoAccept();
}

bool Core::MakeRoom(Session* admitted) {
  std::shared_ptr<Session> victim;
  int64_t victim_since = 0;
  bool reached = false;
  bool room = true;
  {
    std::lock_guard lock(mu_);
    if (sessions_.size() <= max_connections_) return true;
    reached = !at_cap_;
    at_cap_ = true;
    // The longest wait, claimed so that the next accept picks another.
    for (int attempt = 0; attempt < 3 && !victim; ++attempt) {
      Session* oldest = nullptr;
      int64_t since = 0;
      for (const auto& [ptr, weak] : sessions_) {
        const int64_t s = ptr->idle_since();
        if (ptr != admitted && s != 0 && (oldest == nullptr || s < since)) {
          oldest = ptr;
          since = s;
        }
      }
      if (oldest == nullptr) break;
      if (!oldest->ClaimIdle(since)) continue;
      victim = sessions_[oldest].lock();
      victim_since = since;
      if (!victim) break;  // it is being destroyed: that makes the room
    }
    if (!victim && victim_since == 0) {
      accept_paused_ = true;
      room = false;
    }
  }
  if (reached) {
    spdlog::warn(
        "connections: at the cap of {} (ORDO_MAX_CONNECTIONS); from now on the connection "
        "that has waited longest for a request is closed to admit each new one",
        max_connections_);
  }
  if (victim) {
    asio::dispatch(victim->Executor(), [victim, victim_since] { victim->Evict(victim_since); });
  }
  return room;
}

void Core::Register(Session* session, std::weak_ptr<Session> weak) {
  std::lock_guard lock(mu_);
  sessions_.emplace(session, std::move(weak));
}

void Core::Unregister(Session* session) {
  bool resume = false;
  bool below = false;
  size_t open = 0;
  {
    std::lock_guard lock(mu_);
    sessions_.erase(session);
    open = sessions_.size();
    if (accept_paused_ && open < max_connections_) {
      accept_paused_ = false;
      resume = true;
    }
    if (at_cap_ && open < max_connections_ - max_connections_ / 10) {
      at_cap_ = false;
      below = true;
    }
  }
  // While stopping (and while the server is destroyed) nothing is accepted any more.
  if (stopping()) return;
  if (below) spdlog::info("{} connections open: below the cap of {} again", open, max_connections_);
  if (resume) asio::post(ioc_, [this] { DoAccept(); });
}

void Core::NoteUntrustedForwarding(const std::string& peer) {
  if (untrusted_forwarding_logged_.exchange(true)) return;
  spdlog::warn(
      "X-Forwarded-For from {} ignored: no trusted proxies are configured "
      "(ORDO_TRUSTED_PROXIES); every client behind that proxy counts as {}",
      peer, peer);
}

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}
Server::~Server() = default;
Status Server::Start() { return impl_->Start(); }
uint16_t Server::port() const { return impl_->port(); }
void Server::Run() { impl_->Run(); }
void Server::Stop() { impl_->Stop(); }

std::string Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

std::string Request::Query(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return "";
}

bool Request::HasQuery(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return true;
  }
  return false;
}

std::string ErrorBody(std::string_view code, std::string_view message) {
  std::string out = R"({"error":{"code":)";
  AppendJsonString(&out, code);
  out += R"(,"message":)";
  AppendJsonString(&out, message);
  out += R"(,"details":{}}})";
  return out;
}

}  // namespace ordo::http
