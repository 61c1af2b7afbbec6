// SqliteTx: users, sessions, customers, products, warehouses, events, idempotency keys.

#include "storage/sqlite/sqlite_tx.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "storage/sql_filters.h"
#include "storage/sqlite/query.h"

namespace ordo::storage::sqlite {

namespace {

constexpr int kMaxPageSize = 200;

// ---- users ----

constexpr std::string_view kUserCols =
    "u.id, u.username, u.display_name, u.partner_id, u.active, u.locale, u.created_at, "
    "u.updated_at, u.version, u.password_hash";

UserRecord ReadUser(Stmt& st) {
  UserRecord r;
  r.user.id = st.Int(0);
  r.user.username = st.Text(1);
  r.user.display_name = st.Text(2);
  r.user.partner_id = st.OptInt(3);
  r.user.active = st.Bool(4);
  r.user.locale = st.Text(5);
  r.user.created_at = st.Int(6);
  r.user.updated_at = st.Int(7);
  r.user.version = st.Int(8);
  r.password_hash = st.Text(9);
  return r;
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

Customer ReadCustomer(Stmt& st) {
  Customer c;
  c.id = st.Int(0);
  c.code = st.Text(1);
  c.name = st.Text(2);
  c.uscc = st.Text(3);
  c.address = st.Text(4);
  if (!ParseContacts(st.Text(5), &c.contacts)) st.Fail("malformed contacts");
  c.bank_name = st.Text(6);
  c.bank_account = st.Text(7);
  if (!st.IsNull(8)) c.credit_limit = st.Dec<2>(8);
  c.payment_terms.method = st.Enum(9, domain::ParsePaymentMethod);
  c.payment_terms.net_days = static_cast<int>(st.Int(10));
  c.payment_terms.prepay_percent = st.Dec<4>(11);
  c.default_invoice_type = st.Enum(12, domain::ParseInvoiceType);
  c.blocked = st.Bool(13);
  c.partner_id = st.OptInt(14);
  c.region = st.Text(15);
  c.created_at = st.Int(16);
  c.updated_at = st.Int(17);
  c.version = st.Int(18);
  return c;
}

// Binds the columns of kCustomerCols from code to region, in order.
void BindCustomer(Stmt& st, const Customer& c) {
  st.BindAll(c.code, c.name, c.uscc, c.address, ContactsJson(c.contacts), c.bank_name,
             c.bank_account, c.credit_limit, domain::PaymentMethodName(c.payment_terms.method),
             c.payment_terms.net_days, c.payment_terms.prepay_percent,
             domain::InvoiceTypeName(c.default_invoice_type), c.blocked, c.partner_id, c.region);
}

// ---- products ----

constexpr std::string_view kProductCols =
    "id, sku, name, spec, unit, list_price, min_price, tax_rate, make_to_order, "
    "lead_time_days, safety_stock, active, created_at, updated_at, version";

Product ReadProduct(Stmt& st) {
  Product p;
  p.id = st.Int(0);
  p.sku = st.Text(1);
  p.name = st.Text(2);
  p.spec = st.Text(3);
  p.unit = st.Text(4);
  p.list_price = st.Dec<2>(5);
  p.min_price = st.Dec<2>(6);
  p.tax_rate = st.Dec<4>(7);
  p.make_to_order = st.Bool(8);
  p.lead_time_days = static_cast<int>(st.Int(9));
  p.safety_stock = st.Dec<3>(10);
  p.active = st.Bool(11);
  p.created_at = st.Int(12);
  p.updated_at = st.Int(13);
  p.version = st.Int(14);
  return p;
}

// Binds the columns of kProductCols from sku to active, in order.
void BindProduct(Stmt& st, const Product& p) {
  st.BindAll(p.sku, p.name, p.spec, p.unit, p.list_price, p.min_price, p.tax_rate, p.make_to_order,
             p.lead_time_days, p.safety_stock, p.active);
}

// ---- warehouses ----

constexpr std::string_view kWarehouseCols =
    "id, code, name, region, address, active, created_at, version";

Warehouse ReadWarehouse(Stmt& st) {
  Warehouse w;
  w.id = st.Int(0);
  w.code = st.Text(1);
  w.name = st.Text(2);
  w.region = st.Text(3);
  w.address = st.Text(4);
  w.active = st.Bool(5);
  w.created_at = st.Int(6);
  w.version = st.Int(7);
  return w;
}

std::string Select(std::string_view cols, std::string_view rest) {
  std::string s = "SELECT ";
  s += cols;
  s += ' ';
  s += rest;
  return s;
}

// Runs `sql` (a SELECT ending in LIMIT ? OFFSET ?) after binding `where`, decoding each
// row with `read`.
template <typename T, typename Read>
Result<std::vector<T>> ReadPage(Connection& conn, const std::string& sql, const Where& where,
                                const Window& w, Read read) {
  ASSIGN_OR_RETURN(Stmt st, conn.Prepare(sql));
  where.BindTo(st);
  st.BindAll(w.limit, w.offset);
  std::vector<T> out;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(read(st));
    RETURN_IF_ERROR(st.decode_status());
  }
  return out;
}

}  // namespace

Window WindowOf(const PageRequest& page) {
  const int64_t size = std::clamp(page.page_size, 1, kMaxPageSize);
  const int64_t number = std::max(page.page, 1);
  return {size, (number - 1) * size};
}

Status SqliteTx::CheckWritable() const {
  return writable_ ? Status::Ok() : Status::Internal("read-only transaction");
}

Status SqliteTx::VersionedUpdateResult(Stmt& st, std::string_view table, int64_t id,
                                       std::string_view what) {
  if (st.changes() > 0) return Status::Ok();
  ASSIGN_OR_RETURN(Stmt probe,
                   conn_.Prepare("SELECT 1 FROM " + std::string(table) + " WHERE id = ?"));
  probe.Bind(id);
  ASSIGN_OR_RETURN(bool exists, probe.Step());
  if (!exists) return Status::NotFound(std::string(what) + " not found");
  return Status::Conflict("stale version");
}

// ---- users ----

Result<std::vector<domain::Role>> SqliteTx::LoadRoles(int64_t user_id) {
  ASSIGN_OR_RETURN(
      Stmt st, conn_.Prepare("SELECT role FROM user_roles WHERE user_id = ? ORDER BY position"));
  st.Bind(user_id);
  std::vector<domain::Role> roles;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    roles.push_back(st.Enum(0, domain::ParseRole));
  }
  RETURN_IF_ERROR(st.decode_status());
  return roles;
}

