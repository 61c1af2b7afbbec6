#include "storage/postgres/migrate.h"

#include <chrono>
#include <string>

#include "storage/migrations.h"

namespace ordo::storage::postgres {

namespace {

// The advisory lock key of schema migrations: "ordo" in ASCII.
constexpr int64_t kMigrationLock = 0x6f72646f;

Millis WallClockNow() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Runs one migration unless it is already recorded.
void ApplyOne(pqxx::connection& conn, const Migration& m) {
  pqxx::work w(conn);
  if (!w.exec_params("SELECT 1 FROM schema_migrations WHERE version = $1", m.version).empty()) {
    w.abort();
    return;
  }
  // The file's text is ours, compiled in; the simple query protocol runs all of it.
  w.exec(std::string(m.sql));
  w.exec_params("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                m.version, std::string(m.name), WallClockNow());
  w.commit();
}

Status MigrateLocked(pqxx::connection& conn) {
  {
    pqxx::nontransaction n(conn);
    n.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
    n.commit();
  }
  int last = 0;
  for (const Migration& m : Migrations()) {
    if (m.dialect != "postgres") continue;
    if (m.version <= last) return Status::Internal("migration versions out of order");
    last = m.version;
    try {
      ApplyOne(conn, m);
    } catch (const std::exception& e) {
      const Classified c = Classify(e);
      return Status(c.status.code() == Code::kUnavailable ? Code::kUnavailable : Code::kInternal,
                    "migration " + std::to_string(m.version) + " (" + std::string(m.name) +
                        ") failed: " + c.status.message());
    }
  }
  // A newer binary migrated this database: its schema is not ours to use.
  pqxx::nontransaction n(conn);
  const pqxx::result r = n.exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  n.commit();
  if (r[0][0].as<int64_t>() > last) {
    return Status(Code::kUnavailable, "the database schema is newer than this program");
  }
  return Status::Ok();
}

}  // namespace

Status Migrate(Connection& conn) {
  pqxx::connection& raw = conn.raw();
  try {
    {
      pqxx::nontransaction n(raw);
      n.exec_params("SELECT pg_advisory_lock($1)", kMigrationLock);
      n.commit();
    }
    Status st;
    try {
      st = MigrateLocked(raw);
    } catch (const std::exception& e) {
      st = Classify(e).status;
    }
    {
      pqxx::nontransaction n(raw);
      n.exec_params("SELECT pg_advisory_unlock($1)", kMigrationLock);
      n.commit();
    }
    return st;
  } catch (const std::exception& e) {
    // The lock is the session's: when the connection goes, so does the lock.
    conn.MarkBroken();
    return Classify(e).status;
  }
}

}  // namespace ordo::storage::postgres
