// ordo: serve | demo | backup | restore | routes
#include <malloc.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "app/demo.h"
#include "http/api.h"
#include "http/i18n.h"
#include "http/server.h"
#include "service/services.h"
#include "storage/store.h"

namespace {

using namespace ordo;

std::string Env(const char* name, std::string fallback = "") {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

struct Config {
  std::string db;
  std::string listen;
  std::string data_dir;
  std::string web_dir;
  std::string timezone;
  std::string fake_now;         // ORDO_FAKE_NOW: start the clock at this RFC 3339 time (tests)
  std::string trusted_proxies;  // ORDO_TRUSTED_PROXIES: whose X-Forwarded-For to believe
  std::string max_connections;  // ORDO_MAX_CONNECTIONS: empty for the default
};

int Fail(const std::string& what, const Status& st) {
  std::fprintf(stderr, "ordo: %s: %s\n", what.c_str(), st.message().c_str());
  return 1;
}

// The console's built files: ORDO_WEB_DIR, else web/dist beside the binary's source tree
// or the working directory.
std::string FindWebDir(const std::string& configured, const char* argv0) {
  namespace fs = std::filesystem;
  if (!configured.empty()) return configured;
  std::error_code ec;
  const fs::path exe = fs::canonical("/proc/self/exe", ec);
  for (const fs::path& candidate :
       {exe.parent_path().parent_path() / "web" / "dist", fs::current_path() / "web" / "dist"}) {
    if (fs::exists(candidate / "index.html", ec)) return candidate.string();
  }
  return "";
}

struct Opened {
  std::unique_ptr<storage::Store> store;
  TimeZone tz;
};

Result<Opened> Open(const Config& cfg) {
  Opened out;
  ASSIGN_OR_RETURN(out.tz, ParseTimeZone(cfg.timezone));
  std::string url = cfg.db;
  if (url.empty()) url = "sqlite:" + cfg.data_dir + "/ordo.db";
  ASSIGN_OR_RETURN(out.store, storage::OpenStore(url));
  return out;
}

Result<Millis> ClockShift(const Config& cfg) {
  if (cfg.fake_now.empty()) return Millis{0};
  ASSIGN_OR_RETURN(Millis at, ParseInstant(cfg.fake_now));
  return at - SystemClock().Now();
}

// Connections are file descriptors: take every one the kernel allows this process (the
// soft limit is often 1,024 while the hard limit is far higher). Returns the limit in
// force afterwards.
uint64_t RaiseOpenFilesLimit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  const rlim_t before = lim.rlim_cur;
  if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < lim.rlim_max) {
    rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      lim = raised;
      spdlog::info("open files limit raised from {} to {}", before, lim.rlim_cur);
    } else {
      spdlog::warn("cannot raise the open files limit from {} to {}", before, lim.rlim_max);
    }
  }
  return lim.rlim_cur == RLIM_INFINITY ? UINT64_MAX : static_cast<uint64_t>(lim.rlim_cur);
}

// Descriptors kept for everything but client connections (database files, the
// PostgreSQL pool, logs): the default connection cap leaves these free.
constexpr uint64_t kReservedFiles = 128;
constexpr int kDefaultMaxConnections = 10000;

// ORDO_MAX_CONNECTIONS, or the default: 10,000, fewer when the open files limit is lower.
Result<int> MaxConnections(const Config& cfg, uint64_t open_files) {
  const uint64_t room = open_files > kReservedFiles + 16 ? open_files - kReservedFiles : 16;
  if (cfg.max_connections.empty()) {
    return static_cast<int>(std::min<uint64_t>(kDefaultMaxConnections, room));
  }
  int n = 0;
  try {
    size_t used = 0;
    n = std::stoi(cfg.max_connections, &used);
    if (used != cfg.max_connections.size() || n < 1) throw std::out_of_range("n");
  } catch (const std::exception&) {
    return Status(Code::kValidationFailed, "ORDO_MAX_CONNECTIONS must be a positive integer");
  }
  if (static_cast<uint64_t>(n) > room) {
    spdlog::warn(
        "ORDO_MAX_CONNECTIONS={} is more than the open files limit ({}) leaves room for; "
        "accepting may fail before the cap is reached",
        n, open_files);
  }
  return n;
}

// Log lines are dated like the API's times: in the business time zone, with its offset
// (2026-11-22T10:15:30.123+08:00). The wall clock: ORDO_FAKE_NOW does not move them.
class ZonedTime final : public spdlog::custom_flag_formatter {
 public:
  explicit ZonedTime(int offset_minutes) : offset_minutes_(offset_minutes) {}
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch());
    const std::string text = FormatInstant(ms.count(), offset_minutes_);
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<ZonedTime>(offset_minutes_);
  }

 private:
  int offset_minutes_;
};

