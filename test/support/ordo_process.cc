#include "support/ordo_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
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
  process->db_url_ = process->options_.db_url.empty() ? "sqlite:" + process->data_dir_ + "/ordo.db"
                                                      : process->options_.db_url;
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
