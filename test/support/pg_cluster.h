#pragma once
// Databases in the throwaway PostgreSQL cluster that scripts/with-postgres.sh starts for a
// test run (ORDO_TEST_PG_URL names its database ordo_test). API tests run against
// PostgreSQL when ORDO_TEST_BACKEND=postgres: every server OrdoProcess starts then gets a
// database of its own, created here and dropped when the process object goes, so that the
// suite runs exactly as it does on SQLite files, one cluster (one initdb) for all of it.
//
// libpq inside; thread-safe (every call opens its own connection).

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ordo::test {

// True when ORDO_TEST_BACKEND is "postgres" (or "postgresql").
bool PostgresBackend();

// ORDO_TEST_PG_URL, or "" when it is not set.
std::string PgTestUrl();

// `url` with its database name replaced by `dbname` (query parameters kept).
std::string PgUrlWithDatabase(const std::string& url, const std::string& dbname);

// A database of its own in the test cluster, dropped (with any connection still open to
// it) by the destructor.
class PgDatabase {
 public:
  // Creates ordo_<random> in the cluster of ORDO_TEST_PG_URL; nullptr and `*error` when
  // it cannot.
  static std::unique_ptr<PgDatabase> Create(std::string* error);
  ~PgDatabase();
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  const std::string& name() const { return name_; }
  const std::string& url() const { return url_; }

 private:
  PgDatabase(std::string admin_url, std::string name, std::string url)
      : admin_url_(std::move(admin_url)), name_(std::move(name)), url_(std::move(url)) {}

  std::string admin_url_;
  std::string name_;
  std::string url_;
};

// Runs `sql` (no parameters) on the database at `url` and returns its rows, each an array
// of values typed as SQLite's are: integers (and integral NUMERIC, such as a SUM of BIGINT)
// as integers, other numbers as doubles, booleans as 0 or 1, NULL as null, everything else
// as text. False and `*error` on failure.
bool PgQuery(const std::string& url, const std::string& sql,
             std::vector<std::vector<nlohmann::json>>* rows, std::string* error);

}  // namespace ordo::test
