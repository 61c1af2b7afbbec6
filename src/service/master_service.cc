#include "service/master_service.h"

#include "domain/uscc.h"
#include "service/access.h"
#include "service/audit.h"

namespace ordo::service {

using domain::Role;

namespace {

void CheckText(FieldErrors& e, const char* field, const std::string& v, size_t max, bool required) {
  if (required && v.empty()) {
    e.Add(field, "required");
  } else if (v.size() > max) {
    e.Add(field, "at most " + std::to_string(max) + " bytes");
  }
}

Status CanEditCustomers(const domain::Actor& a) {
  return Require(a, {Role::kAdmin, Role::kSalesRep, Role::kSalesManager, Role::kFinance});
}
Status CanEditProducts(const domain::Actor& a) {
  return Require(a, {Role::kAdmin, Role::kSalesManager});
}
Status CanEditWarehouses(const domain::Actor& a) {
  return Require(a, {Role::kAdmin, Role::kWarehouse});
}

// Applies an edit to a stored record and validates the result; answers the fields that
// changed as the client sees them (empty when nothing did).
template <typename T>
Result<nlohmann::json> ApplyEdit(T& record, std::optional<int64_t> if_match, const Edit<T>& edit,
                                 const View<T>& view, Status (*validate)(const T&)) {
  RETURN_IF_ERROR(CheckVersion(if_match, record.version));
  T after = record;
  RETURN_IF_ERROR(edit(after));
  RETURN_IF_ERROR(validate(after));
  after.id = record.id;
  after.version = record.version;
  if constexpr (requires { after.updated_at; }) after.updated_at = record.updated_at;
  nlohmann::json changes = Diff(view(record), view(after));
  record = std::move(after);
  return changes;
}

// The update every master record shares: in one transaction, read the stored record,
// apply the edit and validate it; when a field changed, write it with the next version and
// audit the changed fields; when none did, write nothing.
template <typename T, typename Repo>
Result<T> UpdateRecord(const Deps& deps, const domain::Actor& actor, Repo& (storage::Tx::*repo)(),
                       const char* entity, int64_t id, std::optional<int64_t> if_match,
                       const Edit<T>& edit, const View<T>& view, Status (*validate)(const T&)) {
  T record;
  RETURN_IF_ERROR(deps.store->Write([&](storage::Tx& tx) -> Status {
    Repo& records = (tx.*repo)();
    ASSIGN_OR_RETURN(record, records.Get(id));
    ASSIGN_OR_RETURN(auto changes, ApplyEdit(record, if_match, edit, view, validate));
    if (changes.empty()) return Status::Ok();
    const int64_t version = record.version;
    record.version = version + 1;
    if constexpr (requires { record.updated_at; }) record.updated_at = deps.Now();
    RETURN_IF_ERROR(records.Update(record, version));
    return Audit(tx, deps, actor, entity, id, "update", changes);
  }));
  return record;
}

}  // namespace

Status ValidateCustomer(const domain::Customer& c) {
  FieldErrors e;
  CheckText(e, "code", c.code, 32, true);
  CheckText(e, "name", c.name, 200, true);
  CheckText(e, "address", c.address, 500, false);
  CheckText(e, "bank_name", c.bank_name, 200, false);
  CheckText(e, "bank_account", c.bank_account, 64, false);
  if (!c.uscc.empty()) {
    const std::string problem = domain::UsccProblem(c.uscc);
    if (!problem.empty()) e.Add("uscc", problem);
  }
  if (c.credit_limit && c.credit_limit->is_negative()) {
    e.Add("credit_limit", "must not be negative");
  }
  ValidatePaymentTerms(c.payment_terms, "payment_terms.", e);
  for (size_t i = 0; i < c.contacts.size(); ++i) {
    if (c.contacts[i].name.empty()) e.Add("contacts[" + std::to_string(i) + "].name", "required");
  }
  return e.Finish();
}

Status ValidateProduct(const domain::Product& p) {
  FieldErrors e;
  CheckText(e, "sku", p.sku, 64, true);
  CheckText(e, "name", p.name, 200, true);
  CheckText(e, "spec", p.spec, 200, false);
  CheckText(e, "unit", p.unit, 16, true);
  if (p.list_price.is_negative()) e.Add("list_price", "must not be negative");
  if (p.min_price.is_negative()) e.Add("min_price", "must not be negative");
  // Prices, like a line's unit_price, stay within an order's amount ceiling.
  const Money max_price = Money::FromInt(1'000'000'000'000);
  if (p.list_price > max_price) e.Add("list_price", "must be between 0 and 1000000000000");
  if (p.min_price > max_price) e.Add("min_price", "must be between 0 and 1000000000000");
  if (p.min_price > p.list_price) e.Add("min_price", "must not exceed list_price");
  if (p.tax_rate.is_negative() || p.tax_rate > Rate::FromInt(1)) e.Add("tax_rate", "0 to 1");
  if (p.lead_time_days < 0 || p.lead_time_days > 3650) e.Add("lead_time_days", "0 to 3650");
  if (p.safety_stock.is_negative()) e.Add("safety_stock", "must not be negative");
  return e.Finish();
}

Status ValidateWarehouse(const domain::Warehouse& w) {
  FieldErrors e;
  CheckText(e, "code", w.code, 32, true);
  CheckText(e, "name", w.name, 200, true);
  CheckText(e, "region", w.region, 100, false);
  CheckText(e, "address", w.address, 500, false);
  return e.Finish();
}

void ValidatePaymentTerms(const domain::PaymentTerms& t, const std::string& prefix,
                          FieldErrors& e) {
  if (t.net_days < 0 || t.net_days > 365) e.Add(prefix + "net_days", "0 to 365");
  if (t.prepay_percent < Rate() || t.prepay_percent > Rate::FromInt(100)) {
    e.Add(prefix + "prepay_percent", "0 to 100");
  }
}

// ---- customers ----

Result<domain::Customer> MasterService::CreateCustomer(const domain::Actor& actor,
                                                       domain::Customer c) {
  RETURN_IF_ERROR(CanEditCustomers(actor));
  RETURN_IF_ERROR(ValidateCustomer(c));
  c.created_at = c.updated_at = deps_.Now();
  c.version = 1;
  RETURN_IF_ERROR(deps_.store->Write([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(c.id, tx.customers().Insert(c));
    return Audit(tx, deps_, actor, "customer", c.id, "create", {{"code", c.code}});
  }));
  return c;
}

Result<domain::Customer> MasterService::GetCustomer(const domain::Actor& actor, int64_t id) {
  domain::Customer c;
  RETURN_IF_ERROR(deps_.store->Read([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(c, tx.customers().Get(id));
    return Status::Ok();
  }));
  RETURN_IF_ERROR(CheckPartnerScope(actor, c.partner_id, "customer"));
  return c;
}

Result<storage::Page<domain::Customer>> MasterService::ListCustomers(const domain::Actor& actor,
                                                                     storage::CustomerFilter f) {
  if (actor.IsPartnerOnly()) f.partner_id = actor.partner_id.value_or(-1);
  storage::Page<domain::Customer> out;
  RETURN_IF_ERROR(deps_.store->Read([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.customers().List(f));
    return Status::Ok();
  }));
  return out;
}