Status SqliteTx::WriteRoles(int64_t user_id, const std::vector<domain::Role>& roles) {
  {
    ASSIGN_OR_RETURN(Stmt del, conn_.Prepare("DELETE FROM user_roles WHERE user_id = ?"));
    del.Bind(user_id);
    RETURN_IF_ERROR(del.Run());
  }
  int position = 0;
  for (domain::Role role : roles) {
    // A role given twice is kept once, at its first position.
    ASSIGN_OR_RETURN(Stmt ins, conn_.Prepare("INSERT INTO user_roles (user_id, position, role) "
                                             "VALUES (?, ?, ?) ON CONFLICT DO NOTHING"));
    ins.BindAll(user_id, position++, domain::RoleName(role));
    RETURN_IF_ERROR(ins.Run());
  }
  return Status::Ok();
}

Result<int64_t> SqliteTx::InsertUser(const User& user, const std::string& password_hash) {
  RETURN_IF_ERROR(CheckWritable());
  int64_t id = 0;
  {
    ASSIGN_OR_RETURN(Stmt st,
                     conn_.Prepare("INSERT INTO users (username, display_name, password_hash, "
                                   "partner_id, active, locale, created_at, updated_at, version) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    st.BindAll(user.username, user.display_name, password_hash, user.partner_id, user.active,
               user.locale, user.created_at, user.updated_at, user.version);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Internal("insert returned no id");
    id = st.Int(0);
  }
  RETURN_IF_ERROR(WriteRoles(id, user.roles));
  return id;
}

Result<UserRecord> SqliteTx::LoadUser(std::string_view where_sql, const std::string* text,
                                      int64_t id) {
  UserRecord rec;
  {
    ASSIGN_OR_RETURN(
        Stmt st, conn_.Prepare(Select(kUserCols, "FROM users u WHERE ") + std::string(where_sql)));
    if (text != nullptr) {
      st.Bind(*text);
    } else {
      st.Bind(id);
    }
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("user not found");
    rec = ReadUser(st);
  }
  ASSIGN_OR_RETURN(rec.user.roles, LoadRoles(rec.user.id));
  return rec;
}

Result<UserRecord> SqliteTx::GetUser(int64_t id) { return LoadUser("u.id = ?", nullptr, id); }

Result<UserRecord> SqliteTx::GetUserByUsername(const std::string& username) {
  return LoadUser("u.username = ?", &username, 0);
}

Status SqliteTx::UpdateUser(const User& user, int64_t expected_version,
                            const std::string& password_hash) {
  RETURN_IF_ERROR(CheckWritable());
  {
    ASSIGN_OR_RETURN(
        Stmt st, conn_.Prepare("UPDATE users SET username = ?, display_name = ?, partner_id = ?, "
                               "active = ?, locale = ?, updated_at = ?, version = version + 1, "
                               "password_hash = CASE WHEN ? = '' THEN password_hash ELSE ? END "
                               "WHERE id = ? AND version = ?"));
    st.BindAll(user.username, user.display_name, user.partner_id, user.active, user.locale,
               user.updated_at, password_hash, password_hash, user.id, expected_version);
    RETURN_IF_ERROR(st.Run());
    RETURN_IF_ERROR(VersionedUpdateResult(st, "users", user.id, "user"));
  }
  return WriteRoles(user.id, user.roles);
}

Result<Page<User>> SqliteTx::ListUsers(const PageRequest& page) {
  Page<User> out;
  ASSIGN_OR_RETURN(out.total, CountUsers());
  const Where none;
  ASSIGN_OR_RETURN(auto records, ReadPage<UserRecord>(conn_,
                                                      Select(kUserCols,
                                                             "FROM users u ORDER BY u.id "
                                                             "LIMIT ? OFFSET ?"),
                                                      none, WindowOf(page), ReadUser));
  for (auto& rec : records) {
    ASSIGN_OR_RETURN(rec.user.roles, LoadRoles(rec.user.id));
    out.items.push_back(std::move(rec.user));
  }
  return out;
}

Result<int64_t> SqliteTx::CountUsers() { return CountRows(conn_, "users", Where()); }

Status SqliteTx::InsertSession(const std::string& token_hash, int64_t user_id, Millis created_at,
                               Millis expires_at) {
  RETURN_IF_ERROR(CheckWritable());
  {
    // Expired sessions are of no use to anyone; dropping them here keeps the table small.
    ASSIGN_OR_RETURN(Stmt purge, conn_.Prepare("DELETE FROM sessions WHERE expires_at <= ?"));
    purge.Bind(created_at);
    RETURN_IF_ERROR(purge.Run());
  }
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("INSERT INTO sessions (token_hash, user_id, "
                                          "created_at, expires_at) VALUES (?, ?, ?, ?)"));
  st.BindAll(token_hash, user_id, created_at, expires_at);
  return st.Run();
}

