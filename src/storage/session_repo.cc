#include "storage/session_repo.h"

#include <string>

#include "storage/query.h"

namespace ordo::storage {

Status SessionRepo::Insert(const std::string& token_hash, int64_t user_id, Millis created_at,
                           Millis expires_at) {
  RETURN_IF_ERROR(sql_.CheckWritable());
  {
    // Expired sessions are of no use to anyone; dropping them here keeps the table small.
    ASSIGN_OR_RETURN(Statement purge, sql_.Prepare("DELETE FROM sessions WHERE expires_at <= ?"));
    purge.Bind(created_at);
    RETURN_IF_ERROR(purge.Run());
  }
  ASSIGN_OR_RETURN(Statement st, sql_.Prepare("INSERT INTO sessions (token_hash, user_id, "
                                              "created_at, expires_at) VALUES (?, ?, ?, ?)"));
  st.BindAll(token_hash, user_id, created_at, expires_at);
  return st.Run();
}

Result<UserRecord> SessionRepo::GetUser(const std::string& token_hash, Millis now) {
  // Built once: every authenticated request reads it.
  static const std::string sql = Select(UserColumns(),
                                        "FROM sessions s JOIN users u ON u.id = s.user_id "
                                        "WHERE s.token_hash = ? AND s.expires_at > ?");
  ASSIGN_OR_RETURN(Statement st, sql_.Prepare(sql));
  st.BindAll(token_hash, now);
  return users_.ReadUser(st, Status::Unauthenticated("session expired or unknown"));
}

Status SessionRepo::Delete(const std::string& token_hash) {
  RETURN_IF_ERROR(sql_.CheckWritable());
  ASSIGN_OR_RETURN(Statement st, sql_.Prepare("DELETE FROM sessions WHERE token_hash = ?"));
  st.Bind(token_hash);
  return st.Run();
}

Status SessionRepo::DeleteOfUser(int64_t user_id, const std::string& keep_token_hash) {
  RETURN_IF_ERROR(sql_.CheckWritable());
  ASSIGN_OR_RETURN(Statement st,
                   sql_.Prepare("DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?"));
  st.BindAll(user_id, keep_token_hash);
  return st.Run();
}

}  // namespace ordo::storage
