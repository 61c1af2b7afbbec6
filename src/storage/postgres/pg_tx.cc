// PgTx: the statement runner, users, sessions, customers, products, warehouses, events,
// idempotency keys.

#include "storage/postgres/pg_tx.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "storage/sql_filters.h"

namespace ordo::storage::postgres {

namespace {

constexpr int kMaxPageSize = 200;

std::string Select(std::string_view cols, std::string_view rest) {
  std::string s = "SELECT ";
  s += cols;
  s += ' ';
  s += rest;
  return s;
}

// ---- users ----

constexpr std::string_view kUserCols =
    "u.id, u.username, u.display_name, u.partner_id, u.active, u.locale, u.created_at, "
    "u.updated_at, u.version, u.password_hash";

UserRecord ReadUser(Row& r) {
  UserRecord u;
  u.user.id = r.Int(0);
  u.user.username = r.Text(1);
  u.user.display_name = r.Text(2);
  u.user.partner_id = r.OptInt(3);
  u.user.active = r.Bool(4);
  u.user.locale = r.Text(5);
  u.user.created_at = r.Int(6);
  u.user.updated_at = r.Int(7);
  u.user.version = r.Int(8);
  u.password_hash = r.Text(9);
  return u;
}

// ---- customers ----

constexpr std::string_view kCustomerCols =
    "id, code, name, uscc, address, contacts, bank_name, bank_account, credit_limit, "
    "payment_method, payment_net_days, payment_prepay_percent, default_invoice_type, blocked, "
    "partner_id, region, created_at, updated_at, version";

std::string ContactsJson(const std::vector<domain::Contact>& contacts) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& c : contacts) {
    arr.push_back({{"name", c.name}, {"phone", c.phone}, {"email", c.email}});
  }
  return arr.dump();
}

// Contacts from their JSON text; false when the text is not what ContactsJson writes.
bool ParseContacts(const std::string& text, std::vector<domain::Contact>* out) {
  const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return false;
  for (const auto& item : j) {
    if (!item.is_object()) return false;
    domain::Contact c;
    for (auto [field, dest] :
         {std::pair{"name", &c.name}, std::pair{"phone", &c.phone}, std::pair{"email", &c.email}}) {
      const auto it = item.find(field);
      if (it == item.end()) continue;
      if (!it->is_string()) return false;
      *dest = it->get<std::string>();
    }
    out->push_back(std::move(c));
  }
  return true;
}

Customer ReadCustomer(Row& r) {
  Customer c;
  c.id = r.Int(0);
  c.code = r.Text(1);
  c.name = r.Text(2);
  c.uscc = r.Text(3);
  c.address = r.Text(4);
  if (!ParseContacts(r.Text(5), &c.contacts)) r.Fail("malformed contacts");
  c.bank_name = r.Text(6);
  c.bank_account = r.Text(7);
  if (!r.IsNull(8)) c.credit_limit = r.Dec<2>(8);
  c.payment_terms.method = r.Enum(9, domain::ParsePaymentMethod);
  c.payment_terms.net_days = static_cast<int>(r.Int(10));
  c.payment_terms.prepay_percent = r.Dec<4>(11);
  c.default_invoice_type = r.Enum(12, domain::ParseInvoiceType);
  c.blocked = r.Bool(13);
  c.partner_id = r.OptInt(14);
  c.region = r.Text(15);
  c.created_at = r.Int(16);
  c.updated_at = r.Int(17);
  c.version = r.Int(18);
  return c;
}

// Binds the columns of kCustomerCols from code to region, in order.
void BindCustomer(Params& p, const Customer& c) {
  p.BindAll(c.code, c.name, c.uscc, c.address, ContactsJson(c.contacts), c.bank_name,
            c.bank_account, c.credit_limit, domain::PaymentMethodName(c.payment_terms.method),
            c.payment_terms.net_days, c.payment_terms.prepay_percent,
            domain::InvoiceTypeName(c.default_invoice_type), c.blocked, c.partner_id, c.region);
}

