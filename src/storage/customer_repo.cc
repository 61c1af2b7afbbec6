#include "storage/customer_repo.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "storage/query.h"

namespace ordo::storage {

using domain::Customer;

namespace {

constexpr std::string_view kColumns =
    "id, code, name, uscc, address, contacts, bank_name, bank_account, credit_limit, "
    "payment_method, payment_net_days, payment_prepay_percent, default_invoice_type, blocked, "
    "partner_id, region, created_at, updated_at, version";

// Contacts as JSON text (SQLite TEXT, PostgreSQL JSONB).
std::string ContactsJson(const std::vector<domain::Contact>& contacts) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& c : contacts) {
    arr.push_back({{"name", c.name}, {"phone", c.phone}, {"email", c.email}});
  }
  return arr.dump();
}

// Contacts from their JSON text; false when the text is not what ContactsJson writes.
bool ParseContacts(std::string_view text, std::vector<domain::Contact>* out) {
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

Customer Read(Statement& st) {
  Customer c;
  c.id = st.Int(0);
  c.code = st.Text(1);
  c.name = st.Text(2);
  c.uscc = st.Text(3);
  c.address = st.Text(4);
  if (!ParseContacts(st.TextView(5), &c.contacts)) st.Fail("malformed contacts");
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

// Binds the columns of kColumns from code to region, in order.
void BindFields(Statement& st, const Customer& c) {
  st.BindAll(c.code, c.name, c.uscc, c.address, ContactsJson(c.contacts), c.bank_name,
             c.bank_account, c.credit_limit, domain::PaymentMethodName(c.payment_terms.method),
             c.payment_terms.net_days, c.payment_terms.prepay_percent,
             domain::InvoiceTypeName(c.default_invoice_type), c.blocked, c.partner_id, c.region);
}

}  // namespace

Result<int64_t> CustomerRepo::Insert(const Customer& c) {
  RETURN_IF_ERROR(sql_.CheckWritable());
  ASSIGN_OR_RETURN(
      Statement st,
      sql_.Prepare("INSERT INTO customers (code, name, uscc, address, contacts, bank_name, "
                   "bank_account, credit_limit, payment_method, payment_net_days, "
                   "payment_prepay_percent, default_invoice_type, blocked, partner_id, region, "
                   "created_at, updated_at, version) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
  BindFields(st, c);
  st.BindAll(c.created_at, c.updated_at, c.version);
  return InsertedId(st);
}

Result<Customer> CustomerRepo::Get(int64_t id) {
  // Built once: the intake reads these records for every order.
  static const std::string sql = Select(kColumns, "FROM customers WHERE id = ?");
  ASSIGN_OR_RETURN(Statement st, sql_.Prepare(sql));
  st.Bind(id);
  return ReadOne<Customer>(st, "customer not found", Read);
}

Status CustomerRepo::Update(const Customer& c, int64_t expected_version) {
  RETURN_IF_ERROR(sql_.CheckWritable());
  ASSIGN_OR_RETURN(
      Statement st,
      sql_.Prepare("UPDATE customers SET code = ?, name = ?, uscc = ?, address = ?, "
                   "contacts = ?, bank_name = ?, bank_account = ?, credit_limit = ?, "
                   "payment_method = ?, payment_net_days = ?, payment_prepay_percent = ?, "
                   "default_invoice_type = ?, blocked = ?, partner_id = ?, region = ?, "
                   "updated_at = ?, version = version + 1 WHERE id = ? AND version = ?"));
  BindFields(st, c);
  st.BindAll(c.updated_at, c.id, expected_version);
  RETURN_IF_ERROR(st.Run());
  return VersionedUpdateResult(sql_, st.changes(), "customers", c.id, "customer");
}

Result<Page<Customer>> CustomerRepo::List(const CustomerFilter& f) {
  Where where;
  if (!f.q.empty()) {
    const std::string pattern = ContainsPattern(f.q);
    where.And(sql_.Contains("code") + " OR " + sql_.Contains("name"), pattern, pattern);
  }
  if (f.blocked) where.And("blocked = ?", *f.blocked);
  if (f.partner_id) where.And("partner_id = ?", *f.partner_id);
  Page<Customer> out;
  ASSIGN_OR_RETURN(out.total, CountRows(sql_, "customers", where));
  ASSIGN_OR_RETURN(out.items, ReadPage<Customer>(sql_,
                                                 Select(kColumns, "FROM customers") + where.Sql() +
                                                     " ORDER BY id LIMIT ? OFFSET ?",
                                                 where, f.page, Read));
  return out;
}

}  // namespace ordo::storage
