#pragma once
// The HTTP face of Ordo: /healthz, /api/openapi.json, /api/v1/... and the console's
// static files at /. Authenticates the bearer token, dispatches to the route, and maps
// every Status to its error answer. Every answer carries X-Frame-Options: DENY,
// Referrer-Policy: no-referrer and a Content-Security-Policy: the console's (what its
// built files need, nothing from elsewhere) on static files, `default-src 'none'` on the
// rest. Thread-safe after construction.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "http/codecs.h"
#include "http/router.h"
#include "http/server.h"
#include "service/services.h"

namespace ordo::http {

// What a route handler gets.
struct Ctx {
  const Request& req;
  std::map<std::string, std::string> params;
  domain::User user;    // empty for public routes
  domain::Actor actor;  // the user as the use cases see it
  const Codec& codec;
  std::string token = {};  // the caller's bearer token (empty for public routes)

  // Path parameter {id} as an integer in canonical form ("12", not "012"); 404 otherwise.
  Result<int64_t> Id(const char* name = "id") const;
  // If-Match: absent → nullopt; "3", "\"3\"", W/"3" → 3; anything else 422.
  Result<std::optional<int64_t>> IfMatch() const;
  Result<storage::PageRequest> Page() const;
  Result<nlohmann::json> Body() const { return ParseBody(req.body); }
};

using RouteHandler = std::function<Result<Response>(Ctx&)>;

// Who may call a route, checked right after the token and before the body is read (403
// whatever was sent): any of `roles`, or with `self` any user whose own id is the path's
// {id}. No roles and no self: every signed-in user (the use case narrows further).
struct Gate {
  Gate() = default;
  Gate(std::vector<domain::Role> r) : roles(std::move(r)) {}  // NOLINT: a role list is a gate
  Gate(std::initializer_list<domain::Role> r) : roles(r) {}
  static Gate RolesOrSelf(std::vector<domain::Role> r) {
    Gate g(std::move(r));
    g.self = true;
    return g;
  }
  std::vector<domain::Role> roles;
  bool self = false;
};

struct RouteSpec {
  RouteHandler handler;
  bool public_route = false;  // no token needed
  Gate gate;
};

// For actions that take no body: an empty body or `{}` passes; any field is 422 "unknown
// field", anything else 400 invalid_json.
Status NoFields(const Ctx& c);

// An optional integer query parameter; 422 when present and not an id.
Status QueryIdParam(const Ctx& c, const char* name, std::optional<int64_t>* out);
// "a,b,,c" -> {"a", "b", "", "c"}: a query parameter's comma-separated values (an empty
// one is kept, to be refused as unknown).
std::vector<std::string> SplitCommas(const std::string& all);
// The `from` and `to` query parameters (business dates YYYY-MM-DD, both inclusive) as
// the instants [start of from, start of the day after to); a bad date is added to errors.
void ReadDateRange(const Ctx& c, const TimeZone& tz, FieldErrors& errors,
                   std::optional<Millis>* from, std::optional<Millis>* to);

Response JsonResponse(int status, const nlohmann::json& body);
nlohmann::json PageJson(const nlohmann::json& items, int64_t total,
                        const storage::PageRequest& page);

// Who may call a route: the roles of its `x-roles` in the OpenAPI document. Checked before
// the handler runs, so a role that may not act gets 403 whatever body it sent; the use
// cases check again (and check what depends on the record or the body).
struct RoleGate {
  std::vector<domain::Role> roles;
  bool self = false;  // also any user whose id is the path's {id}
};

struct ApiOptions {
  std::string web_dir;  // the built console (web/dist); empty: a small placeholder page
};

class Api {
 public:
  Api(service::Services& services, ApiOptions options);
  Response Handle(const Request& req);

  void Add(std::string method, std::string pattern, RouteHandler h, bool public_route = false);
  // A route only the given roles may call.
  void Add(std::string method, std::string pattern, Gate gate, RouteHandler h);
  service::Services& services() { return services_; }
  // "METHOD /pattern" of every route, for the OpenAPI check (`ordo routes`).
  std::vector<std::string> RouteList() const;

 private:
  Response Route(const Request& req);
  Response Dispatch(const Request& req);
  Response Static(const Request& req);

  service::Services& services_;
  ApiOptions options_;
  Codec codec_;
  Router<RouteSpec> router_;
  std::map<std::string, RoleGate> gates_;  // by "METHOD /pattern"; public routes have none
};

// Route groups (one file each).
void AddAuthRoutes(Api& api);
void AddUserRoutes(Api& api);
void AddMasterRoutes(Api& api);
void AddStockRoutes(Api& api);
void AddOrderRoutes(Api& api);
void AddAuditRoutes(Api& api);
void AddSettingsRoutes(Api& api);

}  // namespace ordo::http