// ---- products ----

constexpr std::string_view kProductCols =
    "id, sku, name, spec, unit, list_price, min_price, tax_rate, make_to_order, "
    "lead_time_days, safety_stock, active, created_at, updated_at, version";

Product ReadProduct(Row& r) {
  Product p;
  p.id = r.Int(0);
  p.sku = r.Text(1);
  p.name = r.Text(2);
  p.spec = r.Text(3);
  p.unit = r.Text(4);
  p.list_price = r.Dec<2>(5);
  p.min_price = r.Dec<2>(6);
  p.tax_rate = r.Dec<4>(7);
  p.make_to_order = r.Bool(8);
  p.lead_time_days = static_cast<int>(r.Int(9));
  p.safety_stock = r.Dec<3>(10);
  p.active = r.Bool(11);
  p.created_at = r.Int(12);
  p.updated_at = r.Int(13);
  p.version = r.Int(14);
  return p;
}

// Binds the columns of kProductCols from sku to active, in order.
void BindProduct(Params& p, const Product& pr) {
  p.BindAll(pr.sku, pr.name, pr.spec, pr.unit, pr.list_price, pr.min_price, pr.tax_rate,
            pr.make_to_order, pr.lead_time_days, pr.safety_stock, pr.active);
}

// ---- warehouses ----

constexpr std::string_view kWarehouseCols =
    "id, code, name, region, address, active, created_at, version";

Warehouse ReadWarehouse(Row& r) {
  Warehouse w;
  w.id = r.Int(0);
  w.code = r.Text(1);
  w.name = r.Text(2);
  w.region = r.Text(3);
  w.address = r.Text(4);
  w.active = r.Bool(5);
  w.created_at = r.Int(6);
  w.version = r.Int(7);
  return w;
}

}  // namespace

Window WindowOf(const PageRequest& page) {
  const int64_t size = std::clamp(page.page_size, 1, kMaxPageSize);
  const int64_t number = std::max(page.page, 1);
  return {size, (number - 1) * size};
}

// ---- running statements ----

// The movements and events kept by InsertMovement and InsertEvent, each table's rows from
// one unnest() of array parameters, in one statement. Identity ids follow the arrays'
// order, which is the order the rows were given in.
constexpr std::string_view kFlushSql =
    "WITH m AS (INSERT INTO stock_movements (product_id, warehouse_id, kind, qty_delta, reason, "
    "order_id, user_id, created_at) SELECT * FROM unnest($1::bigint[], $2::bigint[], "
    "$3::text[], $4::bigint[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[])) "
    "INSERT INTO events (entity, entity_id, action, user_id, username, data, created_at) "
    "SELECT * FROM unnest($9::text[], $10::bigint[], $11::text[], $12::bigint[], $13::text[], "
    "$14::text[], $15::bigint[])";

Status PgTx::Flush() {
  if (failure_ != Failure::kNone) return failure_status_;
  if (pending_movements_.rows() == 0 && pending_events_.rows() == 0) return Status::Ok();
  Params p;
  pending_movements_.BindTo(p);
  pending_events_.BindTo(p);
  pending_movements_ = {};
  pending_events_ = {};
  return Run(kFlushSql, p).status();
}

Result<pqxx::result> PgTx::Exec(std::string_view sql, const Params& params) {
  if (failure_ != Failure::kNone) return failure_status_;
  RETURN_IF_ERROR(Flush());
  return Run(sql, params);
}