Result<UserRecord> SqliteTx::GetSessionUser(const std::string& token_hash, Millis now) {
  UserRecord rec;
  {
    ASSIGN_OR_RETURN(Stmt st, conn_.Prepare(Select(kUserCols,
                                                   "FROM sessions s JOIN users u ON u.id = "
                                                   "s.user_id WHERE s.token_hash = ? AND "
                                                   "s.expires_at > ?")));
    st.BindAll(token_hash, now);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Unauthenticated("session expired or unknown");
    rec = ReadUser(st);
  }
  ASSIGN_OR_RETURN(rec.user.roles, LoadRoles(rec.user.id));
  return rec;
}

Status SqliteTx::DeleteSession(const std::string& token_hash) {
  RETURN_IF_ERROR(CheckWritable());
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("DELETE FROM sessions WHERE token_hash = ?"));
  st.Bind(token_hash);
  return st.Run();
}

Status SqliteTx::DeleteSessionsOfUser(int64_t user_id, const std::string& keep_token_hash) {
  RETURN_IF_ERROR(CheckWritable());
  ASSIGN_OR_RETURN(Stmt st,
                   conn_.Prepare("DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?"));
  st.BindAll(user_id, keep_token_hash);
  return st.Run();
}

// ---- customers ----

Result<int64_t> SqliteTx::InsertCustomer(const Customer& c) {
  RETURN_IF_ERROR(CheckWritable());
  ASSIGN_OR_RETURN(
      Stmt st,
      conn_.Prepare("INSERT INTO customers (code, name, uscc, address, contacts, bank_name, "
                    "bank_account, credit_limit, payment_method, payment_net_days, "
                    "payment_prepay_percent, default_invoice_type, blocked, partner_id, region, "
                    "created_at, updated_at, version) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
  BindCustomer(st, c);
  st.BindAll(c.created_at, c.updated_at, c.version);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Internal("insert returned no id");
  return st.Int(0);
}

Result<Customer> SqliteTx::GetCustomer(int64_t id) {
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare(Select(kCustomerCols, "FROM customers WHERE id = ?")));
  st.Bind(id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("customer not found");
  Customer c = ReadCustomer(st);
  RETURN_IF_ERROR(st.decode_status());
  return c;
}

Status SqliteTx::UpdateCustomer(const Customer& c, int64_t expected_version) {
  RETURN_IF_ERROR(CheckWritable());
  ASSIGN_OR_RETURN(
      Stmt st,
      conn_.Prepare("UPDATE customers SET code = ?, name = ?, uscc = ?, address = ?, "
                    "contacts = ?, bank_name = ?, bank_account = ?, credit_limit = ?, "
                    "payment_method = ?, payment_net_days = ?, payment_prepay_percent = ?, "
                    "default_invoice_type = ?, blocked = ?, partner_id = ?, region = ?, "
                    "updated_at = ?, version = version + 1 WHERE id = ? AND version = ?"));
  BindCustomer(st, c);
  st.BindAll(c.updated_at, c.id, expected_version);
  RETURN_IF_ERROR(st.Run());
  return VersionedUpdateResult(st, "customers", c.id, "customer");
}

Result<Page<Customer>> SqliteTx::ListCustomers(const CustomerFilter& f) {
  Where where;
  if (!f.q.empty()) {
    const std::string pattern = ContainsPattern(f.q);
    where.And("code LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\'", pattern, pattern);
  }
  if (f.blocked) where.And("blocked = ?", *f.blocked ? 1 : 0);
  if (f.partner_id) where.And("partner_id = ?", *f.partner_id);
  Page<Customer> out;
  ASSIGN_OR_RETURN(out.total, CountRows(conn_, "customers", where));
  ASSIGN_OR_RETURN(out.items, ReadPage<Customer>(conn_,
                                                 Select(kCustomerCols, "FROM customers") +
                                                     where.Sql() + " ORDER BY id LIMIT ? OFFSET ?",
                                                 where, WindowOf(f.page), ReadCustomer));
  return out;
}

// ---- products ----

Result<int64_t> SqliteTx::InsertProduct(const Product& p) {
  RETURN_IF_ERROR(CheckWritable());
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("INSERT INTO products (sku, name, spec, unit, "
                                          "list_price, min_price, tax_rate, make_to_order, "
                                          "lead_time_days, safety_stock, active, created_at, "
                                          "updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, "
                                          "?, ?, ?, ?, ?, ?, ?) RETURNING id"));
  BindProduct(st, p);
  st.BindAll(p.created_at, p.updated_at, p.version);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Internal("insert returned no id");
  return st.Int(0);
}

Result<Product> SqliteTx::GetProduct(int64_t id) {
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare(Select(kProductCols, "FROM products WHERE id = ?")));
  st.Bind(id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("product not found");
  return ReadProduct(st);
}

Status SqliteTx::UpdateProduct(const Product& p, int64_t expected_version) {
  RETURN_IF_ERROR(CheckWritable());
  ASSIGN_OR_RETURN(Stmt st,
                   conn_.Prepare("UPDATE products SET sku = ?, name = ?, spec = ?, unit = ?, "
                                 "list_price = ?, min_price = ?, tax_rate = ?, "
                                 "make_to_order = ?, lead_time_days = ?, safety_stock = ?, "
                                 "active = ?, updated_at = ?, version = version + 1 "
                                 "WHERE id = ? AND version = ?"));
  BindProduct(st, p);
  st.BindAll(p.updated_at, p.id, expected_version);
  RETURN_IF_ERROR(st.Run());
  return VersionedUpdateResult(st, "products", p.id, "product");
}

Result<Page<Product>> SqliteTx::ListProducts(const ProductFilter& f) {
  Where where;
  if (!f.q.empty()) {
    const std::string pattern = ContainsPattern(f.q);
    where.And("sku LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\' OR spec LIKE ? ESCAPE '\\'",
              pattern, pattern, pattern);
  }
  if (f.active) where.And("active = ?", *f.active ? 1 : 0);
  Page<Product> out;
  ASSIGN_OR_RETURN(out.total, CountRows(conn_, "products", where));
  ASSIGN_OR_RETURN(out.items, ReadPage<Product>(conn_,
                                                Select(kProductCols, "FROM products") +
                                                    where.Sql() + " ORDER BY id LIMIT ? OFFSET ?",
                                                where, WindowOf(f.page), ReadProduct));
  return out;
}

// ---- warehouses ----

Result<int64_t> SqliteTx::InsertWarehouse(const Warehouse& w) {
  RETURN_IF_ERROR(CheckWritable());
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("INSERT INTO warehouses (code, name, region, address, "
                                          "active, created_at, version) VALUES (?, ?, ?, ?, ?, "
                                          "?, ?) RETURNING id"));
  st.BindAll(w.code, w.name, w.region, w.address, w.active, w.created_at, w.version);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Internal("insert returned no id");
  return st.Int(0);
}

