// SqliteTx: users, sessions, events, idempotency keys.

#include "storage/sqlite/sqlite_tx.h"

#include <algorithm>
#include <string>

#include "storage/sql_filters.h"
#include "storage/sqlite/query.h"

namespace ordo::storage::sqlite {

namespace {

// ---- users ----

constexpr std::string_view kUserCols =
    "u.id, u.username, u.display_name, u.partner_id, u.active, u.locale, u.created_at, "
    "u.updated_at, u.version, u.password_hash";

UserRecord ReadUser(Stmt& st) {
  UserRecord r;
  r.user.id = st.Int(0);
  r.user.username = st.Text(1);
  r.user.display_name = st.Text(2);
  r.user.partner_id = st.OptInt(3);
  r.user.active = st.Bool(4);
  r.user.locale = st.Text(5);
  r.user.created_at = st.Int(6);
  r.user.updated_at = st.Int(7);
  r.user.version = st.Int(8);
  r.password_hash = st.Text(9);
  return r;
}

// Runs `sql` (a SELECT ending in LIMIT ? OFFSET ?) after binding `where`, decoding each
// row with `read`.
template <typename T, typename Read>
Result<std::vector<T>> ReadPage(Connection& conn, const std::string& sql, const Where& where,
                                const Window& w, Read read) {
  ASSIGN_OR_RETURN(Stmt st, conn.Prepare(sql));
  where.BindTo(st);
  st.BindAll(w.limit, w.offset);
  std::vector<T> out;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(read(st));
    RETURN_IF_ERROR(st.decode_status());
  }
  return out;
}

}  // namespace

// ---- users ----

Result<std::vector<domain::Role>> SqliteTx::LoadRoles(int64_t user_id) {
  ASSIGN_OR_RETURN(
      Stmt st, conn_.Prepare("SELECT role FROM user_roles WHERE user_id = ? ORDER BY position"));
  st.Bind(user_id);
  std::vector<domain::Role> roles;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    roles.push_back(st.Enum(0, domain::ParseRole));
  }
  RETURN_IF_ERROR(st.decode_status());
  return roles;
}

Status SqliteTx::WriteRoles(int64_t user_id, const std::vector<domain::Role>& roles) {
  {
    ASSIGN_OR_RETURN(Stmt del, conn_.Prepare("DELETE FROM user_roles WHERE user_id = ?"));
    del.Bind(user_id);
    RETURN_IF_ERROR(del.Run());
  }
  int position = 0;
  for (domain::Role role : roles) {
    // A role given twice is kept once, at its first position.
    ASSIGN_OR_RETURN(Stmt ins, conn_.Prepare("INSERT INTO user_roles (user_id, position, role) "
                                             "VALUES (?, ?, ?) ON CONFLICT DO NOTHING"));
    ins.BindAll(user_id, position++, domain::RoleName(role));
    RETURN_IF_ERROR(ins.Run());
  }
  return Status::Ok();
}

