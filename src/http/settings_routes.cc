// /api/v1/settings: everyone signed in reads `company`; admin reads and writes the rest.
#include "http/api.h"

namespace ordo::http {

void AddSettingsRoutes(Api& api) {
  auto& s = api.services();
  api.Add("GET", "/api/v1/settings", [&s](Ctx& c) -> Result<Response> {
    ASSIGN_OR_RETURN(auto visible, s.settings.Get(c.actor));
    nlohmann::json out = service::SettingsJson(visible.settings);
    out["time_zone"] = s.deps.tz.name;  // set at start (ORDO_TIMEZONE), shown here
    if (visible.company_only) out = {{"company", out["company"]}};
    return JsonResponse(200, out);
  });
  api.Add("PATCH", "/api/v1/settings", {domain::Role::kAdmin}, [&s](Ctx& c) -> Result<Response> {
    ASSIGN_OR_RETURN(auto body, c.Body());
    {
      FieldErrors errors;
      Reader r(body, errors);
      domain::Settings scratch;
      ReadSettings(r, scratch);
      r.CheckUnknown();
      if (!errors.empty()) return errors.Finish();
    }
    ASSIGN_OR_RETURN(auto out, s.settings.Update(c.actor, [&body](domain::Settings& st) -> Status {
      FieldErrors errors;
      Reader r(body, errors);
      ReadSettings(r, st);
      r.CheckUnknown();
      return errors.Finish();
    }));
    nlohmann::json answer = service::SettingsJson(out);
    answer["time_zone"] = s.deps.tz.name;
    return JsonResponse(200, answer);
  });
}

}  // namespace ordo::http
