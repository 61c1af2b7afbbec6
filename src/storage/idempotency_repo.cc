#include "storage/idempotency_repo.h"

#include <utility>

namespace ordo::storage {

Result<std::optional<IdempotencyRecord>> IdempotencyRepo::Get(int64_t user_id,
                                                              const std::string& key) {
  ASSIGN_OR_RETURN(Statement st, sql_.Prepare("SELECT request_hash, status, body FROM "
                                              "idempotency_keys WHERE user_id = ? AND key = ?"));
  st.BindAll(user_id, key);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<IdempotencyRecord>();
  IdempotencyRecord rec;
  rec.request_hash = st.Text(0);
  rec.status = static_cast<int>(st.Int(1));
  rec.body = st.Text(2);
  RETURN_IF_ERROR(st.decode_status());
  return std::optional<IdempotencyRecord>(std::move(rec));
}

Status IdempotencyRepo::Put(int64_t user_id, const std::string& key, const IdempotencyRecord& rec,
                            Millis now) {
  RETURN_IF_ERROR(sql_.CheckWritable());
  ASSIGN_OR_RETURN(Statement st, sql_.Prepare("INSERT INTO idempotency_keys (user_id, key, "
                                              "request_hash, status, body, created_at) "
                                              "VALUES (?, ?, ?, ?, ?, ?)"));
  st.BindAll(user_id, key, rec.request_hash, rec.status, rec.body, now);
  return st.Run();
}

}  // namespace ordo::storage
