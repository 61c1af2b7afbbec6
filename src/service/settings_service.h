#pragma once
// The company's settings (GET/PATCH /api/v1/settings). Everyone signed in reads
// `company` (it is printed on documents); admin reads and writes the rest. Stored one row a
// key as the API's JSON; a key without a row has its default (domain/settings.h).
// Thread-safe.

#include <nlohmann/json.hpp>

#include "domain/roles.h"
#include "domain/settings.h"
#include "service/deps.h"
#include "service/master_service.h"

namespace ordo::service {

// The settings as the API answers them (every key).
nlohmann::json SettingsJson(const domain::Settings& s);

// The stored settings over their defaults, inside a transaction (what the use cases that
// follow a setting read).
Result<domain::Settings> LoadSettings(storage::Tx& tx);

// Checks the rules that span fields (weights add up to 1, the company's USCC).
Status ValidateSettings(const domain::Settings& s);

class SettingsService {
 public:
  explicit SettingsService(const Deps& deps) : deps_(deps) {}

  struct Visible {
    domain::Settings settings;
    bool company_only = true;  // the caller may see only `company`
  };
  Result<Visible> Get(const domain::Actor& actor);
  // Applies the edit, validates, stores the keys that changed and audits them (before and
  // after); a patch that changes nothing writes nothing. Admin only.
  Result<domain::Settings> Update(const domain::Actor& actor, const Edit<domain::Settings>& edit);

 private:
  const Deps& deps_;
};

}  // namespace ordo::service
