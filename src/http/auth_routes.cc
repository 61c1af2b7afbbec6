// /api/v1/auth/login, /api/v1/auth/logout, /api/v1/me
#include "http/api.h"

namespace ordo::http {

void AddAuthRoutes(Api& api) {
  auto& s = api.services();
  api.Add(
      "POST", "/api/v1/auth/login",
      [&s](Ctx& c) -> Result<Response> {
        ASSIGN_OR_RETURN(auto body, c.Body());
        FieldErrors errors;
        Reader r(body, errors);
        auto username = r.String("username", true, 200);
        auto password = r.String("password", true, 200);
        r.CheckUnknown();
        if (!errors.empty()) return errors.Finish();
        ASSIGN_OR_RETURN(auto login, s.auth.Login(*username, *password, c.req.client_addr));
        return JsonResponse(200, {{"token", login.token},
                                  {"expires_at", c.codec.Time(login.expires_at)},
                                  {"user", c.codec.UserJson(login.user)}});
      },
      true);

  api.Add("POST", "/api/v1/auth/logout", [&s](Ctx& c) -> Result<Response> {
    RETURN_IF_ERROR(NoFields(c));
    RETURN_IF_ERROR(s.auth.Logout(c.token));
    Response r;
    r.status = 204;
    return r;
  });

  api.Add("GET", "/api/v1/me",
          [](Ctx& c) -> Result<Response> { return JsonResponse(200, c.codec.UserJson(c.user)); });

  api.Add("PATCH", "/api/v1/me", [&s](Ctx& c) -> Result<Response> {
    ASSIGN_OR_RETURN(auto body, c.Body());
    FieldErrors errors;
    Reader r(body, errors);
    service::UserPatch patch;
    if (auto v = r.String("display_name", false, 200)) patch.display_name = *v;
    if (auto v = r.String("locale")) patch.locale = *v;
    if (auto v = r.String("password", false, 200)) {
      // Changing one's own password needs the current one.
      r.String("current_password", true, 200);
      patch.password = *v;
    }
    r.Has("current_password");  // read above when a password is given; ignored otherwise
    r.CheckUnknown();
    if (!errors.empty()) return errors.Finish();
    if (patch.password) {
      RETURN_IF_ERROR(
          s.auth.CheckCurrentPassword(c.user.username, body.value("current_password", "")));
    }
    // A new password ends the user's other sessions; this one stays.
    ASSIGN_OR_RETURN(auto user, s.users.Update(c.actor, c.user.id, patch, std::nullopt, c.token));
    return JsonResponse(200, c.codec.UserJson(user));
  });
}

}  // namespace ordo::http
