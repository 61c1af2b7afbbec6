// ordo_bench_load: the order-intake load generator. N keep-alive connections, each a
// closed loop: send POST /api/v1/orders {"submit": true, ...}, wait for the answer,
// send the next. After a warm-up, every answer that arrives within the measured window
// is counted and its latency (request written → answer read) goes into a histogram.
//
//   ordo_bench_load --server 127.0.0.1:8080[,127.0.0.1:8081...] --catalog catalog.json
//                   [--connections 64] [--lines 5] [--warmup 5] [--duration 30]
//                   [--requests N --warmup-requests M]   (count mode instead of time)
//                   [--threads 1] [--name intake] [--out results.jsonl]
//
// Requests are rendered before the run (a pool of distinct orders), so the generator
// spends its CPU on sockets and parsing answers, not on building JSON. With several
// servers (several `ordo serve` on one database) connection i goes to server i mod n,
// and one histogram covers them all.

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "bench_util.h"
#include "http_client.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using namespace ordo::bench;
using nlohmann::json;

namespace {

enum class Phase { kWarmup, kMeasure, kDone };

struct Shared {
  std::atomic<Phase> phase{Phase::kWarmup};
  std::atomic<int64_t> started_requests{0};  // count mode: requests handed out
  int64_t warmup_requests = 0;
  int64_t total_requests = 0;  // 0: time mode
  std::vector<std::string> pool;
  std::mutex mu;
  Histogram hist;                    // guarded by mu (merged at the end)
  std::map<int, int64_t> statuses;   // guarded by mu
  std::vector<std::string> samples;  // first few error bodies
  std::atomic<int> live{0};
};

class Conn : public std::enable_shared_from_this<Conn> {
 public:
  Conn(asio::io_context& ioc, Shared& shared, size_t index)
      : socket_(ioc), shared_(shared), next_(index) {}

  void Start(const tcp::resolver::results_type& endpoints) {
    asio::connect(socket_, endpoints);
    socket_.set_option(tcp::no_delay(true));
    ++shared_.live;
    Send();
  }

  ~Conn() {
    std::lock_guard lock(shared_.mu);
    shared_.hist.Merge(hist_);
    for (auto [s, n] : statuses_) shared_.statuses[s] += n;
  }

 private:
  void Send() {
    bool measured = false;
    if (shared_.total_requests > 0) {
      const int64_t n = shared_.started_requests.fetch_add(1);
      if (n >= shared_.warmup_requests + shared_.total_requests) return Finish();
      measured = n >= shared_.warmup_requests;
    } else {
      const Phase p = shared_.phase.load();
      if (p == Phase::kDone) return Finish();
      measured = p == Phase::kMeasure;
    }
    measured_ = measured;
    const std::string& req = shared_.pool[next_ % shared_.pool.size()];
    next_ += 7919;  // a prime stride: connections walk the pool in different orders
    start_ = NowMicros();
    asio::async_write(socket_, asio::buffer(req),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->Fail(ec);
                        self->Read();
                      });
  }

