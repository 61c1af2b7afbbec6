#pragma once
// Idempotency keys, per user (the idempotency_keys table): the answer given to the first
// request with a key, replayed to its repeats. Written once for both databases on
// storage/sql.h.
//
// Two requests with one key at once: on SQLite the single writer runs them one after the
// other, so the second finds the first's record. On PostgreSQL the one that commits
// second fails its Put with a unique violation on the primary key, which the backend
// classifies as a lost race (postgres/connection.cc): PgStore runs the whole use case
// again, and the rerun finds the record.
//
// Not thread-safe: reached through its Tx (tx.idempotency()) and belongs to it.

#include <cstdint>
#include <optional>
#include <string>

#include "common/time.h"
#include "storage/sql.h"

namespace ordo::storage {

struct IdempotencyRecord {
  std::string request_hash;
  int status = 0;
  std::string body;
};

class IdempotencyRepo {
 public:
  explicit IdempotencyRepo(Sql& sql) : sql_(sql) {}

  // The record stored under the user's key; nullopt when there is none.
  Result<std::optional<IdempotencyRecord>> Get(int64_t user_id, const std::string& key);
  // kConflict "key already exists" when the user's key has a record.
  Status Put(int64_t user_id, const std::string& key, const IdempotencyRecord& rec, Millis now);

 private:
  Sql& sql_;
};

}  // namespace ordo::storage
