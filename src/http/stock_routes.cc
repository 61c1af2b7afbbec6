// /api/v1/stock, /api/v1/stock/adjustments, /api/v1/stock/movements
#include "http/api.h"

namespace ordo::http {

Status QueryIdParam(const Ctx& c, const char* name, std::optional<int64_t>* out) {
  if (!c.req.HasQuery(name)) return Status::Ok();
  const std::string v = c.req.Query(name);
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
    return Status::Invalid(name, "must be an id");
  }
  *out = std::stoll(v);
  return Status::Ok();
}

// "a,b,,c" -> {"a", "b", "", "c"} (an empty part is kept, to be refused as unknown).
std::vector<std::string> SplitCommas(const std::string& all) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= all.size()) {
    size_t j = all.find(',', i);
    if (j == std::string::npos) j = all.size();
    out.push_back(all.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

void ReadDateRange(const Ctx& c, const TimeZone& tz, FieldErrors& errors,
                   std::optional<Millis>* from, std::optional<Millis>* to) {
  for (const char* name : {"from", "to"}) {
    if (!c.req.HasQuery(name)) continue;
    auto d = ParseDate(c.req.Query(name));
    if (!d.ok()) {
      errors.Add(name, "must be a date YYYY-MM-DD");
      continue;
    }
    // from: start of that day; to: inclusive, so up to the start of the next day.
    if (std::string_view(name) == "from") {
      *from = tz.StartOf(*d);
    } else {
      *to = tz.StartOf(Date{d->days + 1});
    }
  }
}

void AddStockRoutes(Api& api) {
  auto& s = api.services();
  api.Add("GET", "/api/v1/stock", [&s](Ctx& c) -> Result<Response> {
    storage::StockFilter f;
    ASSIGN_OR_RETURN(f.page, c.Page());
    RETURN_IF_ERROR(QueryIdParam(c, "product_id", &f.product_id));
    RETURN_IF_ERROR(QueryIdParam(c, "warehouse_id", &f.warehouse_id));
    if (c.req.HasQuery("product_ids")) {
      // At most 200 (the product picker asks for one page of products at a time).
      for (const std::string& one : SplitCommas(c.req.Query("product_ids"))) {
        if (one.empty() || one.size() > 18 ||
            one.find_first_not_of("0123456789") != std::string::npos ||
            f.product_ids.size() >= 200) {
          return Status::Invalid("product_ids", "at most 200 ids separated by commas");
        }
        f.product_ids.push_back(std::stoll(one));
      }
    }
    f.below_safety_only = c.req.Query("below_safety") == "true";
    ASSIGN_OR_RETURN(auto result, s.stock.List(c.actor, f));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& x : result.items) items.push_back(c.codec.StockJson(x));
    return JsonResponse(200, PageJson(items, result.total, f.page));
  });
  using R = domain::Role;
  api.Add("POST", "/api/v1/stock/adjustments", {R::kAdmin, R::kWarehouse},
          [&s](Ctx& c) -> Result<Response> {
            ASSIGN_OR_RETURN(auto body, c.Body());
            FieldErrors errors;
            Reader r(body, errors);
            service::StockAdjustment adj;
            ReadAdjustment(r, adj);
            r.CheckUnknown();
            if (!errors.empty()) return errors.Finish();
            ASSIGN_OR_RETURN(auto row, s.stock.Adjust(c.actor, adj));
            return JsonResponse(201, c.codec.StockJson(row));
          });
  api.Add("GET", "/api/v1/stock/movements", [&s](Ctx& c) -> Result<Response> {
    storage::MovementFilter f;
    ASSIGN_OR_RETURN(f.page, c.Page());
    RETURN_IF_ERROR(QueryIdParam(c, "product_id", &f.product_id));
    RETURN_IF_ERROR(QueryIdParam(c, "warehouse_id", &f.warehouse_id));
    RETURN_IF_ERROR(QueryIdParam(c, "order_id", &f.order_id));
    ASSIGN_OR_RETURN(auto result, s.stock.Movements(c.actor, f));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& x : result.items) items.push_back(c.codec.MovementJson(x));
    return JsonResponse(200, PageJson(items, result.total, f.page));
  });
}

}  // namespace ordo::http