Result<domain::Customer> MasterService::UpdateCustomer(const domain::Actor& actor, int64_t id,
                                                       std::optional<int64_t> if_match,
                                                       const Edit<domain::Customer>& edit,
                                                       const View<domain::Customer>& view) {
  RETURN_IF_ERROR(CanEditCustomers(actor));
  return UpdateRecord(deps_, actor, &storage::Tx::customers, "customer", id, if_match, edit, view,
                      ValidateCustomer);
}

// ---- products ----

Result<domain::Product> MasterService::CreateProduct(const domain::Actor& actor,
                                                     domain::Product p) {
  RETURN_IF_ERROR(CanEditProducts(actor));
  RETURN_IF_ERROR(ValidateProduct(p));
  p.created_at = p.updated_at = deps_.Now();
  p.version = 1;
  RETURN_IF_ERROR(deps_.store->Write([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(p.id, tx.products().Insert(p));
    return Audit(tx, deps_, actor, "product", p.id, "create", {{"sku", p.sku}});
  }));
  return p;
}

Result<domain::Product> MasterService::GetProduct(const domain::Actor& actor, int64_t id) {
  domain::Product p;
  RETURN_IF_ERROR(deps_.store->Read([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(p, tx.products().Get(id));
    return Status::Ok();
  }));
  return p;
}

Result<storage::Page<domain::Product>> MasterService::ListProducts(
    const domain::Actor& actor, const storage::ProductFilter& f) {
  storage::Page<domain::Product> out;
  RETURN_IF_ERROR(deps_.store->Read([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.products().List(f));
    return Status::Ok();
  }));
  return out;
}

Result<domain::Product> MasterService::UpdateProduct(const domain::Actor& actor, int64_t id,
                                                     std::optional<int64_t> if_match,
                                                     const Edit<domain::Product>& edit,
                                                     const View<domain::Product>& view) {
  RETURN_IF_ERROR(CanEditProducts(actor));
  return UpdateRecord(deps_, actor, &storage::Tx::products, "product", id, if_match, edit, view,
                      ValidateProduct);
}

// ---- warehouses ----

Result<domain::Warehouse> MasterService::CreateWarehouse(const domain::Actor& actor,
                                                         domain::Warehouse w) {
  RETURN_IF_ERROR(CanEditWarehouses(actor));
  RETURN_IF_ERROR(ValidateWarehouse(w));
  w.created_at = deps_.Now();
  w.version = 1;
  RETURN_IF_ERROR(deps_.store->Write([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(w.id, tx.warehouses().Insert(w));
    return Audit(tx, deps_, actor, "warehouse", w.id, "create", {{"code", w.code}});
  }));
  return w;
}

Result<domain::Warehouse> MasterService::GetWarehouse(const domain::Actor& actor, int64_t id) {
  domain::Warehouse w;
  RETURN_IF_ERROR(deps_.store->Read([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(w, tx.warehouses().Get(id));
    return Status::Ok();
  }));
  return w;
}

Result<domain::Warehouse> MasterService::UpdateWarehouse(const domain::Actor& actor, int64_t id,
                                                         std::optional<int64_t> if_match,
                                                         const Edit<domain::Warehouse>& edit,
                                                         const View<domain::Warehouse>& view) {
  RETURN_IF_ERROR(CanEditWarehouses(actor));
  return UpdateRecord(deps_, actor, &storage::Tx::warehouses, "warehouse", id, if_match, edit, view,
                      ValidateWarehouse);
}

Result<storage::Page<domain::Warehouse>> MasterService::ListWarehouses(
    const domain::Actor& actor, const storage::PageRequest& page) {
  storage::Page<domain::Warehouse> out;
  RETURN_IF_ERROR(deps_.store->Read([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.warehouses().List(page));
    return Status::Ok();
  }));
  return out;
}

}  // namespace ordo::service
