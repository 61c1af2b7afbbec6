#pragma once
// Users and roles (admin), and the caller's own profile. Thread-safe.

#include <functional>
#include <nlohmann/json.hpp>

#include "domain/entities.h"
#include "service/deps.h"

namespace ordo::service {

struct NewUser {
  domain::User user;
  std::string password;
};

struct UserPatch {
  std::optional<std::string> display_name;
  std::optional<std::vector<domain::Role>> roles;
  std::optional<std::optional<int64_t>> partner_id;
  std::optional<bool> active;
  std::optional<std::string> password;
  std::optional<std::string> locale;
};

class UserService {
 public:
  explicit UserService(const Deps& deps) : deps_(deps) {}
  Result<domain::User> Create(const domain::Actor& actor, NewUser input);
  Result<storage::Page<domain::User>> List(const domain::Actor& actor,
                                           const storage::PageRequest& page);
  Result<domain::User> Get(const domain::Actor& actor, int64_t id);
  // Admins change anyone; a user may change its own display_name, locale and password
  // (the HTTP layer sends users to PATCH /api/v1/me for the password, which checks the
  // current one). A changed password, role set or deactivation ends the user's sessions:
  // all of them, or, when the actor changes itself, all but the session of
  // `actor_token` (the caller's bearer token).
  Result<domain::User> Update(const domain::Actor& actor, int64_t id, const UserPatch& patch,
                              std::optional<int64_t> if_match, const std::string& actor_token);

 private:
  const Deps& deps_;
};

// Field problems of a user (username shape, password length, partner role rules).
Status ValidateUser(const domain::User& user, const std::string* password);

}  // namespace ordo::service
