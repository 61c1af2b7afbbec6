// The only translation unit of src/ that includes Beast: keep it that way, Beast is
// slow to compile.
//
// Threads: `io_threads` run the io_context (accept, read, write); every connection is a
// Session whose handlers run on its own strand. A complete request is posted to the
// worker pool, where the Handler may block; its Response is posted back to the strand
// and written there.
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

class Session;

// Everything the server shares with its sessions; Server::Impl is this.
class Core {
 public:
  Core(ServerOptions options, Handler handler)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        ioc_(std::max(1, options_.io_threads)),
        acceptor_(ioc_),
        accept_timer_(ioc_),
        workers_(static_cast<size_t>(std::max(1, options_.worker_threads))) {}

  // Arms the stream's timer for the next read; idle_timeout_seconds <= 0 means none.
  void ExpireIdle(beast::tcp_stream& stream) const {
    if (options_.idle_timeout_seconds > 0) {
      stream.expires_after(std::chrono::seconds(options_.idle_timeout_seconds));
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
  void Register(Session* session, std::weak_ptr<Session> weak);
  void Unregister(Session* session);

 private:
  void DoAccept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void DoStop();

  // Sessions unregister in their destructors, which may run while ioc_ and workers_
  // are destroyed: these two are declared first so that they are destroyed last.
  std::mutex mu_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;  // guarded by mu_

  const ServerOptions options_;
  const Handler handler_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  asio::steady_timer accept_timer_;
  asio::thread_pool workers_;
  std::optional<asio::signal_set> signals_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::atomic<bool> stopping_{false};
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
    if (!ec) remote_addr_ = remote.address().to_string();
    stream_.socket().set_option(tcp::no_delay(true), ec);
    // Beast reads as much as the buffer's capacity allows: without this, 512 bytes a call.
    buffer_.reserve(kReadChunk);
  }
  ~Session() { server_.Unregister(this); }

  auto Executor() { return stream_.get_executor(); }

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
    server_.ExpireIdle(stream_);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void ResetRequest() {
    method_ = "-";
    raw_path_ = "-";
    request_id_.clear();
    head_ = false;
    keep_alive_ = false;
    version_ = 11;
    start_ = {};
  }

  void OnHeader(beast::error_code ec) {
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
      Reply(ErrorResponse(
          413, "payload_too_large",
          "request body exceeds " + std::to_string(server_.options().body_limit) + " bytes"));
    } else if (ec == bhttp::error::header_limit) {
      Reply(ErrorResponse(
          431, "header_too_large",
          "request header section exceeds " + std::to_string(kHeaderLimit) + " bytes"));
    } else {
      Reply(ErrorResponse(400, "bad_request", "malformed request: " + ec.message()));
    }
  }

  void OnRequest() {
    auto& req = parser_->get();
    Request request;
    request.method = method_;
    if (request.method == "HEAD") {
      // Answered like GET, without the body.
      head_ = true;
      request.method = "GET";
    }
    if (!ParseTarget(View(req.target()), &request)) {
      Reply(ErrorResponse(400, "bad_request", "malformed request target"));
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
    spdlog::info("{} {} {} {}B {:.1f}ms id={} from={}", method_, raw_path_, status_, bytes_, ms,
                 request_id_, remote_addr_.empty() ? "-" : remote_addr_);
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
  std::string remote_addr_;
  State state_ = State::kReading;
  size_t lingered_ = 0;

  // The request being served, for the answer and the access log.
  std::string method_ = "-";
  std::string raw_path_ = "-";  // still percent-encoded: safe to log
  std::string request_id_;
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
  std::make_shared<Session>(*this, std::move(socket))->Start();
  DoAccept();
}

void Core::Register(Session* session, std::weak_ptr<Session> weak) {
  std::lock_guard lock(mu_);
  sessions_.emplace(session, std::move(weak));
}

void Core::Unregister(Session* session) {
  std::lock_guard lock(mu_);
  sessions_.erase(session);
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
