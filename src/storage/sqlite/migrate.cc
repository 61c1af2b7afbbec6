#include "storage/sqlite/migrate.h"

#include <chrono>
#include <string>

#include "storage/migrations.h"

namespace ordo::storage::sqlite {

namespace {

Millis WallClockNow() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Runs one migration unless it is already recorded; the check happens inside the
// write transaction so that two processes opening the same file cannot both apply it.
Status ApplyOne(Connection& conn, const Migration& m) {
  RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
  auto apply = [&]() -> Status {
    {
      ASSIGN_OR_RETURN(Stmt st, conn.Prepare("SELECT 1 FROM schema_migrations WHERE version = ?"));
      st.Bind(m.version);
      ASSIGN_OR_RETURN(bool applied, st.Step());
      if (applied) return Status::Ok();
    }
    // The file's text is ours, compiled in; sqlite3_exec runs all of its statements.
    const std::string sql(m.sql);
    RETURN_IF_ERROR(conn.Exec(sql.c_str()));
    ASSIGN_OR_RETURN(
        Stmt ins,
        conn.Prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"));
    ins.BindAll(m.version, m.name, WallClockNow());
    return ins.Run();
  };
  Status st = apply();
  if (!st.ok()) {
    (void)conn.Exec("ROLLBACK");
    return Status::Internal("migration " + std::to_string(m.version) + " (" + std::string(m.name) +
                            ") failed: " + st.message());
  }
  return conn.Exec("COMMIT");
}

}  // namespace

Status Migrate(Connection& conn) {
  RETURN_IF_ERROR(
      conn.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"));
  int last = 0;
  for (const Migration& m : Migrations()) {
    if (m.dialect != "sqlite") continue;
    if (m.version <= last) return Status::Internal("migration versions out of order");
    last = m.version;
    RETURN_IF_ERROR(ApplyOne(conn, m));
  }
  // A newer binary migrated this file: its schema is not ours to use.
  ASSIGN_OR_RETURN(Stmt st,
                   conn.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (row && st.Int(0) > last) {
    return Status(Code::kUnavailable, "the database schema is newer than this program");
  }
  return Status::Ok();
}

}  // namespace ordo::storage::sqlite
