// SqliteTx: events, idempotency keys.

#include "storage/sqlite/sqlite_tx.h"

#include <algorithm>
#include <string>

#include "storage/sql_filters.h"
#include "storage/sqlite/query.h"

namespace ordo::storage::sqlite {

// ---- events ----

Status SqliteTx::InsertEvent(const Event& e) {
  RETURN_IF_ERROR(CheckWritable());
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("INSERT INTO events (entity, entity_id, action, "
                                          "user_id, username, data, created_at) "
                                          "VALUES (?, ?, ?, ?, ?, ?, ?)"));
  st.BindAll(e.entity, e.entity_id, e.action, e.user_id, e.username, e.data, e.created_at);
  return st.Run();
}

namespace {
constexpr const char* kEventColumns =
    "SELECT id, entity, entity_id, action, user_id, username, data, created_at FROM events";

Result<std::vector<Event>> ReadEvents(Stmt& st) {
  std::vector<Event> out;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Event e;
    e.id = st.Int(0);
    e.entity = st.Text(1);
    e.entity_id = st.Int(2);
    e.action = st.Text(3);
    e.user_id = st.Int(4);
    e.username = st.Text(5);
    e.data = st.Text(6);
    e.created_at = st.Int(7);
    out.push_back(std::move(e));
  }
  return out;
}
}  // namespace

Result<std::vector<Event>> SqliteTx::ListEvents(const std::string& entity, int64_t entity_id) {
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare(std::string(kEventColumns) +
                                          " WHERE entity = ? AND entity_id = ? ORDER BY id"));
  st.BindAll(entity, entity_id);
  return ReadEvents(st);
}

Result<Page<Event>> SqliteTx::ListAuditEvents(const EventFilter& f) {
  Where where;
  AddEventFilter(where, f);
  Page<Event> out;
  ASSIGN_OR_RETURN(out.total, CountRows(conn_, "events", where));
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare(std::string(kEventColumns) + where.Sql() +
                                          " ORDER BY id DESC LIMIT ? OFFSET ?"));
  where.BindTo(st);
  const Window w = WindowOf(f.page);
  st.BindAll(w.limit, w.offset);
  ASSIGN_OR_RETURN(out.items, ReadEvents(st));
  return out;
}

// ---- idempotency keys ----

Result<std::optional<IdempotencyRecord>> SqliteTx::GetIdempotency(int64_t user_id,
                                                                  const std::string& key) {
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("SELECT request_hash, status, body FROM "
                                          "idempotency_keys WHERE user_id = ? AND key = ?"));
  st.BindAll(user_id, key);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<IdempotencyRecord>();
  IdempotencyRecord rec;
  rec.request_hash = st.Text(0);
  rec.status = static_cast<int>(st.Int(1));
  rec.body = st.Text(2);
  return std::optional<IdempotencyRecord>(std::move(rec));
}

Status SqliteTx::PutIdempotency(int64_t user_id, const std::string& key,
                                const IdempotencyRecord& rec, Millis now) {
  RETURN_IF_ERROR(CheckWritable());
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("INSERT INTO idempotency_keys (user_id, key, "
                                          "request_hash, status, body, created_at) "
                                          "VALUES (?, ?, ?, ?, ?, ?)"));
  st.BindAll(user_id, key, rec.request_hash, rec.status, rec.body, now);
  return st.Run();
}

}  // namespace ordo::storage::sqlite
