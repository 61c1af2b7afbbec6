#include "service/audit.h"

namespace ordo::service {

Status Audit(storage::Tx& tx, const Deps& deps, const domain::Actor& actor, std::string_view entity,
             int64_t entity_id, std::string_view action, const nlohmann::json& data) {
  domain::Event e;
  e.entity = std::string(entity);
  e.entity_id = entity_id;
  e.action = std::string(action);
  e.user_id = actor.user_id;
  e.username = actor.username;
  e.data = data.is_null() ? "{}" : data.dump();
  e.created_at = deps.Now();
  return tx.events().Insert(e);
}

nlohmann::json Diff(const nlohmann::json& before, const nlohmann::json& after) {
  nlohmann::json out = nlohmann::json::object();
  for (auto it = after.begin(); it != after.end(); ++it) {
    auto old = before.find(it.key());
    if (old == before.end() || *old != it.value()) {
      out[it.key()] = {{"before", old == before.end() ? nlohmann::json() : *old},
                       {"after", it.value()}};
    }
  }
  return out;
}

}  // namespace ordo::service
