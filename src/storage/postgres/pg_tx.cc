// PgTx: events, idempotency keys, and the movements and events kept
// until the next statement.

#include "storage/postgres/pg_tx.h"

#include <string>

#include "storage/sql_filters.h"

namespace ordo::storage::postgres {

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
