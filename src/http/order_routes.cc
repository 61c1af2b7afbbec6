// /api/v1/orders and its actions
#include <sodium.h>

#include <algorithm>
#include <string>
#include <vector>

#include "http/api.h"

namespace ordo::http {

namespace {

Response OrderResponse(int status, const Ctx& c, const domain::Order& o) {
  Response r;
  r.status = status;
  r.body = OrderJsonText(c.codec, o, true);
  return r;
}

// The hash of the request as parsed, so whitespace and key order do not matter.
std::string RequestHash(const Request& req, const nlohmann::json& body) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  const std::string text = req.method + " " + req.path + "\n" + body.dump();
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

Result<storage::OrderFilter> ReadFilter(const Ctx& c, const TimeZone& tz) {
  storage::OrderFilter f;
  ASSIGN_OR_RETURN(f.page, c.Page());
  FieldErrors errors;
  const auto& q = c.req;
  if (q.HasQuery("status")) {
    for (const std::string& one : SplitCommas(q.Query("status"))) {
      if (auto st = domain::ParseOrderStatus(one)) {
        f.statuses.push_back(*st);
      } else {
        errors.Add("status", "unknown status '" + one + "'");
      }
    }
  }
  Status st = QueryIdParam(c, "customer_id", &f.customer_id);
  if (!st.ok()) errors.Add("customer_id", "must be an id");
  if (q.HasQuery("channel")) {
    f.channel = domain::ParseChannel(q.Query("channel"));
    if (!f.channel) errors.Add("channel", "must be one of phone email visit web ecommerce partner");
  }
  f.q = q.Query("q");
  if (f.q.size() > 200) errors.Add("q", "at most 200 bytes");
  ReadDateRange(c, tz, errors, &f.from, &f.to);
  if (q.HasQuery("sort")) {
    static const std::pair<const char*, storage::OrderSort> kSorts[] = {
        {"-created_at", storage::OrderSort::kCreatedDesc},
        {"created_at", storage::OrderSort::kCreatedAsc},
        {"-number", storage::OrderSort::kNumberDesc},
        {"number", storage::OrderSort::kNumberAsc},
        {"-gross", storage::OrderSort::kGrossDesc},
        {"gross", storage::OrderSort::kGrossAsc}};
    bool found = false;
    for (const auto& [name, sort] : kSorts) {
      if (q.Query("sort") == name) {
        f.sort = sort;
        found = true;
      }
    }
    if (!found) errors.Add("sort", "one of created_at -created_at number -number gross -gross");
  }
  if (q.Query("mine") == "true") f.created_by = c.actor.user_id;
  if (q.HasQuery("awaiting")) {
    for (const std::string& one : SplitCommas(q.Query("awaiting"))) {
      if (auto d = domain::ParseDepartment(one)) {
        if (std::find(f.awaiting.begin(), f.awaiting.end(), *d) == f.awaiting.end()) {
          f.awaiting.push_back(*d);
        }
      } else {
        errors.Add("awaiting", "one or more of sales finance warehouse, separated by commas");
      }
    }
  }
  if (!errors.empty()) return errors.Finish();
  return f;
}

// Reads {"reason": "..."} (the body may be empty for actions without one).
Result<std::string> ReadReason(Ctx& c, bool required) {
  if (c.req.body.empty() && !required) return std::string();
  if (c.req.body.empty()) return Status::Invalid("reason", "required");
  ASSIGN_OR_RETURN(auto body, c.Body());
  FieldErrors errors;
  Reader r(body, errors);
  auto reason = r.Text("reason", required, 1000);
  r.CheckUnknown();
  if (!errors.empty()) return errors.Finish();
  return reason.value_or("");
}

using Action = std::function<Result<domain::Order>(Ctx&, int64_t, std::optional<int64_t>)>;

RouteHandler OrderAction(Action action) {
  return [action](Ctx& c) -> Result<Response> {
    ASSIGN_OR_RETURN(int64_t id, c.Id());
    ASSIGN_OR_RETURN(auto if_match, c.IfMatch());
    ASSIGN_OR_RETURN(auto order, action(c, id, if_match));
    return OrderResponse(200, c, order);
  };
}

}  // namespace

void AddOrderRoutes(Api& api) {
  auto& s = api.services();
  const TimeZone tz = s.deps.tz;
  using R = domain::Role;
  const std::vector<R> writers = {R::kAdmin, R::kSalesRep, R::kSalesManager, R::kPartner};
  const std::vector<R> reviewers = {R::kAdmin, R::kSalesManager, R::kFinance, R::kWarehouse};
  const std::vector<R> holders = {R::kAdmin, R::kSalesManager, R::kFinance};

  api.Add("POST", "/api/v1/orders", writers, [&s](Ctx& c) -> Result<Response> {
    ASSIGN_OR_RETURN(auto body, c.Body());
    FieldErrors errors;
    Reader r(body, errors);
    service::OrderInput in;
    ReadOrderInput(r, in, true);
    r.CheckUnknown();
    service::CheckOrderInput(in, errors);
    if (!errors.empty()) return errors.Finish();
    service::IdempotencyKey idem;
    idem.key = c.req.Header("idempotency-key");
    if (idem.key.size() > 200) return Status::Invalid("Idempotency-Key", "at most 200 bytes");
    if (!idem.key.empty()) {
      idem.request_hash = RequestHash(c.req, body);
      idem.render = [&c](const domain::Order& o) { return c.codec.OrderJson(o).dump(); };
    }
    ASSIGN_OR_RETURN(auto result, s.orders.Create(c.actor, in, idem));
    Response resp;
    if (result.replayed) {
      resp.status = 201;
      resp.body = result.first_answer;
      resp.headers.emplace_back("Idempotent-Replayed", "true");
      return resp;
    }
    resp = OrderResponse(201, c, result.order);
    resp.headers.emplace_back("Location", "/api/v1/orders/" + std::to_string(result.order.id));
    return resp;
  });

  api.Add("GET", "/api/v1/orders", [&s, tz](Ctx& c) -> Result<Response> {
    ASSIGN_OR_RETURN(auto f, ReadFilter(c, tz));
    ASSIGN_OR_RETURN(auto result, s.orders.List(c.actor, f));
    // The bytes of JsonResponse(200, PageJson(items, ...)): keys in sorted order.
    Response r;
    r.body = "{\"items\":[";
    for (size_t i = 0; i < result.items.size(); ++i) {
      if (i > 0) r.body += ',';
      r.body += OrderJsonText(c.codec, result.items[i], false);
    }
    r.body += "],\"page\":" + std::to_string(f.page.page) +
              ",\"page_size\":" + std::to_string(f.page.page_size) +
              ",\"total\":" + std::to_string(result.total) + "}";
    return r;
  });

  api.Add("GET", "/api/v1/orders/{id}", [&s](Ctx& c) -> Result<Response> {
    ASSIGN_OR_RETURN(int64_t id, c.Id());
    ASSIGN_OR_RETURN(auto order, s.orders.Get(c.actor, id));
    return OrderResponse(200, c, order);
  });

  api.Add("PATCH", "/api/v1/orders/{id}", writers,
          OrderAction([&s](Ctx& c, int64_t id, std::optional<int64_t> v) -> Result<domain::Order> {
            ASSIGN_OR_RETURN(auto body, c.Body());
            FieldErrors errors;
            Reader r(body, errors);
            service::OrderInput in;
            ReadOrderInput(r, in, false);
            r.CheckUnknown();
            service::CheckOrderInput(in, errors);
            if (!errors.empty()) return errors.Finish();
            auto view = [&c](const domain::Order& o) { return c.codec.OrderJson(o); };
            return s.orders.Edit(c.actor, id, in, v, view);
          }));

  api.Add("POST", "/api/v1/orders/{id}/submit", writers,
          OrderAction([&s](Ctx& c, int64_t id, std::optional<int64_t> v) -> Result<domain::Order> {
            RETURN_IF_ERROR(NoFields(c));
            return s.orders.Submit(c.actor, id, v);
          }));

  api.Add("POST", "/api/v1/orders/{id}/reviews", reviewers,
          OrderAction([&s](Ctx& c, int64_t id, std::optional<int64_t> v) -> Result<domain::Order> {
            ASSIGN_OR_RETURN(auto body, c.Body());
            FieldErrors errors;
            Reader r(body, errors);
            domain::ReviewRequest req;
            ReadReview(r, req);
            r.CheckUnknown();
            if (!errors.empty()) return errors.Finish();
            return s.orders.Review(c.actor, id, req, v);
          }));

  api.Add("POST", "/api/v1/orders/{id}/confirm", writers,
          OrderAction([&s](Ctx& c, int64_t id, std::optional<int64_t> v) -> Result<domain::Order> {
            RETURN_IF_ERROR(NoFields(c));
            return s.orders.Confirm(c.actor, id, v);
          }));

  api.Add("POST", "/api/v1/orders/{id}/cancel", writers,
          OrderAction([&s](Ctx& c, int64_t id, std::optional<int64_t> v) -> Result<domain::Order> {
            ASSIGN_OR_RETURN(auto reason, ReadReason(c, true));
            return s.orders.Cancel(c.actor, id, reason, v);
          }));

  api.Add("POST", "/api/v1/orders/{id}/hold", holders,
          OrderAction([&s](Ctx& c, int64_t id, std::optional<int64_t> v) -> Result<domain::Order> {
            ASSIGN_OR_RETURN(auto reason, ReadReason(c, true));
            return s.orders.Hold(c.actor, id, reason, v);
          }));

  api.Add("POST", "/api/v1/orders/{id}/release", holders,
          OrderAction([&s](Ctx& c, int64_t id, std::optional<int64_t> v) -> Result<domain::Order> {
            RETURN_IF_ERROR(NoFields(c));
            return s.orders.Release(c.actor, id, v);
          }));

  api.Add("GET", "/api/v1/orders/{id}/events", [&s](Ctx& c) -> Result<Response> {
    ASSIGN_OR_RETURN(int64_t id, c.Id());
    ASSIGN_OR_RETURN(auto events, s.orders.Events(c.actor, id));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& e : events) items.push_back(c.codec.EventJson(e));
    return JsonResponse(200, {{"items", items}, {"total", items.size()}});
  });
}

}  // namespace ordo::http
