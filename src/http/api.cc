#include "http/api.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "http/errors.h"

namespace ordo::http {

extern const std::string_view kOpenApiJson;

Result<int64_t> Ctx::Id(const char* name) const {
  auto it = params.find(name);
  // One spelling per record: "01" is not record 1 (nor is "1/": the router matches
  // whole paths, so a trailing slash never reaches here).
  if (it == params.end() || it->second.empty() || it->second.size() > 18 ||
      (it->second.size() > 1 && it->second.front() == '0')) {
    return Status::NotFound("no such record");
  }
  int64_t v = 0;
  for (char c : it->second) {
    if (c < '0' || c > '9') return Status::NotFound("no such record");
    v = v * 10 + (c - '0');
  }
  return v;
}

Result<std::optional<int64_t>> Ctx::IfMatch() const {
  std::string v = req.Header("if-match");
  if (v.empty()) return std::optional<int64_t>();
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
    return Status::Invalid("If-Match", "must be the record's version number");
  }
  return std::optional<int64_t>(std::stoll(v));
}

Result<storage::PageRequest> Ctx::Page() const {
  storage::PageRequest p;
  FieldErrors errors;
  auto read = [&](const char* name, int min, int max, int* out) {
    if (!req.HasQuery(name)) return;
    const std::string v = req.Query(name);
    if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) {
      errors.Add(name, "must be a whole number");
      return;
    }
    const int n = std::stoi(v);
    if (n < min || n > max) {
      errors.Add(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
      return;
    }
    *out = n;
  };
  read("page", 1, 1000000, &p.page);
  read("page_size", 1, 200, &p.page_size);
  if (!errors.empty()) return errors.Finish();
  return p;
}

Status NoFields(const Ctx& c) {
  if (c.req.body.find_first_not_of(" \t\r\n") == std::string::npos) return Status::Ok();
  ASSIGN_OR_RETURN(auto body, c.Body());
  FieldErrors errors;
  Reader r(body, errors);
  r.CheckUnknown();
  return errors.Finish();
}

