#pragma once
// Users and their roles (the users and user_roles tables), written once for both
// databases on storage/sql.h. Methods return kNotFound for a missing user, kConflict
// "username already exists" for a username in use, and kConflict "stale version" when an
// update finds another version.
//
// Not thread-safe: reached through its Tx (tx.users()) and belongs to it.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/entities.h"
#include "storage/page.h"
#include "storage/sql.h"

namespace ordo::storage {

struct UserRecord {
  domain::User user;
  std::string password_hash;
};

class UserRepo {
 public:
  explicit UserRepo(Sql& sql) : sql_(sql) {}

  Result<int64_t> Insert(const domain::User& user, const std::string& password_hash);
  Result<UserRecord> Get(int64_t id);
  Result<UserRecord> GetByUsername(const std::string& username);
  // Writes user (roles included) if its stored version is expected_version; bumps it.
  // A non-empty password_hash replaces the stored one.
  Status Update(const domain::User& user, int64_t expected_version,
                const std::string& password_hash);
  // Oldest first.
  Result<Page<domain::User>> List(const PageRequest& page);
  Result<int64_t> Count();

 private:
  friend class SessionRepo;  // reads the user of a session as Get does

  // The user of the one row of st (a SELECT of UserColumns()), with its roles;
  // `not_found` when there is no row.
  Result<UserRecord> ReadUser(Statement& st, Status not_found);
  Result<std::vector<domain::Role>> LoadRoles(int64_t user_id);
  Status WriteRoles(int64_t user_id, const std::vector<domain::Role>& roles);

  Sql& sql_;
};

// The columns ReadUser decodes, of `users u`.
std::string_view UserColumns();

}  // namespace ordo::storage
