// /api/v1/users
#include "http/api.h"

namespace ordo::http {

void AddUserRoutes(Api& api) {
  auto& s = api.services();
  api.Add("POST", "/api/v1/users", {domain::Role::kAdmin}, [&s](Ctx& c) -> Result<Response> {
    ASSIGN_OR_RETURN(auto body, c.Body());
    FieldErrors errors;
    Reader r(body, errors);
    service::NewUser in;
    ReadUser(r, in);
    r.CheckUnknown();
    if (!errors.empty()) return errors.Finish();
    ASSIGN_OR_RETURN(auto user, s.users.Create(c.actor, std::move(in)));
    return JsonResponse(201, c.codec.UserJson(user));
  });

  api.Add("GET", "/api/v1/users", [&s](Ctx& c) -> Result<Response> {
    ASSIGN_OR_RETURN(auto page, c.Page());
    ASSIGN_OR_RETURN(auto result, s.users.List(c.actor, page));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& u : result.items) items.push_back(c.codec.UserJson(u));
    return JsonResponse(200, PageJson(items, result.total, page));
  });

  api.Add("GET", "/api/v1/users/{id}", [&s](Ctx& c) -> Result<Response> {
    ASSIGN_OR_RETURN(int64_t id, c.Id());
    ASSIGN_OR_RETURN(auto user, s.users.Get(c.actor, id));
    return JsonResponse(200, c.codec.UserJson(user));
  });

  api.Add("PATCH", "/api/v1/users/{id}", Gate::RolesOrSelf({domain::Role::kAdmin}),
          [&s](Ctx& c) -> Result<Response> {
            ASSIGN_OR_RETURN(int64_t id, c.Id());
            ASSIGN_OR_RETURN(auto if_match, c.IfMatch());
            ASSIGN_OR_RETURN(auto body, c.Body());
            FieldErrors errors;
            Reader r(body, errors);
            service::UserPatch patch;
            ReadUserPatch(r, patch);
            r.CheckUnknown();
            if (!errors.empty()) return errors.Finish();
            // Users set their own password through PATCH /api/v1/me, which asks for the
            // current one; here only an admin sets passwords (a reset ends all of that
            // user's sessions).
            if (patch.password && !c.actor.Has(domain::Role::kAdmin)) {
              return Status::Forbidden("change your own password with PATCH /api/v1/me");
            }
            ASSIGN_OR_RETURN(auto user, s.users.Update(c.actor, id, patch, if_match, c.token));
            return JsonResponse(200, c.codec.UserJson(user));
          });
}

}  // namespace ordo::http