Result<int64_t> SqliteTx::InsertUser(const User& user, const std::string& password_hash) {
  RETURN_IF_ERROR(CheckWritable());
  int64_t id = 0;
  {
    ASSIGN_OR_RETURN(Stmt st,
                     conn_.Prepare("INSERT INTO users (username, display_name, password_hash, "
                                   "partner_id, active, locale, created_at, updated_at, version) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    st.BindAll(user.username, user.display_name, password_hash, user.partner_id, user.active,
               user.locale, user.created_at, user.updated_at, user.version);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Internal("insert returned no id");
    id = st.Int(0);
  }
  RETURN_IF_ERROR(WriteRoles(id, user.roles));
  return id;
}

Result<UserRecord> SqliteTx::LoadUser(std::string_view where_sql, const std::string* text,
                                      int64_t id) {
  UserRecord rec;
  {
    ASSIGN_OR_RETURN(
        Stmt st, conn_.Prepare(Select(kUserCols, "FROM users u WHERE ") + std::string(where_sql)));
    if (text != nullptr) {
      st.Bind(*text);
    } else {
      st.Bind(id);
    }
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("user not found");
    rec = ReadUser(st);
  }
  ASSIGN_OR_RETURN(rec.user.roles, LoadRoles(rec.user.id));
  return rec;
}

Result<UserRecord> SqliteTx::GetUser(int64_t id) { return LoadUser("u.id = ?", nullptr, id); }

Result<UserRecord> SqliteTx::GetUserByUsername(const std::string& username) {
  return LoadUser("u.username = ?", &username, 0);
}

Status SqliteTx::UpdateUser(const User& user, int64_t expected_version,
                            const std::string& password_hash) {
  RETURN_IF_ERROR(CheckWritable());
  {
    ASSIGN_OR_RETURN(
        Stmt st, conn_.Prepare("UPDATE users SET username = ?, display_name = ?, partner_id = ?, "
                               "active = ?, locale = ?, updated_at = ?, version = version + 1, "
                               "password_hash = CASE WHEN ? = '' THEN password_hash ELSE ? END "
                               "WHERE id = ? AND version = ?"));
    st.BindAll(user.username, user.display_name, user.partner_id, user.active, user.locale,
               user.updated_at, password_hash, password_hash, user.id, expected_version);
    RETURN_IF_ERROR(st.Run());
    RETURN_IF_ERROR(VersionedUpdateResult(*this, st.changes(), "users", user.id, "user"));
  }
  return WriteRoles(user.id, user.roles);
}

Result<Page<User>> SqliteTx::ListUsers(const PageRequest& page) {
  Page<User> out;
  ASSIGN_OR_RETURN(out.total, CountUsers());
  const Where none;
  ASSIGN_OR_RETURN(auto records, ReadPage<UserRecord>(conn_,
                                                      Select(kUserCols,
                                                             "FROM users u ORDER BY u.id "
                                                             "LIMIT ? OFFSET ?"),
                                                      none, WindowOf(page), ReadUser));
  for (auto& rec : records) {
    ASSIGN_OR_RETURN(rec.user.roles, LoadRoles(rec.user.id));
    out.items.push_back(std::move(rec.user));
  }
  return out;
}

Result<int64_t> SqliteTx::CountUsers() { return CountRows(conn_, "users", Where()); }

Status SqliteTx::InsertSession(const std::string& token_hash, int64_t user_id, Millis created_at,
                               Millis expires_at) {
  RETURN_IF_ERROR(CheckWritable());
  {
    // Expired sessions are of no use to anyone; dropping them here keeps the table small.
    ASSIGN_OR_RETURN(Stmt purge, conn_.Prepare("DELETE FROM sessions WHERE expires_at <= ?"));
    purge.Bind(created_at);
    RETURN_IF_ERROR(purge.Run());
  }
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("INSERT INTO sessions (token_hash, user_id, "
                                          "created_at, expires_at) VALUES (?, ?, ?, ?)"));
  st.BindAll(token_hash, user_id, created_at, expires_at);
  return st.Run();
}

Result<UserRecord> SqliteTx::GetSessionUser(const std::string& token_hash, Millis now) {
  UserRecord rec;
  {
    ASSIGN_OR_RETURN(Stmt st, conn_.Prepare(Select(kUserCols,
                                                   "FROM sessions s JOIN users u ON u.id = "
                                                   "s.user_id WHERE s.token_hash = ? AND "
                                                   "s.expires_at > ?")));
    st.BindAll(token_hash, now);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Unauthenticated("session expired or unknown");
    rec = ReadUser(st);
  }
  ASSIGN_OR_RETURN(rec.user.roles, LoadRoles(rec.user.id));
  return rec;
}

Status SqliteTx::DeleteSession(const std::string& token_hash) {
  RETURN_IF_ERROR(CheckWritable());
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("DELETE FROM sessions WHERE token_hash = ?"));
  st.Bind(token_hash);
  return st.Run();
}

Status SqliteTx::DeleteSessionsOfUser(int64_t user_id, const std::string& keep_token_hash) {
  RETURN_IF_ERROR(CheckWritable());
  ASSIGN_OR_RETURN(Stmt st,
                   conn_.Prepare("DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?"));
  st.BindAll(user_id, keep_token_hash);
  return st.Run();
}

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
