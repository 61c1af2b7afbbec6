#include "support/ordo_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>

#include "support/pg_cluster.h"

#ifndef ORDO_BINARY
#define ORDO_BINARY "ordo"
#endif

extern char** environ;

namespace ordo::test {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kStartTimeout = std::chrono::seconds(20);
constexpr auto kStopTimeout = std::chrono::seconds(30);
constexpr auto kRunTimeout = std::chrono::seconds(300);

struct Child {
  pid_t pid = -1;
  int out_fd = -1;  // the read end of the child's stdout and stderr
};

// fork/exec with everything the child needs prepared before the fork: only
// async-signal-safe calls happen in the child of a multi-threaded process.
std::optional<Child> Spawn(const std::vector<std::string>& args, const EnvVars& env,
                           const std::string& working_dir, std::string* error) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const std::string_view name = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const auto& [key, value] : env) overridden = overridden || key == name;
    if (!overridden) env_strings.emplace_back(entry);
  }
  for (const auto& [key, value] : env) env_strings.emplace_back(key).append("=").append(value);
  std::vector<char*> envp;
  envp.reserve(env_strings.size() + 1);
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> arg_strings = args;
  std::vector<char*> argv;
  argv.reserve(arg_strings.size() + 1);
  for (auto& s : arg_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  const char* dir = working_dir.empty() ? nullptr : working_dir.c_str();

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    *error = std::string("pipe: ") + std::strerror(errno);
    return std::nullopt;
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    *error = std::string("fork: ") + std::strerror(errno);
    close(fds[0]);
    close(fds[1]);
    return std::nullopt;
  }
  if (pid == 0) {
    // Die with the test (strictly: with the thread that forked).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    if (dir != nullptr && chdir(dir) != 0) _exit(126);
    execve(argv[0], argv.data(), envp.data());
    static constexpr char kMsg[] = "ordo_process: execve failed\n";
    (void)!write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
    _exit(127);
  }
  close(fds[1]);
  return Child{pid, fds[0]};
}

int ExitCode(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

// Waits for `pid` until `deadline`; SIGKILLs it after that. Returns its exit code.
int Reap(pid_t pid, Clock::time_point deadline) {
  int wait_status = 0;
  for (;;) {
    const pid_t r = waitpid(pid, &wait_status, WNOHANG);
    if (r == pid) return ExitCode(wait_status);
    if (r < 0 && errno != EINTR) return -1;
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid, SIGKILL);
  while (waitpid(pid, &wait_status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return ExitCode(wait_status);
}

// Reads what is available within `timeout_ms`; returns false at EOF or error.
bool ReadSome(int fd, int timeout_ms, std::string* out) {
  pollfd p{fd, POLLIN, 0};
  const int r = poll(&p, 1, timeout_ms);
  if (r < 0) return errno == EINTR;
  if (r == 0) return true;
  char buf[4096];
  const ssize_t n = read(fd, buf, sizeof buf);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  out->append(buf, static_cast<size_t>(n));
  return true;
}

// The port of the first complete "listening on 127.0.0.1:PORT" line, or 0.
uint16_t FindListeningPort(const std::string& output) {
  static constexpr std::string_view kMarker = "listening on 127.0.0.1:";
  const size_t at = output.find(kMarker);
  if (at == std::string::npos) return 0;
  const size_t begin = at + kMarker.size();
  size_t end = begin;
  while (end < output.size() && output[end] >= '0' && output[end] <= '9') ++end;
  if (end == begin || end == output.size()) return 0;  // the line is not complete yet
  const long port = std::strtol(output.substr(begin, end - begin).c_str(), nullptr, 10);
  return port > 0 && port < 65536 ? static_cast<uint16_t>(port) : 0;
}

std::string MakeTempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/ordo-test-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return "";
  return pattern;
}

}  // namespace

std::string OrdoProcess::Binary() {
  const char* env = std::getenv("ORDO_BINARY");
  return env != nullptr && *env != '\0' ? env : ORDO_BINARY;
}

OrdoProcess::OrdoProcess(Options options) : options_(std::move(options)) {}

std::unique_ptr<OrdoProcess> OrdoProcess::Start(Options options) {
  std::unique_ptr<OrdoProcess> process(new OrdoProcess(std::move(options)));
  process->data_dir_ = process->options_.data_dir;
  if (process->data_dir_.empty()) {
    process->data_dir_ = MakeTempDir();
    if (process->data_dir_.empty()) {
      ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
      return nullptr;
    }
    process->own_data_dir_ = true;
  }
  process->db_url_ = process->options_.db_url;
  if (process->db_url_.empty() && PostgresBackend()) {
    std::string error;
    process->pg_db_ = PgDatabase::Create(&error);
    if (process->pg_db_ == nullptr) {
      ADD_FAILURE() << "cannot create a PostgreSQL database: " << error;
      return nullptr;
    }
    process->db_url_ = process->pg_db_->url();
  }
  if (process->db_url_.empty()) process->db_url_ = "sqlite:" + process->data_dir_ + "/ordo.db";
  if (!process->Launch()) return nullptr;
  return process;
}

bool OrdoProcess::Launch() {
  std::vector<std::string> args = {Binary(), "serve", "--db", db_url_, "--listen", "127.0.0.1:0"};
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  EnvVars env = {{"ORDO_ADMIN_PASSWORD", options_.admin_password}};
  env.insert(env.end(), options_.env.begin(), options_.env.end());

  std::string error;
  const std::optional<Child> child = Spawn(args, env, data_dir_, &error);
  if (!child) {
    ADD_FAILURE() << "cannot start " << args[0] << ": " << error;
    return false;
  }
  pid_ = child->pid;
  out_fd_ = child->out_fd;
  port_ = 0;

  std::string seen;
  {
    std::lock_guard lock(mu_);
    seen = output_;  // earlier runs, when restarted
  }
  const size_t earlier = seen.size();
  const auto deadline = Clock::now() + kStartTimeout;
  bool open = true;
  while (open && port_ == 0 && Clock::now() < deadline) {
    open = ReadSome(out_fd_, 50, &seen);
    port_ = FindListeningPort(seen.substr(earlier));
  }
  {
    std::lock_guard lock(mu_);
    output_ = seen;
  }
  if (port_ == 0) {
    const int code = WaitAndReap(SIGKILL);
    ADD_FAILURE() << args[0] << " serve did not report its port"
                  << (open ? " within 20 s" : ", it exited with code " + std::to_string(code))
                  << "; output:\n"
                  << Output();
    return false;
  }
  drain_ = std::thread([this] {
    std::string chunk;
    while (ReadSome(out_fd_, 200, &chunk)) {
      if (chunk.empty()) continue;
      std::lock_guard lock(mu_);
      output_ += chunk;
      chunk.clear();
    }
    std::lock_guard lock(mu_);
    output_ += chunk;
  });
  return true;
}

OrdoProcess::~OrdoProcess() {
  if (running()) Terminate();
  if (own_data_dir_ && !options_.keep_data_dir) {
    std::error_code ec;
    std::filesystem::remove_all(data_dir_, ec);
  }
}

std::string OrdoProcess::backend() const {
  return db_url_.rfind("postgres", 0) == 0 ? "postgresql" : "sqlite";
}

bool OrdoProcess::QueryRows(const std::string& sql, std::vector<std::vector<nlohmann::json>>* rows,
                            std::string* error) const {
  if (backend() == "postgresql") return PgQuery(db_url_, sql, rows, error);
  std::string path = db_url_.substr(std::string_view("sqlite:").size());
  if (path.rfind("//", 0) == 0) path = path.substr(2);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    *error = "cannot open " + path + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return false;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* st = nullptr;
  bool ok = sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK;
  rows->clear();
  while (ok) {
    const int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      ok = false;
      break;
    }
    std::vector<nlohmann::json> row;
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      switch (sqlite3_column_type(st, i)) {
        case SQLITE_INTEGER:
          row.emplace_back(sqlite3_column_int64(st, i));
          break;
        case SQLITE_FLOAT:
          row.emplace_back(sqlite3_column_double(st, i));
          break;
        case SQLITE_NULL:
          row.emplace_back(nullptr);
          break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
          row.emplace_back(std::string(text ? text : ""));
        }
      }
    }
    rows->push_back(std::move(row));
  }
  if (!ok) *error = "SQL error in \"" + sql + "\": " + sqlite3_errmsg(db);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return ok;
}