Result<pqxx::result> PgTx::Run(std::string_view sql, const Params& params) {
  if (failure_ != Failure::kNone) return failure_status_;
  if (params.has_nul()) {
    // Refused before it reaches the server, so the transaction goes on as SQLite's would.
    return Status(Code::kValidationFailed, "text may not contain NUL characters");
  }
  try {
    const std::vector<const char*> values = params.Pointers();
    const auto dynamic = pqxx::prepare::make_dynamic_params(values);
    if (const std::string* name = conn_.Prepared(sql)) return txn_.exec_prepared(*name, dynamic);
    return txn_.exec_params(std::string(sql), dynamic);
  } catch (const std::exception& e) {
    Classified c = Classify(e);
    if (c.failure == Failure::kDisconnected) conn_.MarkBroken();
    failure_ = c.failure;
    failure_status_ = c.status;
    return std::move(c.status);
  }
}

Result<int64_t> PgTx::ExecInt(std::string_view sql, const Params& params, const char* what) {
  ASSIGN_OR_RETURN(pqxx::result r, Exec(sql, params));
  if (r.empty()) return Status::Internal(std::string(what) + " returned no row");
  Row row(r[0]);
  const int64_t v = row.Int(0);
  RETURN_IF_ERROR(row.decode_status());
  return v;
}

Result<int64_t> PgTx::CountRows(std::string_view from, const Where& where) {
  Params params;
  where.BindTo(params);
  return ExecInt("SELECT COUNT(*) FROM " + std::string(from) + where.Sql(), params, "count");
}

Status PgTx::CheckWritable() const {
  return writable_ ? Status::Ok() : Status::Internal("read-only transaction");
}

Status PgTx::VersionedUpdateResult(const pqxx::result& r, std::string_view table, int64_t id,
                                   std::string_view what) {
  if (r.affected_rows() > 0) return Status::Ok();
  Params p;
  p.Bind(id);
  ASSIGN_OR_RETURN(pqxx::result probe,
                   Exec("SELECT 1 FROM " + std::string(table) + " WHERE id = $1", p));
  if (probe.empty()) return Status::NotFound(std::string(what) + " not found");
  // The use cases update with the version they read in this transaction; a concurrent
  // transaction committed a newer one since (SQLite's single writer cannot interleave
  // so). Running the use case again reads that version and answers what SQLite would
  // have: an invalid transition, or a stale If-Match; when it keeps losing, this Status.
  failure_ = Failure::kRetry;
  failure_status_ = Status::Conflict("stale version");
  return failure_status_;
}

// ---- users ----

Result<std::vector<domain::Role>> PgTx::LoadRoles(int64_t user_id) {
  Params p;
  p.Bind(user_id);
  ASSIGN_OR_RETURN(pqxx::result r,
                   Exec("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY position", p));
  std::vector<domain::Role> roles;
  for (const auto& raw : r) {
    Row row(raw);
    roles.push_back(row.Enum(0, domain::ParseRole));
    RETURN_IF_ERROR(row.decode_status());
  }
  return roles;
}

