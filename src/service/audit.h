#pragma once
// Audit events: every use case that changes something writes one, in its transaction.

#include <nlohmann/json.hpp>
#include <string>

#include "domain/roles.h"
#include "service/deps.h"

namespace ordo::service {

Status Audit(storage::Tx& tx, const Deps& deps, const domain::Actor& actor, std::string_view entity,
             int64_t entity_id, std::string_view action, const nlohmann::json& data);

// {"field": {"before": old, "after": new}} for the fields that differ between two JSON objects.
nlohmann::json Diff(const nlohmann::json& before, const nlohmann::json& after);

}  // namespace ordo::service
