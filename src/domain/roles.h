#pragma once
// Roles and the permission checks every use case makes. Pure; thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ordo::domain {

enum class Role {
  kAdmin,
  kSalesRep,
  kSalesManager,
  kFinance,
  kWarehouse,
  kProduction,
  kLogistics,
  kService,
  kAnalyst,
  kAuditor,
  kPartner,
};

inline constexpr Role kAllRoles[] = {Role::kAdmin,     Role::kSalesRep,  Role::kSalesManager,
                                     Role::kFinance,   Role::kWarehouse, Role::kProduction,
                                     Role::kLogistics, Role::kService,   Role::kAnalyst,
                                     Role::kAuditor,   Role::kPartner};

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

// Who is acting: the authenticated user as the use cases see it.
struct Actor {
  int64_t user_id = 0;
  std::string username;
  std::vector<Role> roles;
  std::optional<int64_t> partner_id;  // set for partner users

  bool Has(Role r) const;
  bool HasAny(std::initializer_list<Role> rs) const;
  // A partner user who is not also staff: sees only its partner's records.
  bool IsPartnerOnly() const;
};

// The system actor for the demo loader and bootstrap.
Actor SystemActor();

}  // namespace ordo::domain
