#pragma once
// Sessions (the sessions table: a token's hash, its user, when it expires), written once
// for both databases on storage/sql.h.
//
// Not thread-safe: reached through its Tx (tx.sessions()) and belongs to it.

#include <cstdint>
#include <string>

#include "common/time.h"
#include "storage/sql.h"
#include "storage/user_repo.h"

namespace ordo::storage {

class SessionRepo {
 public:
  // `users` reads the user of a session.
  SessionRepo(Sql& sql, UserRepo& users) : sql_(sql), users_(users) {}

  // Also drops the sessions expired at created_at.
  Status Insert(const std::string& token_hash, int64_t user_id, Millis created_at,
                Millis expires_at);
  // The user of an unexpired session; kUnauthenticated otherwise.
  Result<UserRecord> GetUser(const std::string& token_hash, Millis now);
  Status Delete(const std::string& token_hash);
  // Every session of the user but the one whose hash is `keep_token_hash` ("": all).
  Status DeleteOfUser(int64_t user_id, const std::string& keep_token_hash);

 private:
  Sql& sql_;
  UserRepo& users_;
};

}  // namespace ordo::storage
