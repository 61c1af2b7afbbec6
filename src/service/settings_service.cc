#include "service/settings_service.h"

#include "domain/uscc.h"
#include "service/access.h"
#include "service/audit.h"

namespace ordo::service {

using nlohmann::json;

namespace {

// Reads a stored value leniently: a key that no longer parses keeps its default (the
// API refuses such values, so only a hand-edited row can hold one).
void ApplyStored(const std::string& key, const json& v, domain::Settings& s) {
  auto rate = [](const json& x, Rate& out) {
    if (!x.is_string()) return;
    auto r = Rate::Parse(x.get<std::string>());
    if (r.ok()) out = *r;
  };
  if (key == "company" && v.is_object()) {
    auto str = [&](const char* k, std::string& out) {
      if (v.contains(k) && v[k].is_string()) out = v[k].get<std::string>();
    };
    str("name", s.company.name);
    str("uscc", s.company.uscc);
    str("address", s.company.address);
    str("bank_name", s.company.bank_name);
    str("bank_account", s.company.bank_account);
    str("phone", s.company.phone);
  } else if (key == "freight_tax_rate") {
    rate(v, s.freight_tax_rate);
  } else if (key == "return_policy_days" && v.is_object()) {
    for (const auto& [k, d] : v.items()) {
      if (d.is_number_integer()) s.return_policy_days[k] = d.get<int>();
    }
  } else if (key == "complaint_deadlines" && v.is_object()) {
    for (const auto& [k, d] : v.items()) {
      if (!d.is_object()) continue;
      domain::ComplaintDeadline cd;
      cd.acknowledge_days = d.value("acknowledge_days", cd.acknowledge_days);
      cd.resolve_days = d.value("resolve_days", cd.resolve_days);
      s.complaint_deadlines[k] = cd;
    }
  } else if (key == "scorecard_weights" && v.is_object()) {
    for (const auto& [k, w] : v.items()) rate(w, s.scorecard_weights[k]);
  } else if (key == "allow_self_review" && v.is_boolean()) {
    s.allow_self_review = v.get<bool>();
  } else if (key == "confirmation_channels" && v.is_array()) {
    s.confirmation_channels.clear();
    for (const auto& c : v) {
      if (!c.is_string()) continue;
      if (auto ch = domain::ParseChannel(c.get<std::string>())) {
        s.confirmation_channels.push_back(*ch);
      }
    }
  } else if (key == "archive_after_days" && v.is_number_integer()) {
    s.archive_after_days = v.get<int>();
  }
}

}  // namespace

json SettingsJson(const domain::Settings& s) {
  json out;
  out["company"] = {{"name", s.company.name},
                    {"uscc", s.company.uscc},
                    {"address", s.company.address},
                    {"bank_name", s.company.bank_name},
                    {"bank_account", s.company.bank_account},
                    {"phone", s.company.phone}};
  out["freight_tax_rate"] = s.freight_tax_rate.ToTrimmed();
  out["return_policy_days"] = s.return_policy_days;
  json deadlines = json::object();
  for (const auto& [k, d] : s.complaint_deadlines) {
    deadlines[k] = {{"acknowledge_days", d.acknowledge_days}, {"resolve_days", d.resolve_days}};
  }
  out["complaint_deadlines"] = deadlines;
  json weights = json::object();
  for (const auto& [k, w] : s.scorecard_weights) weights[k] = w.ToTrimmed();
  out["scorecard_weights"] = weights;
  out["allow_self_review"] = s.allow_self_review;
  json channels = json::array();
  for (auto c : s.confirmation_channels) channels.push_back(domain::ChannelName(c));
  out["confirmation_channels"] = channels;
  out["archive_after_days"] = s.archive_after_days;
  return out;
}

Result<domain::Settings> LoadSettings(storage::Tx& tx) {
  domain::Settings s;
  ASSIGN_OR_RETURN(auto rows, tx.settings().All());
  for (const auto& [key, text] : rows) {
    const json v = json::parse(text, nullptr, false);
    if (!v.is_discarded()) ApplyStored(key, v, s);
  }
  return s;
}

Status ValidateSettings(const domain::Settings& s) {
  FieldErrors e;
  if (!s.company.uscc.empty()) {
    const std::string problem = domain::UsccProblem(s.company.uscc);
    if (!problem.empty()) e.Add("company.uscc", problem);
  }
  if (s.freight_tax_rate.is_negative() || s.freight_tax_rate >= Rate::FromInt(1)) {
    e.Add("freight_tax_rate", "must be at least 0 and below 1");
  }
  Rate sum;
  for (const auto& [k, w] : s.scorecard_weights) {
    if (w.is_negative() || w > Rate::FromInt(1)) {
      e.Add("scorecard_weights." + k, "must be between 0 and 1");
    }
    sum += w;
  }
  if (sum != Rate::FromInt(1)) e.Add("scorecard_weights", "the weights must add up to 1");
  return e.Finish();
}

Result<SettingsService::Visible> SettingsService::Get(const domain::Actor& actor) {
  Visible out;
  out.company_only = !actor.Has(domain::Role::kAdmin);
  RETURN_IF_ERROR(deps_.store->Read([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out.settings, LoadSettings(tx));
    return Status::Ok();
  }));
  return out;
}

Result<domain::Settings> SettingsService::Update(const domain::Actor& actor,
                                                 const Edit<domain::Settings>& edit) {
  RETURN_IF_ERROR(Require(actor, {domain::Role::kAdmin}));
  domain::Settings s;
  RETURN_IF_ERROR(deps_.store->Write([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(s, LoadSettings(tx));
    const json before = SettingsJson(s);
    RETURN_IF_ERROR(edit(s));
    RETURN_IF_ERROR(ValidateSettings(s));
    const json after = SettingsJson(s);
    const json changes = Diff(before, after);
    if (changes.empty()) return Status::Ok();
    for (const auto& [key, value] : changes.items()) {
      RETURN_IF_ERROR(tx.settings().Put(key, after[key].dump()));
    }
    return Audit(tx, deps_, actor, "settings", 0, "update", changes);
  }));
  return s;
}

}  // namespace ordo::service