void SetUpLogging(const std::string& timezone) {
  auto tz = ParseTimeZone(timezone);  // a bad zone is reported when the database opens
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<ZonedTime>('*', tz.ok() ? tz->offset_minutes : 0).set_pattern("%* %^%l%$ %v");
  spdlog::set_formatter(std::move(formatter));
  spdlog::set_level(spdlog::level::from_str(Env("ORDO_LOG_LEVEL", "info")));
}

int Serve(const Config& cfg, const char* argv0) {
  auto opened = Open(cfg);
  if (!opened.ok()) return Fail("cannot open the database", opened.status());
  auto shift = ClockShift(cfg);
  if (!shift.ok()) return Fail("bad ORDO_FAKE_NOW", shift.status());
  SystemClock clock(*shift);
  service::Deps deps;
  deps.store = opened->store.get();
  deps.clock = &clock;
  deps.tz = opened->tz;
  service::Services services(deps);
  auto admin = services.auth.EnsureAdmin(Env("ORDO_ADMIN_PASSWORD"));
  if (!admin.ok()) return Fail("cannot create the admin user", admin.status());
  if (!admin->empty()) {
    std::printf(
        "ordo: created user admin with password %s (shown once; set "
        "ORDO_ADMIN_PASSWORD to choose it)\n",
        admin->c_str());
  }

  http::ServerOptions so;
  const uint64_t open_files = RaiseOpenFilesLimit();
  auto max_connections = MaxConnections(cfg, open_files);
  if (!max_connections.ok()) return Fail("bad ORDO_MAX_CONNECTIONS", max_connections.status());
  so.max_connections = *max_connections;
  so.trusted_proxies = cfg.trusted_proxies;
  so.localize = [](const http::Request& req, std::string_view english) {
    return http::Translate(english, http::LangOf(req));
  };
  const auto colon = cfg.listen.rfind(':');
  if (colon == std::string::npos) {
    return Fail("bad --listen", Status(Code::kValidationFailed, "expected HOST:PORT"));
  }
  so.host = cfg.listen.substr(0, colon);
  try {
    const int port = std::stoi(cfg.listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    so.port = static_cast<uint16_t>(port);
  } catch (const std::exception&) {
    return Fail("bad --listen", Status(Code::kValidationFailed, "port must be 0-65535"));
  }
  http::Api api(services, {FindWebDir(cfg.web_dir, argv0)});
  http::Server server(so, [&api](const http::Request& req) { return api.Handle(req); });
  Status st = server.Start();
  if (st.code() == Code::kValidationFailed) return Fail("bad ORDO_TRUSTED_PROXIES", st);
  if (!st.ok()) return Fail("cannot start the server", st);
  std::printf("ordo: listening on %s:%u\n", so.host.c_str(), server.port());
  std::fflush(stdout);
  spdlog::info("serving {} database, time zone {}, at most {} connections", opened->store->Kind(),
               api.services().deps.tz.name, so.max_connections);
  server.Run();
  spdlog::info("stopped");
  return 0;
}

int Demo(const Config& cfg) {
  auto opened = Open(cfg);
  if (!opened.ok()) return Fail("cannot open the database", opened.status());
  app::ManualClock clock(SystemClock().Now());
  service::Deps deps;
  deps.store = opened->store.get();
  deps.clock = &clock;
  deps.tz = opened->tz;
  service::Services services(deps);
  auto admin = services.auth.EnsureAdmin(Env("ORDO_ADMIN_PASSWORD"));
  if (!admin.ok()) return Fail("cannot create the admin user", admin.status());
  if (!admin->empty()) {
    std::printf("ordo: created user admin with password %s (shown once)\n", admin->c_str());
  }
  app::DemoOptions options;
  Status st = app::LoadDemo(services, clock, options);
  if (!st.ok()) return Fail("cannot load the demo data", st);
  std::printf("ordo: demo data loaded; demo users' password is %s\n",
              options.user_password.c_str());
  return 0;
}

int Backup(const Config& cfg, const std::string& to) {
  auto opened = Open(cfg);
  if (!opened.ok()) return Fail("cannot open the database", opened.status());
  Status st = opened->store->Backup(to);
  if (!st.ok()) return Fail("backup failed", st);
  std::printf("ordo: backup written to %s\n", to.c_str());
  return 0;
}

int Restore(const Config& cfg, const std::string& from) {
  namespace fs = std::filesystem;
  std::string url = cfg.db.empty() ? "sqlite:" + cfg.data_dir + "/ordo.db" : cfg.db;
  if (url.rfind("sqlite:", 0) != 0) {
    return Fail("restore", Status(Code::kValidationFailed,
                                  "restore copies SQLite files; for PostgreSQL use pg_restore"));
  }
  const fs::path target = url.substr(7);
  std::error_code ec;
  if (!fs::exists(from, ec)) return Fail("restore", Status::NotFound("no such backup file"));
  {
    // Check that the backup opens as an Ordo database before replacing anything.
    auto probe = storage::OpenStore("sqlite:" + from);
    if (!probe.ok()) return Fail("restore: the backup does not open", probe.status());
  }
  fs::create_directories(target.parent_path(), ec);
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(target.string() + suffix, ec);
  const fs::path tmp = target.string() + ".restoring";
  fs::copy_file(from, tmp, fs::copy_options::overwrite_existing, ec);
  if (ec) return Fail("restore", Status::Internal(ec.message()));
  fs::rename(tmp, target, ec);
  if (ec) return Fail("restore", Status::Internal(ec.message()));
  std::printf("ordo: restored %s from %s (stop the server before restoring)\n", target.c_str(),
              from.c_str());
  return 0;
}

int Routes() {
  // Lists the routes without opening a database (for the OpenAPI check).
  ordo::SystemClock clock;
  service::Deps deps;
  deps.clock = &clock;
  service::Services services(deps);
  http::Api api(services, {});
  for (const auto& r : api.RouteList()) std::printf("%s\n", r.c_str());
  return 0;
}

// glibc returns freed memory at the top of a thread's heap to the kernel at once
// (madvise), and every such call flushes the TLB of every core; under load that was a
// fifth of the writer thread's time. Keep up to 16 MiB of free heap per arena instead,
// serve allocations up to 32 MiB from the heap rather than fresh mmaps, and share 4
// arenas among the threads (glibc's default is 8 per core), so that what is kept stays
// bounded: 4 × 16 MiB.
void TuneMalloc() {
  mallopt(M_ARENA_MAX, 4);
  mallopt(M_TRIM_THRESHOLD, 16 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
}

}  // namespace

int main(int argc, char** argv) {
  TuneMalloc();
  std::setvbuf(stdout, nullptr, _IOLBF, 0);

  CLI::App app{"Ordo — sales order management (銷售訂單管理)"};
  app.require_subcommand(1);
  Config cfg;
  cfg.db = Env("ORDO_DB");
  cfg.listen = Env("ORDO_LISTEN", "127.0.0.1:8080");
  cfg.data_dir = Env("ORDO_DATA_DIR", "./ordo-data");
  cfg.web_dir = Env("ORDO_WEB_DIR");
  cfg.timezone = Env("ORDO_TIMEZONE", "Asia/Shanghai");
  cfg.fake_now = Env("ORDO_FAKE_NOW");
  cfg.trusted_proxies = Env("ORDO_TRUSTED_PROXIES");
  cfg.max_connections = Env("ORDO_MAX_CONNECTIONS");
  SetUpLogging(cfg.timezone);

  auto add_db = [&cfg](CLI::App* sub) {
    sub->add_option("--db", cfg.db, "sqlite:PATH or postgresql://... (env ORDO_DB)");
    sub->add_option("--data-dir", cfg.data_dir, "where the SQLite database lives by default");
  };
  auto* serve = app.add_subcommand("serve", "serve the API and the console");
  add_db(serve);
  serve->add_option("--listen", cfg.listen, "HOST:PORT, port 0 for any (env ORDO_LISTEN)");
  serve->add_option("--web-dir", cfg.web_dir, "the built console (env ORDO_WEB_DIR)");
  auto* demo = app.add_subcommand("demo", "load the demo data set into an empty database");
  add_db(demo);
  std::string path;
  auto* backup = app.add_subcommand("backup", "write a consistent copy of the database");
  add_db(backup);
  backup->add_option("--to", path, "file to write")->required();
  auto* restore = app.add_subcommand("restore", "replace the database with a backup");
  add_db(restore);
  restore->add_option("--from", path, "backup file")->required();
  app.add_subcommand("routes", "list the API routes");

  CLI11_PARSE(app, argc, argv);
  if (*serve) return Serve(cfg, argv[0]);
  if (*demo) return Demo(cfg);
  if (*backup) return Backup(cfg, path);
  if (*restore) return Restore(cfg, path);
  return Routes();
}
