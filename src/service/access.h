#pragma once
// Role checks shared by the use cases.

#include <initializer_list>

#include "common/status.h"
#include "domain/roles.h"

namespace ordo::service {

// Ok when the actor holds any of the roles (admin is not implied: list it).
inline Status Require(const domain::Actor& actor, std::initializer_list<domain::Role> roles) {
  if (actor.HasAny(roles)) return Status::Ok();
  return Status::Forbidden("your role does not allow this action");
}

// Every role that works inside the company (all but partner).
inline Status RequireStaff(const domain::Actor& actor) {
  using R = domain::Role;
  return Require(actor, {R::kAdmin, R::kSalesRep, R::kSalesManager, R::kFinance, R::kWarehouse,
                         R::kProduction, R::kLogistics, R::kService, R::kAnalyst, R::kAuditor});
}

// A partner user sees only records of its own partner. Returns kNotFound (not 403) for
// another partner's record so that ids do not leak.
inline Status CheckPartnerScope(const domain::Actor& actor, std::optional<int64_t> owner,
                                std::string_view what) {
  if (!actor.IsPartnerOnly()) return Status::Ok();
  if (actor.partner_id && owner && *owner == *actor.partner_id) return Status::Ok();
  return Status::NotFound(std::string(what) + " not found");
}

// Checks an If-Match version against the record's.
inline Status CheckVersion(std::optional<int64_t> expected, int64_t actual) {
  if (expected && *expected != actual) {
    return Status(Code::kConflict,
                  "the record was changed by someone else (version " + std::to_string(actual) + ")")
        .AddDetail("version", std::to_string(actual));
  }
  return Status::Ok();
}

}  // namespace ordo::service
