#include "support/pg_cluster.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <string_view>
#include <vector>

namespace ordo::test {

namespace {

// PostgreSQL type oids (pg_type.h) that need more than text.
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultCloser {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Conn = std::unique_ptr<PGconn, ConnCloser>;
using Res = std::unique_ptr<PGresult, ResultCloser>;

Conn Connect(const std::string& url, std::string* error) {
  Conn conn(PQconnectdb(url.c_str()));
  if (conn == nullptr || PQstatus(conn.get()) != CONNECTION_OK) {
    *error = "cannot connect to " + url + ": " +
             (conn ? PQerrorMessage(conn.get()) : std::string("out of memory"));
    return nullptr;
  }
  return conn;
}

// Idle connections by URL, so that tests that query the database after every request do
// not pay for a new PostgreSQL backend each time.
class ConnCache {
 public:
  static ConnCache& Get() {
    static ConnCache cache;
    return cache;
  }
  Conn Acquire(const std::string& url, std::string* error) {
    {
      std::lock_guard lock(mu_);
      auto& idle = idle_[url];
      if (!idle.empty()) {
        Conn conn = std::move(idle.back());
        idle.pop_back();
        return conn;
      }
    }
    return Connect(url, error);
  }
  void Release(const std::string& url, Conn conn) {
    if (PQstatus(conn.get()) != CONNECTION_OK || PQtransactionStatus(conn.get()) != PQTRANS_IDLE) {
      return;
    }
    std::lock_guard lock(mu_);
    idle_[url].push_back(std::move(conn));
  }
  // Closes the idle connections to `url` (before its database is dropped).
  void Forget(const std::string& url) {
    std::vector<Conn> closing;
    std::lock_guard lock(mu_);
    auto it = idle_.find(url);
    if (it == idle_.end()) return;
    closing = std::move(it->second);
    idle_.erase(it);
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<Conn>> idle_;
};

bool Command(PGconn* conn, const std::string& sql, std::string* error) {
  Res r(PQexec(conn, sql.c_str()));
  const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return true;
  *error = sql + ": " + PQerrorMessage(conn);
  return false;
}

nlohmann::json Value(const PGresult* r, int row, int col) {
  if (PQgetisnull(r, row, col)) return nullptr;
  const std::string text(PQgetvalue(r, row, col), static_cast<size_t>(PQgetlength(r, row, col)));
  switch (PQftype(r, col)) {
    case kBoolOid:
      return text == "t" ? 1 : 0;
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid:
      return std::strtoll(text.c_str(), nullptr, 10);
    case kNumericOid:
      if (text.find_first_of(".eE") == std::string::npos) {
        return std::strtoll(text.c_str(), nullptr, 10);
      }
      return std::strtod(text.c_str(), nullptr);
    case kFloat4Oid:
    case kFloat8Oid:
      return std::strtod(text.c_str(), nullptr);
    default:
      return text;
  }
}

}  // namespace

bool PostgresBackend() {
  const char* v = std::getenv("ORDO_TEST_BACKEND");
  if (v == nullptr) return false;
  const std::string_view s(v);
  return s == "postgres" || s == "postgresql";
}

std::string PgTestUrl() {
  const char* v = std::getenv("ORDO_TEST_PG_URL");
  return v != nullptr ? v : "";
}

std::string PgUrlWithDatabase(const std::string& url, const std::string& dbname) {
  const size_t scheme = url.find("://");
  const size_t host = scheme == std::string::npos ? 0 : scheme + 3;
  const size_t query = url.find('?', host);
  const size_t slash = url.find('/', host);
  const size_t path = slash == std::string::npos || slash > query ? query : slash;
  std::string out = url.substr(0, path == std::string::npos ? url.size() : path);
  out += '/';
  out += dbname;
  if (query != std::string::npos) out += url.substr(query);
  return out;
}

std::unique_ptr<PgDatabase> PgDatabase::Create(std::string* error) {
  const std::string admin = PgTestUrl();
  if (admin.empty()) {
    *error = "ORDO_TEST_PG_URL is not set (run the test through scripts/with-postgres.sh)";
    return nullptr;
  }
  static thread_local std::mt19937_64 rng(std::random_device{}());
  const std::string name = "ordo_" + std::to_string(rng() % 1'000'000'000'000ULL);
  Conn conn = Connect(admin, error);
  if (!conn) return nullptr;
  if (!Command(conn.get(), "CREATE DATABASE " + name, error)) return nullptr;
  return std::unique_ptr<PgDatabase>(new PgDatabase(admin, name, PgUrlWithDatabase(admin, name)));
}

PgDatabase::~PgDatabase() {
  ConnCache::Get().Forget(url_);
  std::string error;
  Conn conn = Connect(admin_url_, &error);
  // A server that was killed may leave connections behind for a moment; FORCE ends them.
  if (conn) (void)Command(conn.get(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)", &error);
}

bool PgQuery(const std::string& url, const std::string& sql,
             std::vector<std::vector<nlohmann::json>>* rows, std::string* error) {
  Conn conn = ConnCache::Get().Acquire(url, error);
  if (!conn) return false;
  Res r(PQexec(conn.get(), sql.c_str()));
  if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    *error = "SQL error in \"" + sql + "\": " + PQerrorMessage(conn.get());
    ConnCache::Get().Release(url, std::move(conn));
    return false;
  }
  ConnCache::Get().Release(url, std::move(conn));
  rows->clear();
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    std::vector<nlohmann::json> row;
    row.reserve(static_cast<size_t>(PQnfields(r.get())));
    for (int j = 0; j < PQnfields(r.get()); ++j) row.push_back(Value(r.get(), i, j));
    rows->push_back(std::move(row));
  }
  return true;
}

}  // namespace ordo::test
