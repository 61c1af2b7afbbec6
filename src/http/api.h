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

struct RouteSpec {
  RouteHandler handler;
  bool public_route = false;  // no token needed
};

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

struct ApiOptions {
  std::string web_dir;  // the built console (web/dist); empty: a small placeholder page
};

class Api {
 public:
  Api(service::Services& services, ApiOptions options);
  Response Handle(const Request& req);

  void Add(std::string method, std::string pattern, RouteHandler h, bool public_route = false);
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
};

// Route groups (one file each).
void AddAuthRoutes(Api& api);
void AddUserRoutes(Api& api);
void AddMasterRoutes(Api& api);
void AddStockRoutes(Api& api);
void AddOrderRoutes(Api& api);
void AddAuditRoutes(Api& api);

}  // namespace ordo::http