Result<Warehouse> SqliteTx::GetWarehouse(int64_t id) {
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare(Select(kWarehouseCols, "FROM warehouses WHERE id = ?")));
  st.Bind(id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("warehouse not found");
  return ReadWarehouse(st);
}

Result<Page<Warehouse>> SqliteTx::ListWarehouses(const PageRequest& page) {
  const Where none;
  Page<Warehouse> out;
  ASSIGN_OR_RETURN(out.total, CountRows(conn_, "warehouses", none));
  ASSIGN_OR_RETURN(
      out.items, ReadPage<Warehouse>(
                     conn_, Select(kWarehouseCols, "FROM warehouses ORDER BY id LIMIT ? OFFSET ?"),
                     none, WindowOf(page), ReadWarehouse));
  return out;
}

// ---- events ----

Status SqliteTx::InsertEvent(const Event& e) {
  RETURN_IF_ERROR(CheckWritable());
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("INSERT INTO events (entity, entity_id, action, "
                                          "user_id, username, data, created_at) "
                                          "VALUES (?, ?, ?, ?, ?, ?, ?)"));
  st.BindAll(e.entity, e.entity_id, e.action, e.user_id, e.username, e.data, e.created_at);
  return st.Run();
}

namespace {
constexpr const char* kEventColumns =
    "SELECT id, entity, entity_id, action, user_id, username, data, created_at FROM events";

Result<std::vector<Event>> ReadEvents(Stmt& st) {
  std::vector<Event> out;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    Event e;
    e.id = st.Int(0);
    e.entity = st.Text(1);
    e.entity_id = st.Int(2);
    e.action = st.Text(3);
    e.user_id = st.Int(4);
    e.username = st.Text(5);
    e.data = st.Text(6);
    e.created_at = st.Int(7);
    out.push_back(std::move(e));
  }
  return out;
}
}  // namespace

