// /api/v1/audit/events: the audit log (admin, auditor)
#include <algorithm>
#include <array>
#include <string_view>

#include "http/api.h"

namespace ordo::http {

void AddAuditRoutes(Api& api) {
  auto& s = api.services();
  api.Add("GET", "/api/v1/audit/events", [&s](Ctx& c) -> Result<Response> {
    storage::EventFilter f;
    ASSIGN_OR_RETURN(f.page, c.Page());
    FieldErrors errors;
    // The kinds of record the use cases log (service/audit.h callers).
    static constexpr std::array<std::string_view, 7> kEntities = {
        "order", "customer", "product", "warehouse", "stock", "user", "settings"};
    f.entity = c.req.Query("entity");
    if (!f.entity.empty() &&
        std::find(kEntities.begin(), kEntities.end(), f.entity) == kEntities.end()) {
      errors.Add("entity", "must be one of order customer product warehouse stock user settings");
    }
    if (!QueryIdParam(c, "entity_id", &f.entity_id).ok()) errors.Add("entity_id", "must be an id");
    if (!QueryIdParam(c, "user_id", &f.user_id).ok()) errors.Add("user_id", "must be an id");
    f.action = c.req.Query("action");
    if (f.action.size() > 64) errors.Add("action", "at most 64 bytes");
    ReadDateRange(c, s.deps.tz, errors, &f.from, &f.to);
    if (!errors.empty()) return errors.Finish();
    ASSIGN_OR_RETURN(auto result, s.audit.List(c.actor, f));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& e : result.items) items.push_back(c.codec.EventJson(e));
    return JsonResponse(200, PageJson(items, result.total, f.page));
  });
}

}  // namespace ordo::http