int64_t OrdoProcess::QueryScalar(const std::string& sql) const {
  std::vector<std::vector<nlohmann::json>> rows;
  std::string error;
  if (!QueryRows(sql, &rows, &error)) {
    ADD_FAILURE() << error;
    return -1;
  }
  if (rows.empty() || rows[0].empty() || !rows[0][0].is_number_integer()) {
    ADD_FAILURE() << "no integer from " << sql;
    return -1;
  }
  return rows[0][0].get<int64_t>();
}

std::string OrdoProcess::Output() const {
  std::lock_guard lock(mu_);
  return output_;
}

int OrdoProcess::WaitAndReap(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  const int code = Reap(pid_, Clock::now() + kStopTimeout);
  pid_ = -1;
  if (drain_.joinable()) drain_.join();  // EOF once the child is gone
  if (out_fd_ >= 0) close(out_fd_);
  out_fd_ = -1;
  return code;
}

int OrdoProcess::Terminate() { return WaitAndReap(SIGTERM); }

int OrdoProcess::Kill() { return WaitAndReap(SIGKILL); }

bool OrdoProcess::Restart() {
  if (running()) Terminate();
  return Launch();
}

OrdoProcess::RunResult OrdoProcess::RunOrdo(const std::vector<std::string>& args,
                                            const EnvVars& env, const std::string& working_dir) {
  RunResult result;
  std::vector<std::string> argv = {Binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string error;
  const std::optional<Child> child = Spawn(argv, env, working_dir, &error);
  if (!child) {
    result.output = "cannot start " + argv[0] + ": " + error;
    return result;
  }
  const auto deadline = Clock::now() + kRunTimeout;
  bool open = true;
  while (open && Clock::now() < deadline) open = ReadSome(child->out_fd, 100, &result.output);
  if (open) result.output += "\n[ordo_process: timed out, killed]\n";
  // The pipe closes when the child exits; Reap kills it if it is still around.
  result.exit_code = Reap(child->pid, open ? Clock::now() : deadline);
  close(child->out_fd);
  return result;
}

}  // namespace ordo::test
