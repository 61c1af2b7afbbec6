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
        ASSIGN_OR_RETURN(auto login, s.auth.Login(*username, *password, c.req.remote_addr));
        return JsonResponse(200, {{"token", login.token},
                                  {"expires_at", c.codec.Time(login.expires_at)},
                                  {"user", c.codec.UserJson(login.user)}});
      },
      true);

  api.Add("POST", "/api/v1/auth/logout", [&s](Ctx& c) -> Result<Response> {
    RETURN_IF_ERROR(NoFields(c));
    const std::string auth = c.req.Header("authorization");
    RETURN_IF_ERROR(s.auth.Logout(auth.substr(7)));
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
      auto check =
          s.auth.Login(c.user.username, body.value("current_password", ""), c.req.remote_addr);
      if (!check.ok()) return Status::Invalid("current_password", "wrong password");
      RETURN_IF_ERROR(s.auth.Logout(check->token));
    }
    ASSIGN_OR_RETURN(auto user, s.users.Update(c.actor, c.user.id, patch, std::nullopt));
    return JsonResponse(200, c.codec.UserJson(user));
  });
}

}  // namespace ordo::http