Response JsonResponse(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

nlohmann::json PageJson(const nlohmann::json& items, int64_t total,
                        const storage::PageRequest& page) {
  return {{"items", items}, {"total", total}, {"page", page.page}, {"page_size", page.page_size}};
}

Api::Api(service::Services& services, ApiOptions options)
    : services_(services), options_(std::move(options)) {
  codec_.tz = services_.deps.tz;
  AddAuthRoutes(*this);
  AddUserRoutes(*this);
  AddMasterRoutes(*this);
  AddStockRoutes(*this);
  AddOrderRoutes(*this);
  AddAuditRoutes(*this);
  AddSettingsRoutes(*this);
}

void Api::Add(std::string method, std::string pattern, RouteHandler h, bool public_route) {
  router_.Add(std::move(method), std::move(pattern), RouteSpec{std::move(h), public_route, {}});
}

void Api::Add(std::string method, std::string pattern, Gate gate, RouteHandler h) {
  router_.Add(std::move(method), std::move(pattern),
              RouteSpec{std::move(h), false, std::move(gate)});
}

std::vector<std::string> Api::RouteList() const {
  std::vector<std::string> out;
  for (const auto& r : router_.routes()) out.push_back(r.method + " " + r.pattern);
  return out;
}

namespace {

// The console is a Vite build: scripts, styles and fonts are files under /assets, nothing
// inline. Styles allow 'unsafe-inline' because Element Plus and ECharts write style
// attributes (tooltips, poppers); images may be data: URIs. Nothing is loaded from
// elsewhere, and nothing may frame the console (clickjacking).
constexpr const char* kConsolePolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
// Answers that are data, not documents: nothing to load, nothing may frame them.
constexpr const char* kDataPolicy = "default-src 'none'; frame-ancestors 'none'";

// 405 method_not_allowed (the path exists, not with this method).
Response MethodNotAllowed(const Request& req) {
  Response r = ErrorResponse(Status(Code::kNotFound, "method not allowed on this path"),
                             req.request_id, LangOf(req));
  r.status = 405;
  nlohmann::json body = nlohmann::json::parse(r.body);
  body["error"]["code"] = "method_not_allowed";
  r.body = body.dump();
  return r;
}

bool IsConsolePath(const std::string& path) {
  return path != "/healthz" && path.rfind("/api/", 0) != 0;
}

}  // namespace

Response Api::Handle(const Request& req) {
  Response resp = Route(req);
  resp.headers.emplace_back("Content-Security-Policy",
                            IsConsolePath(req.path) ? kConsolePolicy : kDataPolicy);
  resp.headers.emplace_back("X-Frame-Options", "DENY");
  resp.headers.emplace_back("Referrer-Policy", "no-referrer");
  // Answers of the API are data of this moment (orders, stock): never kept by a cache.
  if (!IsConsolePath(req.path)) resp.headers.emplace_back("Cache-Control", "no-store");
  return resp;
}

Response Api::Route(const Request& req) {
  // The server answers HEAD like GET, so the handler sees GET for both.
  if (req.path == "/healthz" || req.path == "/api/openapi.json") {
    if (req.method != "GET") return MethodNotAllowed(req);
  }
  Response resp;
  if (req.path == "/healthz") {
    Status st = services_.deps.store->Ping();
    // API.md: {"status": "ok"} or 503 {"status": "unavailable"} (a load balancer's check).
    resp = st.ok() ? JsonResponse(200, {{"status", "ok"}})
                   : JsonResponse(503, {{"status", "unavailable"}});
  } else if (req.path == "/api/openapi.json") {
    resp.body = std::string(kOpenApiJson);
  } else if (req.path.rfind("/api/", 0) == 0) {
    resp = Dispatch(req);
  } else {
    resp = Static(req);
  }
  return resp;
}

Response Api::Dispatch(const Request& req) {
  std::map<std::string, std::string> params;
  bool path_known = false;
  const auto* route = router_.Lookup(req.method, req.path, &params, &path_known);
  if (!route) {
    if (path_known) return MethodNotAllowed(req);
    return ErrorResponse(Status::NotFound("no such endpoint"), req.request_id, LangOf(req));
  }
  Ctx ctx{req, std::move(params), {}, {}, codec_};
  if (!route->handler.public_route) {
    const std::string auth = req.Header("authorization");
    std::string token;
    if (auth.size() > 7 &&
        (auth.compare(0, 7, "Bearer ") == 0 || auth.compare(0, 7, "bearer ") == 0)) {
      token = auth.substr(7);
    }
    auto user = services_.auth.Authenticate(token);
    if (!user.ok()) return ErrorResponse(user.status(), req.request_id, LangOf(req));
    ctx.user = std::move(user).value();
    ctx.actor = service::ActorOf(ctx.user);
    const Gate& gate = route->handler.gate;
    const bool own = gate.self && ctx.params.count("id") &&
                     ctx.params.at("id") == std::to_string(ctx.actor.user_id);
    const bool has_role = std::any_of(gate.roles.begin(), gate.roles.end(),
                                      [&](domain::Role r) { return ctx.actor.Has(r); });
    if ((!gate.roles.empty() || gate.self) && !has_role && !own) {
      return ErrorResponse(Status::Forbidden("your role does not allow this action"),
                           req.request_id, LangOf(req));
    }
    ctx.token = std::move(token);
  }
  auto result = route->handler.handler(ctx);
  if (!result.ok()) return ErrorResponse(result.status(), req.request_id, LangOf(req));
  return std::move(result).value();
}

namespace {

std::string MimeOf(const std::string& path) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".ttf", "font/ttf"},
      {".map", "application/json"},
      {".txt", "text/plain; charset=utf-8"}};
  for (const auto& [ext, type] : kTypes) {
    const std::string e = ext;
    if (path.size() >= e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0) {
      return type;
    }
  }
  return "application/octet-stream";
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

constexpr const char* kPlaceholder = R"(<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Ordo 銷售訂單管理</title></head>
<body><h1>Ordo</h1><p>The API is at <a href="/api/openapi.json">/api/openapi.json</a>.
The console has not been built (run <code>make build</code>).</p></body></html>
)";

}  // namespace

Response Api::Static(const Request& req) {
  Response r;
  if (req.method != "GET" && req.method != "HEAD") {
    return ErrorResponse(Status::NotFound("no such endpoint"), req.request_id, LangOf(req));
  }
  if (req.path.find("..") != std::string::npos) {
    return ErrorResponse(Status::NotFound("no such file"), req.request_id, LangOf(req));
  }
  std::string body;
  std::string path = req.path == "/" ? "/index.html" : req.path;
  if (!options_.web_dir.empty() && ReadFile(options_.web_dir + path, &body)) {
    r.content_type = MimeOf(path);
    if (path.rfind("/assets/", 0) == 0) {
      r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
    }
    r.body = std::move(body);
    return r;
  }
  // The console is a single-page app: unknown paths without an extension get index.html.
  const bool looks_like_file = path.find('.', path.rfind('/')) != std::string::npos;
  if (looks_like_file)
    return ErrorResponse(Status::NotFound("no such file"), req.request_id, LangOf(req));
  r.content_type = "text/html; charset=utf-8";
  r.headers.emplace_back("Cache-Control", "no-cache");
  if (options_.web_dir.empty() || !ReadFile(options_.web_dir + "/index.html", &r.body)) {
    r.body = kPlaceholder;
  }
  return r;
}

}  // namespace ordo::http
