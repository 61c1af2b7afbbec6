// /api/v1/customers, /api/v1/products, /api/v1/warehouses
#include "http/api.h"

namespace ordo::http {

namespace {

// Reads a body into a fresh record; 422 with every bad field.
template <typename T, typename ReadFn>
Result<T> ReadNew(Ctx& c, ReadFn read) {
  ASSIGN_OR_RETURN(auto body, c.Body());
  FieldErrors errors;
  Reader r(body, errors);
  T record;
  read(r, record);
  r.CheckUnknown();
  if (!errors.empty()) return errors.Finish();
  return record;
}

// A PATCH body as an edit applied to the stored record inside the transaction.
template <typename T, typename ReadFn>
Result<service::Edit<T>> ReadPatch(Ctx& c, ReadFn read) {
  ASSIGN_OR_RETURN(auto body, c.Body());
  {
    // Check the types once up front so a bad body fails before the transaction.
    FieldErrors errors;
    Reader r(body, errors);
    T scratch;
    read(r, scratch);
    r.CheckUnknown();
    if (!errors.empty()) return errors.Finish();
  }
  return service::Edit<T>([body, read](T& record) -> Status {
    FieldErrors errors;
    Reader r(body, errors);
    read(r, record);
    r.CheckUnknown();
    return errors.Finish();
  });
}

// PATCH /{things}/{id}: the patch applied to the stored record by `update` inside its
// transaction; the audit and the answer see the record as `to_json` shows it.
template <typename T, typename ReadFn, typename UpdateFn, typename JsonFn>
RouteHandler PatchRoute(ReadFn read, UpdateFn update, JsonFn to_json) {
  return [read, update, to_json](Ctx& c) -> Result<Response> {
    ASSIGN_OR_RETURN(int64_t id, c.Id());
    ASSIGN_OR_RETURN(auto if_match, c.IfMatch());
    ASSIGN_OR_RETURN(auto edit, ReadPatch<T>(c, read));
    auto view = [&c, to_json](const T& x) { return to_json(c.codec, x); };
    ASSIGN_OR_RETURN(auto out, update(c.actor, id, if_match, edit, view));
    return JsonResponse(200, to_json(c.codec, out));
  };
}

}  // namespace

void AddMasterRoutes(Api& api) {
  auto& s = api.services();
  using R = domain::Role;
  const std::vector<R> customer_writers = {R::kAdmin, R::kSalesRep, R::kSalesManager, R::kFinance};
  const std::vector<R> product_writers = {R::kAdmin, R::kSalesManager};
  const std::vector<R> warehouse_writers = {R::kAdmin, R::kWarehouse};

  // Customers.
  api.Add("POST", "/api/v1/customers", customer_writers, [&s](Ctx& c) -> Result<Response> {
    ASSIGN_OR_RETURN(auto rec, ReadNew<domain::Customer>(c, ReadCustomer));
    ASSIGN_OR_RETURN(auto out, s.master.CreateCustomer(c.actor, std::move(rec)));
    return JsonResponse(201, c.codec.CustomerJson(out));
  });
  api.Add("GET", "/api/v1/customers", [&s](Ctx& c) -> Result<Response> {
    storage::CustomerFilter f;
    ASSIGN_OR_RETURN(f.page, c.Page());
    f.q = c.req.Query("q");
    if (c.req.HasQuery("status")) {
      const std::string st = c.req.Query("status");
      if (st != "active" && st != "blocked") return Status::Invalid("status", "active or blocked");
      f.blocked = st == "blocked";
    }
    ASSIGN_OR_RETURN(auto result, s.master.ListCustomers(c.actor, f));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& x : result.items) items.push_back(c.codec.CustomerJson(x));
    return JsonResponse(200, PageJson(items, result.total, f.page));
  });
  api.Add("GET", "/api/v1/customers/{id}", [&s](Ctx& c) -> Result<Response> {
    ASSIGN_OR_RETURN(int64_t id, c.Id());
    ASSIGN_OR_RETURN(auto out, s.master.GetCustomer(c.actor, id));
    return JsonResponse(200, c.codec.CustomerJson(out));
  });
  api.Add("PATCH", "/api/v1/customers/{id}", customer_writers,
          PatchRoute<domain::Customer>(
              ReadCustomer, [&s](auto&&... a) { return s.master.UpdateCustomer(a...); },
              [](const Codec& k, const domain::Customer& x) { return k.CustomerJson(x); }));

  // Products.
  api.Add("POST", "/api/v1/products", product_writers, [&s](Ctx& c) -> Result<Response> {
    ASSIGN_OR_RETURN(auto rec, ReadNew<domain::Product>(c, ReadProduct));
    ASSIGN_OR_RETURN(auto out, s.master.CreateProduct(c.actor, std::move(rec)));
    return JsonResponse(201, c.codec.ProductJson(out));
  });
  api.Add("GET", "/api/v1/products", [&s](Ctx& c) -> Result<Response> {
    storage::ProductFilter f;
    ASSIGN_OR_RETURN(f.page, c.Page());
    f.q = c.req.Query("q");
    if (c.req.HasQuery("active")) f.active = c.req.Query("active") != "false";
    ASSIGN_OR_RETURN(auto result, s.master.ListProducts(c.actor, f));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& x : result.items) items.push_back(c.codec.ProductJson(x));
    return JsonResponse(200, PageJson(items, result.total, f.page));
  });
  api.Add("GET", "/api/v1/products/{id}", [&s](Ctx& c) -> Result<Response> {
    ASSIGN_OR_RETURN(int64_t id, c.Id());
    ASSIGN_OR_RETURN(auto out, s.master.GetProduct(c.actor, id));
    return JsonResponse(200, c.codec.ProductJson(out));
  });
  api.Add("PATCH", "/api/v1/products/{id}", product_writers,
          PatchRoute<domain::Product>(
              ReadProduct, [&s](auto&&... a) { return s.master.UpdateProduct(a...); },
              [](const Codec& k, const domain::Product& x) { return k.ProductJson(x); }));

  // Warehouses.
  api.Add("POST", "/api/v1/warehouses", warehouse_writers, [&s](Ctx& c) -> Result<Response> {
    ASSIGN_OR_RETURN(auto rec, ReadNew<domain::Warehouse>(c, ReadWarehouse));
    ASSIGN_OR_RETURN(auto out, s.master.CreateWarehouse(c.actor, std::move(rec)));
    return JsonResponse(201, c.codec.WarehouseJson(out));
  });
  api.Add("GET", "/api/v1/warehouses", [&s](Ctx& c) -> Result<Response> {
    ASSIGN_OR_RETURN(auto page, c.Page());
    ASSIGN_OR_RETURN(auto result, s.master.ListWarehouses(c.actor, page));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& x : result.items) items.push_back(c.codec.WarehouseJson(x));
    return JsonResponse(200, PageJson(items, result.total, page));
  });
  api.Add("GET", "/api/v1/warehouses/{id}", [&s](Ctx& c) -> Result<Response> {
    ASSIGN_OR_RETURN(int64_t id, c.Id());
    ASSIGN_OR_RETURN(auto out, s.master.GetWarehouse(c.actor, id));
    return JsonResponse(200, c.codec.WarehouseJson(out));
  });
  api.Add("PATCH", "/api/v1/warehouses/{id}", warehouse_writers,
          PatchRoute<domain::Warehouse>(
              ReadWarehouse, [&s](auto&&... a) { return s.master.UpdateWarehouse(a...); },
              [](const Codec& k, const domain::Warehouse& x) { return k.WarehouseJson(x); }));
}

}  // namespace ordo::http