Status PgTx::WriteRoles(int64_t user_id, const std::vector<domain::Role>& roles) {
  {
    Params p;
    p.Bind(user_id);
    RETURN_IF_ERROR(Exec("DELETE FROM user_roles WHERE user_id = $1", p).status());
  }
  int position = 0;
  for (domain::Role role : roles) {
    // A role given twice is kept once, at its first position.
    Params p;
    p.BindAll(user_id, position++, domain::RoleName(role));
    RETURN_IF_ERROR(Exec("INSERT INTO user_roles (user_id, position, role) "
                         "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                         p)
                        .status());
  }
  return Status::Ok();
}

Result<int64_t> PgTx::InsertUser(const User& user, const std::string& password_hash) {
  RETURN_IF_ERROR(CheckWritable());
  Params p;
  p.BindAll(user.username, user.display_name, password_hash, user.partner_id, user.active,
            user.locale, user.created_at, user.updated_at, user.version);
  ASSIGN_OR_RETURN(const int64_t id,
                   ExecInt("INSERT INTO users (username, display_name, password_hash, "
                           "partner_id, active, locale, created_at, updated_at, version) "
                           "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                           p, "insert"));
  RETURN_IF_ERROR(WriteRoles(id, user.roles));
  return id;
}

Result<UserRecord> PgTx::LoadUser(std::string_view where_sql, const Params& params) {
  UserRecord rec;
  {
    ASSIGN_OR_RETURN(
        pqxx::result r,
        Exec(Select(kUserCols, "FROM users u WHERE ") + std::string(where_sql), params));
    if (r.empty()) return Status::NotFound("user not found");
    Row row(r[0]);
    rec = ReadUser(row);
    RETURN_IF_ERROR(row.decode_status());
  }
  ASSIGN_OR_RETURN(rec.user.roles, LoadRoles(rec.user.id));
  return rec;
}

Result<UserRecord> PgTx::GetUser(int64_t id) {
  Params p;
  p.Bind(id);
  return LoadUser("u.id = $1", p);
}

Result<UserRecord> PgTx::GetUserByUsername(const std::string& username) {
  Params p;
  p.Bind(username);
  return LoadUser("u.username = $1", p);
}

Status PgTx::UpdateUser(const User& user, int64_t expected_version,
                        const std::string& password_hash) {
  RETURN_IF_ERROR(CheckWritable());
  {
    Params p;
    p.BindAll(user.username, user.display_name, user.partner_id, user.active, user.locale,
              user.updated_at, password_hash, user.id, expected_version);
    ASSIGN_OR_RETURN(pqxx::result r,
                     Exec("UPDATE users SET username = $1, display_name = $2, partner_id = $3, "
                          "active = $4, locale = $5, updated_at = $6, version = version + 1, "
                          "password_hash = CASE WHEN $7 = '' THEN password_hash ELSE $7 END "
                          "WHERE id = $8 AND version = $9",
                          p));
    RETURN_IF_ERROR(VersionedUpdateResult(r, "users", user.id, "user"));
  }
  return WriteRoles(user.id, user.roles);
}

Result<Page<User>> PgTx::ListUsers(const PageRequest& page) {
  Page<User> out;
  ASSIGN_OR_RETURN(out.total, CountUsers());
  const Where none;
  ASSIGN_OR_RETURN(
      auto records,
      ReadPage<UserRecord>(Select(kUserCols, "FROM users u ORDER BY u.id") + none.LimitSql(), none,
                           page, ReadUser));
  for (auto& rec : records) {
    ASSIGN_OR_RETURN(rec.user.roles, LoadRoles(rec.user.id));
    out.items.push_back(std::move(rec.user));
  }
  return out;
}

Result<int64_t> PgTx::CountUsers() { return CountRows("users", Where()); }

Status PgTx::InsertSession(const std::string& token_hash, int64_t user_id, Millis created_at,
                           Millis expires_at) {
  RETURN_IF_ERROR(CheckWritable());
  {
    // Expired sessions are of no use to anyone; dropping them here keeps the table small.
    Params p;
    p.Bind(created_at);
    RETURN_IF_ERROR(Exec("DELETE FROM sessions WHERE expires_at <= $1", p).status());
  }
  Params p;
  p.BindAll(token_hash, user_id, created_at, expires_at);
  return Exec(
             "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
             "VALUES ($1, $2, $3, $4)",
             p)
      .status();
}

Result<UserRecord> PgTx::GetSessionUser(const std::string& token_hash, Millis now) {
  UserRecord rec;
  {
    Params p;
    p.BindAll(token_hash, now);
    ASSIGN_OR_RETURN(pqxx::result r, Exec(Select(kUserCols,
                                                 "FROM sessions s JOIN users u ON u.id = s.user_id "
                                                 "WHERE s.token_hash = $1 AND s.expires_at > $2"),
                                          p));
    if (r.empty()) return Status::Unauthenticated("session expired or unknown");
    Row row(r[0]);
    rec = ReadUser(row);
    RETURN_IF_ERROR(row.decode_status());
  }
  ASSIGN_OR_RETURN(rec.user.roles, LoadRoles(rec.user.id));
  return rec;
}

Status PgTx::DeleteSession(const std::string& token_hash) {
  RETURN_IF_ERROR(CheckWritable());
  Params p;
  p.Bind(token_hash);
  return Exec("DELETE FROM sessions WHERE token_hash = $1", p).status();
}

Status PgTx::DeleteSessionsOfUser(int64_t user_id, const std::string& keep_token_hash) {
  RETURN_IF_ERROR(CheckWritable());
  Params p;
  p.Bind(user_id);
  p.Bind(keep_token_hash);
  return Exec("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2", p).status();
}

// ---- customers ----

Result<int64_t> PgTx::InsertCustomer(const Customer& c) {
  RETURN_IF_ERROR(CheckWritable());
  Params p;
  BindCustomer(p, c);
  p.BindAll(c.created_at, c.updated_at, c.version);
  return ExecInt(
      "INSERT INTO customers (code, name, uscc, address, contacts, bank_name, bank_account, "
      "credit_limit, payment_method, payment_net_days, payment_prepay_percent, "
      "default_invoice_type, blocked, partner_id, region, created_at, updated_at, version) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
      "$18) RETURNING id",
      p, "insert");
}

Result<Customer> PgTx::GetCustomer(int64_t id) {
  Params p;
  p.Bind(id);
  ASSIGN_OR_RETURN(pqxx::result r, Exec(Select(kCustomerCols, "FROM customers WHERE id = $1"), p));
  if (r.empty()) return Status::NotFound("customer not found");
  Row row(r[0]);
  Customer c = ReadCustomer(row);
  RETURN_IF_ERROR(row.decode_status());
  return c;
}

Status PgTx::UpdateCustomer(const Customer& c, int64_t expected_version) {
  RETURN_IF_ERROR(CheckWritable());
  Params p;
  BindCustomer(p, c);
  p.BindAll(c.updated_at, c.id, expected_version);
  ASSIGN_OR_RETURN(
      pqxx::result r,
      Exec("UPDATE customers SET code = $1, name = $2, uscc = $3, address = $4, "
           "contacts = $5, bank_name = $6, bank_account = $7, credit_limit = $8, "
           "payment_method = $9, payment_net_days = $10, payment_prepay_percent = $11, "
           "default_invoice_type = $12, blocked = $13, partner_id = $14, region = $15, "
           "updated_at = $16, version = version + 1 WHERE id = $17 AND version = $18",
           p));
  return VersionedUpdateResult(r, "customers", c.id, "customer");
}

Result<Page<Customer>> PgTx::ListCustomers(const CustomerFilter& f) {
  Where where;
  if (!f.q.empty()) {
    const std::string pattern = ContainsPattern(f.q);
    where.And("code ILIKE ? ESCAPE '\\' OR name ILIKE ? ESCAPE '\\'", pattern, pattern);
  }
  if (f.blocked) where.And("blocked = ?", *f.blocked);
  if (f.partner_id) where.And("partner_id = ?", *f.partner_id);
  Page<Customer> out;
  ASSIGN_OR_RETURN(out.total, CountRows("customers", where));
  ASSIGN_OR_RETURN(out.items,
                   ReadPage<Customer>(Select(kCustomerCols, "FROM customers") + where.Sql() +
                                          " ORDER BY id" + where.LimitSql(),
                                      where, f.page, ReadCustomer));
  return out;
}

// ---- products ----

Result<int64_t> PgTx::InsertProduct(const Product& pr) {
  RETURN_IF_ERROR(CheckWritable());
  Params p;
  BindProduct(p, pr);
  p.BindAll(pr.created_at, pr.updated_at, pr.version);
  return ExecInt(
      "INSERT INTO products (sku, name, spec, unit, list_price, min_price, tax_rate, "
      "make_to_order, lead_time_days, safety_stock, active, created_at, updated_at, version) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
      p, "insert");
}

Result<Product> PgTx::GetProduct(int64_t id) {
  Params p;
  p.Bind(id);
  ASSIGN_OR_RETURN(pqxx::result r, Exec(Select(kProductCols, "FROM products WHERE id = $1"), p));
  if (r.empty()) return Status::NotFound("product not found");
  Row row(r[0]);
  Product out = ReadProduct(row);
  RETURN_IF_ERROR(row.decode_status());
  return out;
}

Status PgTx::UpdateProduct(const Product& pr, int64_t expected_version) {
  RETURN_IF_ERROR(CheckWritable());
  Params p;
  BindProduct(p, pr);
  p.BindAll(pr.updated_at, pr.id, expected_version);
  ASSIGN_OR_RETURN(pqxx::result r,
                   Exec("UPDATE products SET sku = $1, name = $2, spec = $3, unit = $4, "
                        "list_price = $5, min_price = $6, tax_rate = $7, make_to_order = $8, "
                        "lead_time_days = $9, safety_stock = $10, active = $11, "
                        "updated_at = $12, version = version + 1 "
                        "WHERE id = $13 AND version = $14",
                        p));
  return VersionedUpdateResult(r, "products", pr.id, "product");
}

Result<Page<Product>> PgTx::ListProducts(const ProductFilter& f) {
  Where where;
  if (!f.q.empty()) {
    const std::string pattern = ContainsPattern(f.q);
    where.And("sku ILIKE ? ESCAPE '\\' OR name ILIKE ? ESCAPE '\\' OR spec ILIKE ? ESCAPE '\\'",
              pattern, pattern, pattern);
  }
  if (f.active) where.And("active = ?", *f.active);
  Page<Product> out;
  ASSIGN_OR_RETURN(out.total, CountRows("products", where));
  ASSIGN_OR_RETURN(out.items, ReadPage<Product>(Select(kProductCols, "FROM products") +
                                                    where.Sql() + " ORDER BY id" + where.LimitSql(),
                                                where, f.page, ReadProduct));
  return out;
}

// ---- warehouses ----

Result<int64_t> PgTx::InsertWarehouse(const Warehouse& w) {
  RETURN_IF_ERROR(CheckWritable());
  Params p;
  p.BindAll(w.code, w.name, w.region, w.address, w.active, w.created_at, w.version);
  return ExecInt(
      "INSERT INTO warehouses (code, name, region, address, active, created_at, version) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
      p, "insert");
}

Result<Warehouse> PgTx::GetWarehouse(int64_t id) {
  Params p;
  p.Bind(id);
  ASSIGN_OR_RETURN(pqxx::result r,
                   Exec(Select(kWarehouseCols, "FROM warehouses WHERE id = $1"), p));
  if (r.empty()) return Status::NotFound("warehouse not found");
  Row row(r[0]);
  Warehouse w = ReadWarehouse(row);
  RETURN_IF_ERROR(row.decode_status());
  return w;
}

Result<Page<Warehouse>> PgTx::ListWarehouses(const PageRequest& page) {
  const Where none;
  Page<Warehouse> out;
  ASSIGN_OR_RETURN(out.total, CountRows("warehouses", none));
  ASSIGN_OR_RETURN(
      out.items,
      ReadPage<Warehouse>(Select(kWarehouseCols, "FROM warehouses ORDER BY id") + none.LimitSql(),
                          none, page, ReadWarehouse));
  return out;
}

// ---- events ----

Status PgTx::InsertEvent(const Event& e) {
  RETURN_IF_ERROR(CheckWritable());
  if (failure_ != Failure::kNone) return failure_status_;
  Columns<7> row;
  row.AddRow(e.entity, e.entity_id, e.action, e.user_id, e.username, e.data, e.created_at);
  // Refused now, as a statement with it would be (Run): the transaction goes on.
  if (row.has_nul()) return Status(Code::kValidationFailed, "text may not contain NUL characters");
  // Written with the next statement or before COMMIT (Flush).
  pending_events_.AddRow(e.entity, e.entity_id, e.action, e.user_id, e.username, e.data,
                         e.created_at);
  return Status::Ok();
}

namespace {
constexpr const char* kEventColumns =
    "SELECT id, entity, entity_id, action, user_id, username, data, created_at FROM events";

Event ReadEvent(Row& row) {
  Event e;
  e.id = row.Int(0);
  e.entity = row.Text(1);
  e.entity_id = row.Int(2);
  e.action = row.Text(3);
  e.user_id = row.Int(4);
  e.username = row.Text(5);
  e.data = row.Text(6);
  e.created_at = row.Int(7);
  return e;
}
}  // namespace

Result<std::vector<Event>> PgTx::ListEvents(const std::string& entity, int64_t entity_id) {
  Params p;
  p.BindAll(entity, entity_id);
  ASSIGN_OR_RETURN(
      pqxx::result r,
      Exec(std::string(kEventColumns) + " WHERE entity = $1 AND entity_id = $2 ORDER BY id", p));
  std::vector<Event> out;
  out.reserve(r.size());
  for (const auto& raw : r) {
    Row row(raw);
    Event e = ReadEvent(row);
    RETURN_IF_ERROR(row.decode_status());
    out.push_back(std::move(e));
  }
  return out;
}

Result<Page<Event>> PgTx::ListAuditEvents(const EventFilter& f) {
  Where where;
  AddEventFilter(where, f);
  Page<Event> out;
  ASSIGN_OR_RETURN(out.total, CountRows("events", where));
  ASSIGN_OR_RETURN(out.items, ReadPage<Event>(std::string(kEventColumns) + where.Sql() +
                                                  " ORDER BY id DESC" + where.LimitSql(),
                                              where, f.page, ReadEvent));
  return out;
}

// ---- idempotency keys ----

Result<std::vector<std::pair<std::string, std::string>>> PgTx::GetSettings() {
  ASSIGN_OR_RETURN(pqxx::result r, Exec("SELECT key, value FROM settings ORDER BY key", Params()));
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& rr : r) {
    Row row(rr);
    out.emplace_back(row.Text(0), row.Text(1));
    RETURN_IF_ERROR(row.decode_status());
  }
  return out;
}

Status PgTx::PutSetting(const std::string& key, const std::string& value) {
  RETURN_IF_ERROR(CheckWritable());
  Params p;
  p.BindAll(key, value);
  return Exec(
             "INSERT INTO settings (key, value) VALUES ($1, $2) "
             "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
             p)
      .status();
}

Result<std::optional<IdempotencyRecord>> PgTx::GetIdempotency(int64_t user_id,
                                                              const std::string& key) {
  Params p;
  p.BindAll(user_id, key);
  ASSIGN_OR_RETURN(pqxx::result r, Exec("SELECT request_hash, status, body FROM "
                                        "idempotency_keys WHERE user_id = $1 AND key = $2",
                                        p));
  if (r.empty()) return std::optional<IdempotencyRecord>();
  Row row(r[0]);
  IdempotencyRecord rec;
  rec.request_hash = row.Text(0);
  rec.status = static_cast<int>(row.Int(1));
  rec.body = row.Text(2);
  RETURN_IF_ERROR(row.decode_status());
  return std::optional<IdempotencyRecord>(std::move(rec));
}

Status PgTx::PutIdempotency(int64_t user_id, const std::string& key, const IdempotencyRecord& rec,
                            Millis now) {
  RETURN_IF_ERROR(CheckWritable());
  // A concurrent request with the same key (another thread or another server) that
  // commits first makes this INSERT fail with a unique violation on the primary key;
  // PgStore then runs the whole use case again, and the second run finds its record.
  Params p;
  p.BindAll(user_id, key, rec.request_hash, rec.status, rec.body, now);
  return Exec(
             "INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, "
             "created_at) VALUES ($1, $2, $3, $4, $5, $6)",
             p)
      .status();
}

}  // namespace ordo::storage::postgres
