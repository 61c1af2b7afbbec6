// The walk-through of docs/api.md works as written right after `make run`: its `sh` blocks,
// run in order as one bash script, against a fresh server on the demo data (loaded the
// way `make run` loads it, with ORDO_ADMIN_PASSWORD=admin123), exit 0.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "api/api_fixture.h"
#include "support/pg_cluster.h"

namespace ordo::test {
namespace {

constexpr const char* kMakeRunAdminPassword = "admin123";  // the Makefile's default

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The lines of every ```sh block between the "## Walk-through" heading and the next "## "
// heading, in order; `blocks` counts the blocks.
std::string WalkthroughScript(const std::string& markdown, int* blocks) {
  std::istringstream in(markdown);
  std::string line;
  std::string script;
  bool in_section = false;
  bool in_block = false;
  *blocks = 0;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) {
      in_section = line.rfind("## Walk-through", 0) == 0;
      continue;
    }
    if (!in_section) continue;
    if (!in_block && line == "```sh") {
      in_block = true;
      ++*blocks;
    } else if (in_block && line == "```") {
      in_block = false;
    } else if (in_block) {
      script += line + "\n";
    }
  }
  return script;
}

// Runs `bash script` with BASE set; the exit code (-1 when bash did not exit normally) and,
// in `*output`, what it printed.
int RunBash(const std::string& dir, const std::string& script, const std::string& base,
            std::string* output) {
  const std::string script_path = dir + "/walkthrough.sh";
  const std::string output_path = dir + "/walkthrough.out";
  std::ofstream(script_path, std::ios::binary) << script;
  const std::string command = "BASE='" + base + "' timeout 300 bash '" + script_path + "' > '" +
                              output_path + "' 2>&1 < /dev/null";
  const int status = std::system(command.c_str());
  *output = ReadText(output_path);
  return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class WalkthroughTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/ordo-walkthrough-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    server_.reset();  // before its database goes
    pg_db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // `ordo demo` into a new database, then `ordo serve` on it: what `make run` does.
  void StartDemoServer() {
    std::string db_url = "sqlite:" + dir_ + "/ordo.db";
    if (PostgresBackend()) {
      std::string error;
      pg_db_ = PgDatabase::Create(&error);
      ASSERT_NE(pg_db_, nullptr) << error;
      db_url = pg_db_->url();
    }
    const auto demo = OrdoProcess::RunOrdo({"demo", "--db", db_url},
                                           {{"ORDO_ADMIN_PASSWORD", kMakeRunAdminPassword}}, dir_);
    ASSERT_EQ(demo.exit_code, 0) << demo.output;

    OrdoProcess::Options options;
    options.db_url = db_url;
    options.data_dir = dir_;
    options.admin_password = kMakeRunAdminPassword;
    options.env = {{"ORDO_LOG_LEVEL", "warn"}};  // the real clock, as under `make run`
    server_ = OrdoProcess::Start(options);
    ASSERT_NE(server_, nullptr);
  }

  std::string dir_;
  std::unique_ptr<PgDatabase> pg_db_;
  std::unique_ptr<OrdoProcess> server_;
};

TEST_F(WalkthroughTest, RunsVerbatimAfterMakeRun) {
  int blocks = 0;
  const std::string script =
      WalkthroughScript(ReadText(std::string(ORDO_TEST_DIR) + "/../docs/api.md"), &blocks);
  ASSERT_GE(blocks, 1) << "docs/api.md has no ```sh blocks under its Walk-through heading";
  // The script must stop at the first failed step, or a broken step would pass unseen.
  ASSERT_EQ(script.rfind("set -euo pipefail\n", 0), 0u)
      << "the walk-through must start with set -euo pipefail:\n"
      << script.substr(0, 200);

  StartDemoServer();
  ASSERT_FALSE(HasFatalFailure());
  const int64_t last_order = server_->QueryScalar("SELECT COALESCE(max(id), 0) FROM orders");

  std::string output;
  const int code = RunBash(dir_, script, server_->base_url(), &output);
  EXPECT_EQ(code, 0) << "the walk-through failed; it printed:\n"
                     << output << "\nthe server printed:\n"
                     << server_->Output();
  EXPECT_NE(output.find("walk-through: ok"), std::string::npos) << output;
  EXPECT_EQ(server_->QueryScalar("SELECT count(*) FROM orders WHERE status = 'confirmed' AND "
                                 "external_ref LIKE 'PO-%' AND id > " +
                                 std::to_string(last_order)),
            1);

  // Run again on the same data (as a reader would), it still works: nothing it creates
  // clashes with what the first run left. The codes end in the time in seconds.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(RunBash(dir_, script, server_->base_url(), &output), 0) << output;

  // A failed step stops the run: with a wrong admin password nothing after the login runs.
  const int64_t warehouses = server_->QueryScalar("SELECT count(*) FROM warehouses");
  std::string wrong = script;
  const size_t at = wrong.find(kMakeRunAdminPassword);
  ASSERT_NE(at, std::string::npos) << "the walk-through does not log in as admin/admin123";
  wrong.replace(at, std::string(kMakeRunAdminPassword).size(), "not-the-password");
  EXPECT_NE(RunBash(dir_, wrong, server_->base_url(), &output), 0) << output;
  EXPECT_EQ(output.find("walk-through: ok"), std::string::npos) << output;
  EXPECT_EQ(server_->QueryScalar("SELECT count(*) FROM warehouses"), warehouses);
}

}  // namespace
}  // namespace ordo::test
