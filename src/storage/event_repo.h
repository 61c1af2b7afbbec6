#pragma once
// Audit events (the events table, append-only), written once for both databases on
// storage/sql.h. Insert first offers the event to the Sql's KeepEvent hook: PostgreSQL
// keeps it and writes all it kept in one statement before the transaction's next
// statement or its COMMIT (postgres/pg_tx.h); SQLite declines and the event is inserted
// here at once.
//
// Not thread-safe: reached through its Tx (tx.events()) and belongs to it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/time.h"
#include "domain/order.h"
#include "storage/page.h"
#include "storage/sql.h"

namespace ordo::storage {

// The audit log across every record (EventFilter fields are ANDed).
struct EventFilter {
  std::string entity;  // "order", "customer", ...; empty = any
  std::optional<int64_t> entity_id;
  std::optional<int64_t> user_id;
  std::string action;          // "create", "submit", ...; empty = any
  std::optional<Millis> from;  // created_at >= from
  std::optional<Millis> to;    // created_at < to
  PageRequest page;
};

class EventRepo {
 public:
  explicit EventRepo(Sql& sql) : sql_(sql) {}

  Status Insert(const domain::Event& e);
  // The events of one record, oldest first.
  Result<std::vector<domain::Event>> List(const std::string& entity, int64_t entity_id);
  // The audit log, newest first.
  Result<Page<domain::Event>> ListAudit(const EventFilter& f);

 private:
  Sql& sql_;
};

}  // namespace ordo::storage