  void Read() {
    parser_.emplace();
    parser_->body_limit(std::uint64_t{64} << 20);
    bhttp::async_read(socket_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->Fail(ec);
                        self->OnAnswer();
                      });
  }

  void OnAnswer() {
    const int64_t micros = NowMicros() - start_;
    const int status = static_cast<int>(parser_->get().result_int());
    // Time mode: an answer counts when it arrives inside the window.
    const bool counted =
        shared_.total_requests > 0 ? measured_ : shared_.phase.load() == Phase::kMeasure;
    if (counted) {
      ++statuses_[status];
      if (status == 201) {
        hist_.Record(micros);
      } else {
        std::lock_guard lock(shared_.mu);
        if (shared_.samples.size() < 5) shared_.samples.push_back(parser_->get().body());
      }
    }
    if (!parser_->get().keep_alive()) {
      Fail(beast::error_code(asio::error::connection_reset));
      return;
    }
    Send();
  }

  void Fail(beast::error_code ec) {
    {
      std::lock_guard lock(shared_.mu);
      if (shared_.samples.size() < 5) shared_.samples.push_back("transport: " + ec.message());
    }
    ++statuses_[0];
    Finish();
  }

  void Finish() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    --shared_.live;
  }

  tcp::socket socket_;
  Shared& shared_;
  size_t next_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
  int64_t start_ = 0;
  bool measured_ = false;
  Histogram hist_;
  std::map<int, int64_t> statuses_;
};

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  SetCommandLine(argc, argv);
  Flags flags(argc, argv);
  flags.Check({"server", "catalog", "connections", "lines", "warmup", "duration", "requests",
               "warmup-requests", "threads", "name", "out", "pool"},
              "ordo_bench_load --server HOST:PORT --catalog FILE [--connections 64] ...");
  const std::string server = flags.Str("server", "127.0.0.1:8080");
  const Catalog cat = Catalog::FromJson(json::parse(ReadFileOrDie(flags.Str("catalog"))));
  const int connections = static_cast<int>(flags.Int("connections", 64));
  const int lines = static_cast<int>(flags.Int("lines", 5));
  const double warmup = flags.Double("warmup", 5);
  const double duration = flags.Double("duration", 30);
  const int threads = static_cast<int>(flags.Int("threads", 1));
  const std::string name = flags.Str("name", "intake");

  Shared shared;
  shared.total_requests = flags.Int("requests", 0);
  shared.warmup_requests = flags.Int("warmup-requests", 0);
  std::vector<std::string> servers;
  for (size_t at = 0; at <= server.size();) {
    const size_t comma = std::min(server.find(',', at), server.size());
    servers.push_back(server.substr(at, comma - at));
    at = comma + 1;
  }
  std::string host, port;
  SplitServer(servers[0], &host, &port);
  {
    OrderGenerator gen(cat, lines, 42);
    const int pool = static_cast<int>(flags.Int("pool", lines > 100 ? 16 : 8192));
    for (int i = 0; i < pool; ++i) {
      const std::string body = OrderGenerator::ToJson(gen.Next());
      shared.pool.push_back("POST /api/v1/orders HTTP/1.1\r\nHost: " + host +
                            "\r\nAuthorization: Bearer " + cat.token +
                            "\r\nContent-Type: application/json\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\n\r\n" + body);
    }
  }

  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  std::vector<tcp::resolver::results_type> endpoints;
  for (const auto& sv : servers) {
    std::string h, p;
    SplitServer(sv, &h, &p);
    endpoints.push_back(resolver.resolve(h, p));
  }
  for (int i = 0; i < connections; ++i) {
    std::make_shared<Conn>(ioc, shared, static_cast<size_t>(i) * 131)
        ->Start(endpoints[static_cast<size_t>(i) % endpoints.size()]);
  }

  // Time mode: warm-up, then the measured window, then stop handing out requests.
  asio::steady_timer timer(ioc);
  int64_t window_start = 0;
  int64_t window_end = 0;
  double cpu_start = 0;
  if (shared.total_requests == 0) {
    timer.expires_after(std::chrono::microseconds(static_cast<int64_t>(warmup * 1e6)));
    timer.async_wait([&](beast::error_code) {
      shared.phase = Phase::kMeasure;
      window_start = NowMicros();
      cpu_start = CpuSeconds();
      timer.expires_after(std::chrono::microseconds(static_cast<int64_t>(duration * 1e6)));
      timer.async_wait([&](beast::error_code) {
        shared.phase = Phase::kDone;
        window_end = NowMicros();
      });
    });
  } else {
    window_start = NowMicros();
  }
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  if (shared.total_requests > 0) window_end = NowMicros();
  const double cpu = CpuSeconds() - cpu_start;

  const double seconds = (window_end - window_start) / 1e6;
  int64_t ok = 0;
  int64_t failed = 0;
  json statuses = json::object();
  for (auto [s, n] : shared.statuses) {
    statuses[std::to_string(s)] = n;
    (s == 201 ? ok : failed) += n;
  }
  for (const auto& s : shared.samples) std::fprintf(stderr, "error sample: %.300s\n", s.c_str());
  Emit(flags.Str("out"), name,
       {{"servers", servers.size()},
        {"connections", connections},
        {"lines", lines},
        {"seconds", seconds},
        {"orders", ok},
        {"failed", failed},
        {"statuses", statuses},
        {"orders_per_s", seconds > 0 ? ok / seconds : 0.0},
        {"client_cpu_s", cpu},
        {"latency", shared.hist.Summary()}});
  return failed > 0 ? 1 : 0;
}
