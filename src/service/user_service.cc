#include "service/user_service.h"

#include <algorithm>

#include "service/access.h"
#include "service/audit.h"
#include "service/auth_service.h"

namespace ordo::service {

using domain::Role;

namespace {
nlohmann::json RoleNames(const std::vector<Role>& roles) {
  nlohmann::json out = nlohmann::json::array();
  for (Role r : roles) out.push_back(domain::RoleName(r));
  return out;
}
}  // namespace

Status ValidateUser(const domain::User& user, const std::string* password) {
  FieldErrors errors;
  const auto& u = user.username;
  const bool shape_ok = !u.empty() && u.size() <= 64 && std::all_of(u.begin(), u.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
  if (!shape_ok) errors.Add("username", "1-64 characters of a-z, 0-9, _ . -");
  if (user.display_name.size() > 200) errors.Add("display_name", "at most 200 characters");
  if (user.roles.empty()) errors.Add("roles", "at least one role");
  const bool partner =
      std::find(user.roles.begin(), user.roles.end(), Role::kPartner) != user.roles.end();
  if (partner && !user.partner_id) errors.Add("partner_id", "required for the partner role");
  // API.md: a partner user has no internal role (it would see every partner's records).
  if (partner && user.roles.size() > 1) errors.Add("roles", "a partner user has no other role");
  if (!partner && user.partner_id) errors.Add("partner_id", "only for users with the partner role");
  if (password && (password->size() < 8 || password->size() > 200)) {
    errors.Add("password", "8 to 200 characters");
  }
  if (user.locale != "zh-CN" && user.locale != "zh-TW" && user.locale != "en") {
    errors.Add("locale", "one of zh-CN, zh-TW, en");
  }
  return errors.Finish();
}

Result<domain::User> UserService::Create(const domain::Actor& actor, NewUser input) {
  RETURN_IF_ERROR(Require(actor, {Role::kAdmin}));
  domain::User& user = input.user;
  RETURN_IF_ERROR(ValidateUser(user, &input.password));
  const std::string hash = HashPassword(input.password);  // slow: outside the writer
  user.created_at = user.updated_at = deps_.Now();
  user.version = 1;
  RETURN_IF_ERROR(deps_.store->Write([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(user.id, tx.users().Insert(user, hash));
    return Audit(tx, deps_, actor, "user", user.id, "create",
                 {{"username", user.username}, {"roles", RoleNames(user.roles)}});
  }));
  return user;
}

Result<storage::Page<domain::User>> UserService::List(const domain::Actor& actor,
                                                      const storage::PageRequest& page) {
  RETURN_IF_ERROR(Require(actor, {Role::kAdmin, Role::kAuditor}));
  storage::Page<domain::User> out;
  RETURN_IF_ERROR(deps_.store->Read([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.users().List(page));
    return Status::Ok();
  }));
  return out;
}

Result<domain::User> UserService::Get(const domain::Actor& actor, int64_t id) {
  if (actor.user_id != id) RETURN_IF_ERROR(Require(actor, {Role::kAdmin, Role::kAuditor}));
  domain::User out;
  RETURN_IF_ERROR(deps_.store->Read([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rec, tx.users().Get(id));
    out = std::move(rec.user);
    return Status::Ok();
  }));
  return out;
}

Result<domain::User> UserService::Update(const domain::Actor& actor, int64_t id,
                                         const UserPatch& patch, std::optional<int64_t> if_match,
                                         const std::string& actor_token) {
  const bool admin = actor.Has(Role::kAdmin);
  if (!admin) {
    if (actor.user_id != id) return Status::Forbidden("only an admin may change other users");
    if (patch.roles || patch.partner_id || patch.active) {
      return Status::Forbidden("only an admin may change roles or status");
    }
  }
  const std::string hash = patch.password ? HashPassword(*patch.password) : std::string();
  const std::string keep_session =
      actor.user_id == id && !actor_token.empty() ? TokenHash(actor_token) : std::string();
  domain::User out;
  RETURN_IF_ERROR(deps_.store->Write([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rec, tx.users().Get(id));
    domain::User user = rec.user;
    RETURN_IF_ERROR(CheckVersion(if_match, user.version));
    // What changed, field by field ({"before", "after"}); the password only as "changed".
    nlohmann::json changes = nlohmann::json::object();
    auto note = [&](const char* field, const nlohmann::json& before, const nlohmann::json& after) {
      if (before != after) changes[field] = {{"before", before}, {"after", after}};
    };
    auto opt = [](const std::optional<int64_t>& v) {
      return v ? nlohmann::json(*v) : nlohmann::json();
    };
    if (patch.display_name) {
      note("display_name", user.display_name, *patch.display_name);
      user.display_name = *patch.display_name;
    }
    if (patch.roles) {
      note("roles", RoleNames(user.roles), RoleNames(*patch.roles));
      user.roles = *patch.roles;
    }
    if (patch.partner_id) {
      note("partner_id", opt(user.partner_id), opt(*patch.partner_id));
      user.partner_id = *patch.partner_id;
    }
    if (patch.active) {
      note("active", user.active, *patch.active);
      user.active = *patch.active;
    }
    if (patch.locale) {
      note("locale", user.locale, *patch.locale);
      user.locale = *patch.locale;
    }
    if (patch.password) changes["password"] = "changed";
    // An update that changes nothing writes nothing.
    if (changes.empty()) {
      out = user;
      return Status::Ok();
    }
    RETURN_IF_ERROR(ValidateUser(user, patch.password ? &*patch.password : nullptr));
    if (admin && user.id == actor.user_id &&
        (!user.active || !actor.Has(Role::kAdmin) ||
         std::find(user.roles.begin(), user.roles.end(), Role::kAdmin) == user.roles.end())) {
      return Status::Invalid("roles",
                             "you cannot remove your own admin role or deactivate yourself");
    }
    user.updated_at = deps_.Now();
    user.version = rec.user.version + 1;
    RETURN_IF_ERROR(tx.users().Update(user, rec.user.version, hash));
    if (patch.password || (patch.active && !*patch.active) || patch.roles) {
      // A changed password, role set or deactivation ends the user's sessions (but the
      // one making the change, when the user changes itself).
      RETURN_IF_ERROR(tx.sessions().DeleteOfUser(id, keep_session));
    }
    out = user;
    return Audit(tx, deps_, actor, "user", id, "update", changes);
  }));
  return out;
}

}  // namespace ordo::service
