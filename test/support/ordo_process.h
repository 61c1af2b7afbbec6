#pragma once
// Runs the real `ordo` binary for API tests: `ordo serve` on 127.0.0.1:0 against a
// database in a fresh temp directory, and `ordo <subcommand>` for CLI tests.
//
// The database is a SQLite file in the temp directory, or, when ORDO_TEST_BACKEND is
// "postgres", a fresh database of its own in the PostgreSQL cluster of ORDO_TEST_PG_URL
// (see support/pg_cluster.h), dropped when the OrdoProcess goes. QueryRows / QueryScalar
// read whichever it is, so tests check the database the same way on both.
//
// The binary is ORDO_BINARY (set by test/CMakeLists.txt); the environment variable of
// the same name overrides it. The child's stdout and stderr go through one pipe that a
// background thread drains into Output(), so the child never blocks on a full pipe.
// The child runs in data_dir() as its working directory, and dies with the thread that
// started it (PR_SET_PDEATHSIG), so a crashed test leaves no server behind.
//
// Thread-compatible; start and stop a process from the same thread.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/http_client.h"

namespace ordo::test {

class PgDatabase;

using EnvVars = std::vector<std::pair<std::string, std::string>>;

class OrdoProcess {
 public:
  struct Options {
    std::string db_url;  // empty: sqlite:<data_dir>/ordo.db, or a fresh PostgreSQL database
    std::string admin_password = "admin-pass-1";
    std::vector<std::string> extra_args;  // appended to `serve --db ... --listen ...`
    EnvVars env;                          // on top of the test's environment
    std::string data_dir;                 // empty: a fresh temp dir, removed at the end
    bool keep_data_dir = false;           // keep the temp dir (to look at it after a run)
  };

  // Starts the server and waits (20 s at most) until it prints its listening line.
  // On failure records a gtest failure with the child's output and returns nullptr.
  static std::unique_ptr<OrdoProcess> Start(Options options);
  static std::unique_ptr<OrdoProcess> Start() { return Start(Options()); }

  ~OrdoProcess();
  OrdoProcess(const OrdoProcess&) = delete;
  OrdoProcess& operator=(const OrdoProcess&) = delete;

  uint16_t port() const { return port_; }
  std::string host() const { return "127.0.0.1"; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& db_url() const { return db_url_; }
  const Options& options() const { return options_; }
  bool running() const { return pid_ > 0; }

  // A new client for this server (one per thread).
  HttpClient Client() const { return HttpClient(host(), port_); }

  // "sqlite" or "postgresql": the database the server uses.
  std::string backend() const;

  // Runs a read-only query on the server's database (a connection of its own per call)
  // and returns its rows; values are typed as SQLite's are (integers, doubles, text,
  // null; PostgreSQL booleans as 0/1, integral NUMERIC as integers). False and `*error`
  // on failure. Write SQL both databases understand (scripts/with-postgres.sh adds
  // group_concat to PostgreSQL).
  bool QueryRows(const std::string& sql, std::vector<std::vector<nlohmann::json>>* rows,
                 std::string* error) const;
  // The integer in the first column of the first row of `sql` (e.g. SELECT count(*) ...);
  // -1 with a gtest failure when the query fails, returns no row or no integer.
  int64_t QueryScalar(const std::string& sql) const;

  // Everything the child has printed so far (stdout and stderr).
  std::string Output() const;

  // SIGTERM, wait (30 s, then SIGKILL); returns the exit code, 128 + signal when killed
  // by a signal, -1 when not running.
  int Terminate();
  // SIGKILL, for crash tests; returns like Terminate.
  int Kill();
  // Starts again on the same database and data dir (a new port); false on failure.
  bool Restart();

  struct RunResult {
    int exit_code = -1;  // 128 + signal when killed by a signal
    std::string output;  // stdout and stderr
  };
  // Runs `ordo <args...>` to completion (timeout 300 s), e.g. {"demo", "--db", url}.
  static RunResult RunOrdo(const std::vector<std::string>& args, const EnvVars& env = {},
                           const std::string& working_dir = "");

  // The binary under test.
  static std::string Binary();

 private:
  explicit OrdoProcess(Options options);
  bool Launch();
  int WaitAndReap(int signal);

  Options options_;
  std::string data_dir_;
  bool own_data_dir_ = false;
  std::string db_url_;
  std::unique_ptr<PgDatabase> pg_db_;  // the database this object created, if PostgreSQL
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  int out_fd_ = -1;
  std::thread drain_;
  mutable std::mutex mu_;
  std::string output_;  // guarded by mu_
};

}  // namespace ordo::test
