#include "storage/event_repo.h"

#include <string>
#include <utility>

#include "storage/query.h"

namespace ordo::storage {

using domain::Event;

namespace {

constexpr std::string_view kColumns =
    "id, entity, entity_id, action, user_id, username, data, created_at";

Event Read(Statement& st) {
  Event e;
  e.id = st.Int(0);
  e.entity = st.Text(1);
  e.entity_id = st.Int(2);
  e.action = st.Text(3);
  e.user_id = st.Int(4);
  e.username = st.Text(5);
  e.data = st.Text(6);
  e.created_at = st.Int(7);
  return e;
}

}  // namespace

Status EventRepo::Insert(const Event& e) {
  RETURN_IF_ERROR(sql_.CheckWritable());
  if (std::optional<Status> kept = sql_.KeepEvent(e)) return *std::move(kept);
  ASSIGN_OR_RETURN(Statement st, sql_.Prepare("INSERT INTO events (entity, entity_id, action, "
                                              "user_id, username, data, created_at) "
                                              "VALUES (?, ?, ?, ?, ?, ?, ?)"));
  st.BindAll(e.entity, e.entity_id, e.action, e.user_id, e.username, e.data, e.created_at);
  return st.Run();
}

Result<std::vector<Event>> EventRepo::List(const std::string& entity, int64_t entity_id) {
  // Built once: every order read lists its events.
  static const std::string sql =
      Select(kColumns, "FROM events WHERE entity = ? AND entity_id = ? ORDER BY id");
  ASSIGN_OR_RETURN(Statement st, sql_.Prepare(sql));
  st.BindAll(entity, entity_id);
  std::vector<Event> out;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back(Read(st));
    RETURN_IF_ERROR(st.decode_status());
  }
}

Result<Page<Event>> EventRepo::ListAudit(const EventFilter& f) {
  Where where;
  if (!f.entity.empty()) where.And("entity = ?", f.entity);
  if (f.entity_id) where.And("entity_id = ?", *f.entity_id);
  if (f.user_id) where.And("user_id = ?", *f.user_id);
  if (!f.action.empty()) where.And("action = ?", f.action);
  if (f.from) where.And("created_at >= ?", *f.from);
  if (f.to) where.And("created_at < ?", *f.to);
  Page<Event> out;
  ASSIGN_OR_RETURN(out.total, CountRows(sql_, "events", where));
  ASSIGN_OR_RETURN(out.items, ReadPage<Event>(sql_,
                                              Select(kColumns, "FROM events") + where.Sql() +
                                                  " ORDER BY id DESC LIMIT ? OFFSET ?",
                                              where, f.page, Read));
  return out;
}

}  // namespace ordo::storage
