// PgTx: users, sessions, events, idempotency keys, and the movements and events kept
// until the next statement.

#include "storage/postgres/pg_tx.h"

#include <string>

#include "storage/sql_filters.h"

namespace ordo::storage::postgres {

namespace {

// ---- users ----

constexpr std::string_view kUserCols =
    "u.id, u.username, u.display_name, u.partner_id, u.active, u.locale, u.created_at, "
    "u.updated_at, u.version, u.password_hash";

UserRecord ReadUser(Row& r) {
  UserRecord u;
  u.user.id = r.Int(0);
  u.user.username = r.Text(1);
  u.user.display_name = r.Text(2);
  u.user.partner_id = r.OptInt(3);
  u.user.active = r.Bool(4);
  u.user.locale = r.Text(5);
  u.user.created_at = r.Int(6);
  u.user.updated_at = r.Int(7);
  u.user.version = r.Int(8);
  u.password_hash = r.Text(9);
  return u;
}

}  // namespace

// The movements and events kept by InsertMovement and InsertEvent, each table's rows from
// one unnest() of array parameters, in one statement. Identity ids follow the arrays'
// order, which is the order the rows were given in.
constexpr std::string_view kFlushSql =
    "WITH m AS (INSERT INTO stock_movements (product_id, warehouse_id, kind, qty_delta, reason, "
    "order_id, user_id, created_at) SELECT * FROM unnest($1::bigint[], $2::bigint[], "
    "$3::text[], $4::bigint[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[])) "
    "INSERT INTO events (entity, entity_id, action, user_id, username, data, created_at) "
    "SELECT * FROM unnest($9::text[], $10::bigint[], $11::text[], $12::bigint[], $13::text[], "
    "$14::text[], $15::bigint[])";

Status PgTx::Flush() {
  if (failure() != Failure::kNone) return failure_status();
  if (pending_movements_.rows() == 0 && pending_events_.rows() == 0) return Status::Ok();
  Params p;
  pending_movements_.BindTo(p);
  pending_events_.BindTo(p);
  pending_movements_ = {};
  pending_events_ = {};
  return Run(kFlushSql, p).status();
}

// ---- users ----

Result<std::vector<domain::Role>> PgTx::LoadRoles(int64_t user_id) {
  Params p;
  p.Bind(user_id);
  ASSIGN_OR_RETURN(pqxx::result r,
                   Exec("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY position", p));
  std::vector<domain::Role> roles;
  for (const auto& raw : r) {
    Row row(raw);
    roles.push_back(row.Enum(0, domain::ParseRole));
    RETURN_IF_ERROR(row.decode_status());
  }
  return roles;
}

Status PgTx::WriteRoles(int64_t user_id, const std::vector<domain::Role>& roles) {
  {
    Params p;
    p.Bind(user_id);
    RETURN_IF_ERROR(Exec("DELETE FROM user_roles WHERE user_id = $1", p).status());
  }
  int position = 0;
  for (domain::Role role : roles) {
    // A role given twice is kept once, at its first position.
    Params p;
    p.BindAll(user_id, position++, domain::RoleName(role));
    RETURN_IF_ERROR(Exec("INSERT INTO user_roles (user_id, position, role) "
                         "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                         p)
                        .status());
  }
  return Status::Ok();
}

Result<int64_t> PgTx::InsertUser(const User& user, const std::string& password_hash) {
  RETURN_IF_ERROR(CheckWritable());
  Params p;
  p.BindAll(user.username, user.display_name, password_hash, user.partner_id, user.active,
            user.locale, user.created_at, user.updated_at, user.version);
  ASSIGN_OR_RETURN(const int64_t id,
                   ExecInt("INSERT INTO users (username, display_name, password_hash, "
                           "partner_id, active, locale, created_at, updated_at, version) "
                           "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                           p, "insert"));
  RETURN_IF_ERROR(WriteRoles(id, user.roles));
  return id;
}

Result<UserRecord> PgTx::LoadUser(std::string_view where_sql, const Params& params) {
  UserRecord rec;
  {
    ASSIGN_OR_RETURN(
        pqxx::result r,
        Exec(Select(kUserCols, "FROM users u WHERE ") + std::string(where_sql), params));
    if (r.empty()) return Status::NotFound("user not found");
    Row row(r[0]);
    rec = ReadUser(row);
    RETURN_IF_ERROR(row.decode_status());
  }
  ASSIGN_OR_RETURN(rec.user.roles, LoadRoles(rec.user.id));
  return rec;
}

Result<UserRecord> PgTx::GetUser(int64_t id) {
  Params p;
  p.Bind(id);
  return LoadUser("u.id = $1", p);
}

Result<UserRecord> PgTx::GetUserByUsername(const std::string& username) {
  Params p;
  p.Bind(username);
  return LoadUser("u.username = $1", p);
}

Status PgTx::UpdateUser(const User& user, int64_t expected_version,
                        const std::string& password_hash) {
  RETURN_IF_ERROR(CheckWritable());
  {
    Params p;
    p.BindAll(user.username, user.display_name, user.partner_id, user.active, user.locale,
              user.updated_at, password_hash, user.id, expected_version);
    ASSIGN_OR_RETURN(pqxx::result r,
                     Exec("UPDATE users SET username = $1, display_name = $2, partner_id = $3, "
                          "active = $4, locale = $5, updated_at = $6, version = version + 1, "
                          "password_hash = CASE WHEN $7 = '' THEN password_hash ELSE $7 END "
                          "WHERE id = $8 AND version = $9",
                          p));
    RETURN_IF_ERROR(VersionedUpdateResult(*this, r.affected_rows(), "users", user.id, "user"));
  }
  return WriteRoles(user.id, user.roles);
}

Result<Page<User>> PgTx::ListUsers(const PageRequest& page) {
  Page<User> out;
  ASSIGN_OR_RETURN(out.total, CountUsers());
  const Where none;
  ASSIGN_OR_RETURN(
      auto records,
      ReadPage<UserRecord>(Select(kUserCols, "FROM users u ORDER BY u.id LIMIT ? OFFSET ?"), none,
                           page, ReadUser));
  for (auto& rec : records) {
    ASSIGN_OR_RETURN(rec.user.roles, LoadRoles(rec.user.id));
    out.items.push_back(std::move(rec.user));
  }
  return out;
}

Result<int64_t> PgTx::CountUsers() { return CountRows("users", Where()); }

Status PgTx::InsertSession(const std::string& token_hash, int64_t user_id, Millis created_at,
                           Millis expires_at) {
  RETURN_IF_ERROR(CheckWritable());
  {
    // Expired sessions are of no use to anyone; dropping them here keeps the table small.
    Params p;
    p.Bind(created_at);
    RETURN_IF_ERROR(Exec("DELETE FROM sessions WHERE expires_at <= $1", p).status());
  }
  Params p;
  p.BindAll(token_hash, user_id, created_at, expires_at);
  return Exec(
             "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
             "VALUES ($1, $2, $3, $4)",
             p)
      .status();
}

Result<UserRecord> PgTx::GetSessionUser(const std::string& token_hash, Millis now) {
  UserRecord rec;
  {
    Params p;
    p.BindAll(token_hash, now);
    ASSIGN_OR_RETURN(pqxx::result r, Exec(Select(kUserCols,
                                                 "FROM sessions s JOIN users u ON u.id = s.user_id "
                                                 "WHERE s.token_hash = $1 AND s.expires_at > $2"),
                                          p));
    if (r.empty()) return Status::Unauthenticated("session expired or unknown");
    Row row(r[0]);
    rec = ReadUser(row);
    RETURN_IF_ERROR(row.decode_status());
  }
  ASSIGN_OR_RETURN(rec.user.roles, LoadRoles(rec.user.id));
  return rec;
}

Status PgTx::DeleteSession(const std::string& token_hash) {
  RETURN_IF_ERROR(CheckWritable());
  Params p;
  p.Bind(token_hash);
  return Exec("DELETE FROM sessions WHERE token_hash = $1", p).status();
}

Status PgTx::DeleteSessionsOfUser(int64_t user_id, const std::string& keep_token_hash) {
  RETURN_IF_ERROR(CheckWritable());
  Params p;
  p.Bind(user_id);
  p.Bind(keep_token_hash);
  return Exec("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2", p).status();
}

// ---- events ----

Status PgTx::InsertEvent(const Event& e) {
  RETURN_IF_ERROR(CheckWritable());
  if (failure() != Failure::kNone) return failure_status();
  Columns<7> row;
  row.AddRow(e.entity, e.entity_id, e.action, e.user_id, e.username, e.data, e.created_at);
  // Refused now, as a statement with it would be (Run): the transaction goes on.
  if (row.has_nul()) return Status(Code::kValidationFailed, "text may not contain NUL characters");
  // Written with the next statement or before COMMIT (Flush).
  pending_events_.AddRow(e.entity, e.entity_id, e.action, e.user_id, e.username, e.data,
                         e.created_at);
  return Status::Ok();
}

namespace {
constexpr const char* kEventColumns =
    "SELECT id, entity, entity_id, action, user_id, username, data, created_at FROM events";

Event ReadEvent(Row& row) {
  Event e;
  e.id = row.Int(0);
  e.entity = row.Text(1);
  e.entity_id = row.Int(2);
  e.action = row.Text(3);
  e.user_id = row.Int(4);
  e.username = row.Text(5);
  e.data = row.Text(6);
  e.created_at = row.Int(7);
  return e;
}
}  // namespace

Result<std::vector<Event>> PgTx::ListEvents(const std::string& entity, int64_t entity_id) {
  Params p;
  p.BindAll(entity, entity_id);
  ASSIGN_OR_RETURN(
      pqxx::result r,
      Exec(std::string(kEventColumns) + " WHERE entity = $1 AND entity_id = $2 ORDER BY id", p));
  std::vector<Event> out;
  out.reserve(r.size());
  for (const auto& raw : r) {
    Row row(raw);
    Event e = ReadEvent(row);
    RETURN_IF_ERROR(row.decode_status());
    out.push_back(std::move(e));
  }
  return out;
}

Result<Page<Event>> PgTx::ListAuditEvents(const EventFilter& f) {
  Where where;
  AddEventFilter(where, f);
  Page<Event> out;
  ASSIGN_OR_RETURN(out.total, CountRows("events", where));
  ASSIGN_OR_RETURN(out.items, ReadPage<Event>(std::string(kEventColumns) + where.Sql() +
                                                  " ORDER BY id DESC LIMIT ? OFFSET ?",
                                              where, f.page, ReadEvent));
  return out;
}

// ---- idempotency keys ----

Result<std::optional<IdempotencyRecord>> PgTx::GetIdempotency(int64_t user_id,
                                                              const std::string& key) {
  Params p;
  p.BindAll(user_id, key);
  ASSIGN_OR_RETURN(pqxx::result r, Exec("SELECT request_hash, status, body FROM "
                                        "idempotency_keys WHERE user_id = $1 AND key = $2",
                                        p));
  if (r.empty()) return std::optional<IdempotencyRecord>();
  Row row(r[0]);
  IdempotencyRecord rec;
  rec.request_hash = row.Text(0);
  rec.status = static_cast<int>(row.Int(1));
  rec.body = row.Text(2);
  RETURN_IF_ERROR(row.decode_status());
  return std::optional<IdempotencyRecord>(std::move(rec));
}

Status PgTx::PutIdempotency(int64_t user_id, const std::string& key, const IdempotencyRecord& rec,
                            Millis now) {
  RETURN_IF_ERROR(CheckWritable());
  // A concurrent request with the same key (another thread or another server) that
  // commits first makes this INSERT fail with a unique violation on the primary key;
  // PgStore then runs the whole use case again, and the second run finds its record.
  Params p;
  p.BindAll(user_id, key, rec.request_hash, rec.status, rec.body, now);
  return Exec(
             "INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, "
             "created_at) VALUES ($1, $2, $3, $4, $5, $6)",
             p)
      .status();
}

}  // namespace ordo::storage::postgres
