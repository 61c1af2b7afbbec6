#include "domain/roles.h"

#include <algorithm>

namespace ordo::domain {

namespace {
struct RoleEntry {
  Role role;
  std::string_view name;
};
constexpr RoleEntry kRoleNames[] = {
    {Role::kAdmin, "admin"},
    {Role::kSalesRep, "sales_rep"},
    {Role::kSalesManager, "sales_manager"},
    {Role::kFinance, "finance"},
    {Role::kWarehouse, "warehouse"},
    {Role::kProduction, "production"},
    {Role::kLogistics, "logistics"},
    {Role::kService, "service"},
    {Role::kAnalyst, "analyst"},
    {Role::kAuditor, "auditor"},
    {Role::kPartner, "partner"},
};
}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& e : kRoleNames) {
    if (e.role == role) return e.name;
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (const auto& e : kRoleNames) {
    if (e.name == name) return e.role;
  }
  return std::nullopt;
}

bool Actor::Has(Role r) const { return std::find(roles.begin(), roles.end(), r) != roles.end(); }

bool Actor::HasAny(std::initializer_list<Role> rs) const {
  return std::any_of(rs.begin(), rs.end(), [this](Role r) { return Has(r); });
}

bool Actor::IsPartnerOnly() const {
  return Has(Role::kPartner) &&
         !HasAny({Role::kAdmin, Role::kSalesRep, Role::kSalesManager, Role::kFinance,
                  Role::kWarehouse, Role::kProduction, Role::kLogistics, Role::kService,
                  Role::kAnalyst, Role::kAuditor});
}

Actor SystemActor() {
  Actor a;
  a.user_id = 0;
  a.username = "system";
  a.roles = {Role::kAdmin};
  return a;
}

}  // namespace ordo::domain