Result<std::vector<Event>> SqliteTx::ListEvents(const std::string& entity, int64_t entity_id) {
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare(std::string(kEventColumns) +
                                          " WHERE entity = ? AND entity_id = ? ORDER BY id"));
  st.BindAll(entity, entity_id);
  return ReadEvents(st);
}

Result<Page<Event>> SqliteTx::ListAuditEvents(const EventFilter& f) {
  Where where;
  AddEventFilter(where, f);
  Page<Event> out;
  ASSIGN_OR_RETURN(out.total, CountRows(conn_, "events", where));
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare(std::string(kEventColumns) + where.Sql() +
                                          " ORDER BY id DESC LIMIT ? OFFSET ?"));
  where.BindTo(st);
  const Window w = WindowOf(f.page);
  st.BindAll(w.limit, w.offset);
  ASSIGN_OR_RETURN(out.items, ReadEvents(st));
  return out;
}

// ---- idempotency keys ----

Result<std::vector<std::pair<std::string, std::string>>> SqliteTx::GetSettings() {
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("SELECT key, value FROM settings ORDER BY key"));
  std::vector<std::pair<std::string, std::string>> out;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.emplace_back(st.Text(0), st.Text(1));
  }
  return out;
}

Status SqliteTx::PutSetting(const std::string& key, const std::string& value) {
  RETURN_IF_ERROR(CheckWritable());
  ASSIGN_OR_RETURN(Stmt st,
                   conn_.Prepare("INSERT INTO settings (key, value) VALUES (?, ?) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
  st.BindAll(key, value);
  return st.Run();
}

Result<std::optional<IdempotencyRecord>> SqliteTx::GetIdempotency(int64_t user_id,
                                                                  const std::string& key) {
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("SELECT request_hash, status, body FROM "
                                          "idempotency_keys WHERE user_id = ? AND key = ?"));
  st.BindAll(user_id, key);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<IdempotencyRecord>();
  IdempotencyRecord rec;
  rec.request_hash = st.Text(0);
  rec.status = static_cast<int>(st.Int(1));
  rec.body = st.Text(2);
  return std::optional<IdempotencyRecord>(std::move(rec));
}

Status SqliteTx::PutIdempotency(int64_t user_id, const std::string& key,
                                const IdempotencyRecord& rec, Millis now) {
  RETURN_IF_ERROR(CheckWritable());
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("INSERT INTO idempotency_keys (user_id, key, "
                                          "request_hash, status, body, created_at) "
                                          "VALUES (?, ?, ?, ?, ?, ?)"));
  st.BindAll(user_id, key, rec.request_hash, rec.status, rec.body, now);
  return st.Run();
}

}  // namespace ordo::storage::sqlite
