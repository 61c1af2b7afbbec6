// PgTx: the movements and events kept until the next statement.

#include "storage/postgres/pg_tx.h"

#include <optional>
#include <string>

namespace ordo::storage::postgres {

// The movements and events kept by InsertMovement and KeepEvent, each table's rows from
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

std::optional<Status> PgTx::KeepEvent(const Event& e) {
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

}  // namespace ordo::storage::postgres
