// SqliteTx: orders (header, lines, flags, reviews), order serials, credit exposure.

#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sql_filters.h"
#include "storage/sqlite/order_rows.h"
#include "storage/sqlite/query.h"
#include "storage/sqlite/sqlite_tx.h"

namespace ordo::storage::sqlite {

namespace {

using domain::Department;
using domain::Flag;
using domain::OrderLine;
using domain::Review;

// The header columns after id, in the order BindHeader binds and ReadHeader reads them.
// The last two are written by InsertOrder only: an update never changes who created the
// order or when.
constexpr const char* kHeaderCols[] = {
    "number",
    "status",
    "status_before_hold",
    "delivery_status",
    "billing_status",
    "payment_status",
    "channel",
    "customer_id",
    "customer_code",
    "customer_name",
    "partner_id",
    "price_mode",
    "net",
    "tax",
    "freight",
    "discount",
    "gross",
    "review_round",
    "needs_confirmation",
    "requested_delivery_date",
    "promised_date",
    "ship_to_name",
    "ship_to_phone",
    "ship_to_address",
    "ship_to_postcode",
    "payment_method",
    "payment_net_days",
    "payment_prepay_percent",
    "invoice_type",
    "special_requirements",
    "notes",
    "external_ref",
    "cancel_reason",
    "hold_reason",
    "confirmed_by",
    "confirmed_at",
    "updated_at",
    "version",
    "created_by",
    "created_at",
};
constexpr int kHeaderColCount = static_cast<int>(std::size(kHeaderCols));
constexpr int kUpdatableCols = kHeaderColCount - 2;

std::string JoinCols(int n, const char* separator, const char* suffix) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i > 0) out += separator;
    out += kHeaderCols[i];
    out += suffix;
  }
  return out;
}

// "SELECT id, number, ..." without its FROM.
const std::string& HeaderColumns() {
  static const std::string sql = "SELECT id, " + JoinCols(kHeaderColCount, ", ", "");
  return sql;
}

const std::string& HeaderSelect() {
  static const std::string sql = HeaderColumns() + " FROM orders";
  return sql;
}

const std::string& InsertHeaderSql() {
  static const std::string sql = [] {
    std::string values;
    for (int i = 0; i < kHeaderColCount; ++i) values += i == 0 ? "?" : ", ?";
    return "INSERT INTO orders (" + JoinCols(kHeaderColCount, ", ", "") + ") VALUES (" + values +
           ") RETURNING id";
  }();
  return sql;
}

const std::string& UpdateHeaderSql() {
  static const std::string sql = "UPDATE orders SET " + JoinCols(kUpdatableCols, ", ", " = ?") +
                                 " WHERE id = ? AND version = ?";
  return sql;
}

void BindHeader(Stmt& st, const Order& o, bool with_creation) {
  std::optional<std::string_view> before_hold;
  if (o.status_before_hold) before_hold = domain::OrderStatusName(*o.status_before_hold);
  st.BindAll(o.number, domain::OrderStatusName(o.status), before_hold, o.delivery_status,
             o.billing_status, o.payment_status, domain::ChannelName(o.channel), o.customer_id,
             o.customer_code, o.customer_name, o.partner_id, domain::PriceModeName(o.price_mode),
             o.totals.net, o.totals.tax, o.totals.freight, o.totals.discount, o.totals.gross,
             o.review_round, o.needs_confirmation, o.requested_delivery_date, o.promised_date,
             o.ship_to.name, o.ship_to.phone, o.ship_to.address, o.ship_to.postcode,
             domain::PaymentMethodName(o.payment_terms.method), o.payment_terms.net_days,
             o.payment_terms.prepay_percent, domain::InvoiceTypeName(o.invoice_type),
             o.special_requirements, o.notes, o.external_ref, o.cancel_reason, o.hold_reason,
             o.confirmed_by, o.confirmed_at, o.updated_at, o.version);
  if (with_creation) st.BindAll(o.created_by, o.created_at);
}

Order ReadHeader(Stmt& st) {
  Order o;
  int c = 0;
  o.id = st.Int(c++);
  o.number = st.Text(c++);
  o.status = st.Enum(c++, domain::ParseOrderStatus);
  if (!st.IsNull(c)) o.status_before_hold = st.Enum(c, domain::ParseOrderStatus);
  ++c;
  o.delivery_status = st.Text(c++);
  o.billing_status = st.Text(c++);
  o.payment_status = st.Text(c++);
  o.channel = st.Enum(c++, domain::ParseChannel);
  o.customer_id = st.Int(c++);
  o.customer_code = st.Text(c++);
  o.customer_name = st.Text(c++);
  o.partner_id = st.OptInt(c++);
  o.price_mode = st.Enum(c++, domain::ParsePriceMode);
  o.totals.net = st.Dec<2>(c++);
  o.totals.tax = st.Dec<2>(c++);
  o.totals.freight = st.Dec<2>(c++);
  o.totals.discount = st.Dec<2>(c++);
  o.totals.gross = st.Dec<2>(c++);
  o.review_round = static_cast<int>(st.Int(c++));
  o.needs_confirmation = st.Bool(c++);
  o.requested_delivery_date = st.OptDate(c++);
  o.promised_date = st.OptDate(c++);
  o.ship_to.name = st.Text(c++);
  o.ship_to.phone = st.Text(c++);
  o.ship_to.address = st.Text(c++);
  o.ship_to.postcode = st.Text(c++);
  o.payment_terms.method = st.Enum(c++, domain::ParsePaymentMethod);
  o.payment_terms.net_days = static_cast<int>(st.Int(c++));
  o.payment_terms.prepay_percent = st.Dec<4>(c++);
  o.invoice_type = st.Enum(c++, domain::ParseInvoiceType);
  o.special_requirements = st.Text(c++);
  o.notes = st.Text(c++);
  o.external_ref = st.Text(c++);
  o.cancel_reason = st.Text(c++);
  o.hold_reason = st.Text(c++);
  o.confirmed_by = st.OptInt(c++);
  o.confirmed_at = st.OptInt(c++);
  o.updated_at = st.Int(c++);
  o.version = st.Int(c++);
  o.created_by = st.Int(c++);
  o.created_at = st.Int(c++);
  return o;
}

// The ORDER BY of a list sort; id breaks ties so that pages never overlap.
const char* SortSql(OrderSort sort) {
  switch (sort) {
    case OrderSort::kCreatedDesc:
      return " ORDER BY created_at DESC, id DESC";
    case OrderSort::kCreatedAsc:
      return " ORDER BY created_at ASC, id ASC";
    case OrderSort::kNumberDesc:
      return " ORDER BY number DESC, id DESC";
    case OrderSort::kNumberAsc:
      return " ORDER BY number ASC, id ASC";
    case OrderSort::kGrossDesc:
      return " ORDER BY gross DESC, id DESC";
    case OrderSort::kGrossAsc:
      return " ORDER BY gross ASC, id ASC";
  }
  return " ORDER BY created_at DESC, id DESC";
}

Status DeleteParts(Connection& conn, int64_t order_id) {
  for (const char* sql :
       {"DELETE FROM order_lines WHERE order_id = ?", "DELETE FROM order_flags WHERE order_id = ?",
        "DELETE FROM order_reviews WHERE order_id = ?"}) {
    ASSIGN_OR_RETURN(Stmt st, conn.Prepare(sql));
    st.Bind(order_id);
    RETURN_IF_ERROR(st.Run());
  }
  return Status::Ok();
}

}  // namespace

const std::string& OrderHeaderColumns() { return HeaderColumns(); }
const std::string& OrderHeaderSelect() { return HeaderSelect(); }
Order ReadOrderHeader(Stmt& st) { return ReadHeader(st); }
const char* OrderSortSql(OrderSort sort) { return SortSql(sort); }

Result<int64_t> SqliteTx::NextOrderSerial(Date business_date) {
  RETURN_IF_ERROR(CheckWritable());
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("INSERT INTO order_counters (business_date, "
                                          "last_serial) VALUES (?, 1) "
                                          "ON CONFLICT (business_date) DO UPDATE "
                                          "SET last_serial = last_serial + 1 "
                                          "RETURNING last_serial"));
  st.Bind(business_date);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Internal("order counter returned no serial");
  return st.Int(0);
}

Status SqliteTx::WriteOrderParts(const Order& o, int64_t order_id) {
  for (const OrderLine& l : o.lines) {
    ASSIGN_OR_RETURN(
        Stmt st, conn_.Prepare("INSERT INTO order_lines (order_id, line_no, product_id, sku, "
                               "name, spec, unit, qty, unit_price, discount_rate, tax_rate, net, "
                               "tax, gross, warehouse_id, make_to_order, reserved_qty, "
                               "backordered_qty, shipped_qty, delivered_qty, invoiced_qty, "
                               "returned_qty) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                               "?, ?, ?, ?, ?, ?, ?, ?)"));
    st.BindAll(order_id, l.line_no, l.product_id, l.sku, l.name, l.spec, l.unit, l.qty,
               l.unit_price, l.discount_rate, l.tax_rate, l.net, l.tax, l.gross, l.warehouse_id,
               l.make_to_order, l.reserved_qty, l.backordered_qty, l.shipped_qty, l.delivered_qty,
               l.invoiced_qty, l.returned_qty);
    RETURN_IF_ERROR(st.Run());
  }
  int position = 0;
  for (const Flag& f : o.flags) {
    ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("INSERT INTO order_flags (order_id, position, code, "
                                            "department, message, line_no) "
                                            "VALUES (?, ?, ?, ?, ?, ?)"));
    st.BindAll(order_id, position++, f.code, domain::DepartmentName(f.department), f.message,
               f.line_no);
    RETURN_IF_ERROR(st.Run());
  }
  for (const Review& r : o.reviews) {
    ASSIGN_OR_RETURN(Stmt st,
                     conn_.Prepare("INSERT INTO order_reviews (order_id, round, department, "
                                   "approved, comment, override_price, override_credit, "
                                   "restock_date, reviewer_id, reviewer, created_at) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    st.BindAll(order_id, r.round, domain::DepartmentName(r.department), r.approved, r.comment,
               r.override_price, r.override_credit, r.restock_date, r.reviewer_id, r.reviewer,
               r.created_at);
    RETURN_IF_ERROR(st.Run());
  }
  return Status::Ok();
}

Result<int64_t> SqliteTx::InsertOrder(const Order& o) {
  RETURN_IF_ERROR(CheckWritable());
  int64_t id = 0;
  {
    ASSIGN_OR_RETURN(Stmt st, conn_.Prepare(InsertHeaderSql()));
    BindHeader(st, o, /*with_creation=*/true);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Internal("insert returned no id");
    id = st.Int(0);
  }
  RETURN_IF_ERROR(WriteOrderParts(o, id));
  return id;
}

Result<Order> SqliteTx::GetOrder(int64_t id) {
  Order o;
  {
    ASSIGN_OR_RETURN(Stmt st, conn_.Prepare(HeaderSelect() + " WHERE id = ?"));
    st.Bind(id);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::NotFound("order not found");
    o = ReadHeader(st);
    RETURN_IF_ERROR(st.decode_status());
  }
  {
    ASSIGN_OR_RETURN(Stmt st,
                     conn_.Prepare("SELECT line_no, product_id, sku, name, spec, unit, qty, "
                                   "unit_price, discount_rate, tax_rate, net, tax, gross, "
                                   "warehouse_id, make_to_order, reserved_qty, backordered_qty, "
                                   "shipped_qty, delivered_qty, invoiced_qty, returned_qty "
                                   "FROM order_lines WHERE order_id = ? ORDER BY line_no"));
    st.Bind(id);
    for (;;) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      OrderLine l;
      l.line_no = static_cast<int>(st.Int(0));
      l.product_id = st.Int(1);
      l.sku = st.Text(2);
      l.name = st.Text(3);
      l.spec = st.Text(4);
      l.unit = st.Text(5);
      l.qty = st.Dec<3>(6);
      l.unit_price = st.Dec<2>(7);
      l.discount_rate = st.Dec<4>(8);
      l.tax_rate = st.Dec<4>(9);
      l.net = st.Dec<2>(10);
      l.tax = st.Dec<2>(11);
      l.gross = st.Dec<2>(12);
      l.warehouse_id = st.OptInt(13);
      l.make_to_order = st.Bool(14);
      l.reserved_qty = st.Dec<3>(15);
      l.backordered_qty = st.Dec<3>(16);
      l.shipped_qty = st.Dec<3>(17);
      l.delivered_qty = st.Dec<3>(18);
      l.invoiced_qty = st.Dec<3>(19);
      l.returned_qty = st.Dec<3>(20);
      o.lines.push_back(std::move(l));
    }
  }
  {
    ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("SELECT code, department, message, line_no "
                                            "FROM order_flags WHERE order_id = ? "
                                            "ORDER BY position"));
    st.Bind(id);
    for (;;) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      Flag f;
      f.code = st.Text(0);
      f.department = st.Enum(1, domain::ParseDepartment);
      f.message = st.Text(2);
      if (!st.IsNull(3)) f.line_no = static_cast<int>(st.Int(3));
      o.flags.push_back(std::move(f));
    }
    RETURN_IF_ERROR(st.decode_status());
  }
  {
    ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("SELECT round, department, approved, comment, "
                                            "override_price, override_credit, restock_date, "
                                            "reviewer_id, reviewer, created_at "
                                            "FROM order_reviews WHERE order_id = ? "
                                            "ORDER BY round, id"));
    st.Bind(id);
    for (;;) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      Review r;
      r.round = static_cast<int>(st.Int(0));
      r.department = st.Enum(1, domain::ParseDepartment);
      r.approved = st.Bool(2);
      r.comment = st.Text(3);
      r.override_price = st.Bool(4);
      r.override_credit = st.Bool(5);
      r.restock_date = st.OptDate(6);
      r.reviewer_id = st.Int(7);
      r.reviewer = st.Text(8);
      r.created_at = st.Int(9);
      o.reviews.push_back(std::move(r));
    }
    RETURN_IF_ERROR(st.decode_status());
  }
  return o;
}

Status SqliteTx::UpdateOrder(const Order& o, int64_t expected_version) {
  RETURN_IF_ERROR(CheckWritable());
  {
    ASSIGN_OR_RETURN(Stmt st, conn_.Prepare(UpdateHeaderSql()));
    BindHeader(st, o, /*with_creation=*/false);
    st.BindAll(o.id, expected_version);
    RETURN_IF_ERROR(st.Run());
    RETURN_IF_ERROR(VersionedUpdateResult(*this, st.changes(), "orders", o.id, "order"));
  }
  RETURN_IF_ERROR(DeleteParts(conn_, o.id));
  return WriteOrderParts(o, o.id);
}

Result<Page<Order>> SqliteTx::ListOrders(const OrderFilter& f) {
  // Every filter but the search term.
  Where where;
  std::vector<std::string> statuses;
  for (auto s : f.statuses) statuses.emplace_back(domain::OrderStatusName(s));
  where.AndIn("status", statuses);
  if (f.customer_id) where.And("customer_id = ?", *f.customer_id);
  if (f.channel) where.And("channel = ?", domain::ChannelName(*f.channel));
  if (f.partner_id) where.And("partner_id = ?", *f.partner_id);
  if (f.created_by) where.And("created_by = ?", *f.created_by);
  if (!f.awaiting.empty()) {
    // A review decides for its department in its round: the inbox of those departments.
    where.And("status = 'pending_review'");
    where.AndWith(AwaitingSql(f.awaiting.size()), DepartmentNames(f.awaiting));
  }
  if (f.from) where.And("created_at >= ?", *f.from);
  if (f.to) where.And("created_at < ?", *f.to);

  // The orders with these statuses (all of them when none is asked for), from the counts
  // kept by triggers (migration 002): no counting of up to a million index entries.
  int64_t by_status = 0;
  {
    Where w;
    w.AndIn("status", statuses);
    ASSIGN_OR_RETURN(
        Stmt count, conn_.Prepare("SELECT COALESCE(SUM(n), 0) FROM order_status_counts" + w.Sql()));
    w.BindTo(count);
    ASSIGN_OR_RETURN(bool row, count.Step());
    by_status = row ? count.Int(0) : 0;
  }
  if (!f.q.empty()) return SearchOrders(f, where, by_status);

  Page<Order> out;
  const bool status_only = !f.customer_id && !f.channel && !f.partner_id && !f.created_by &&
                           f.awaiting.empty() && !f.from && !f.to;
  if (status_only) {
    out.total = by_status;
  } else {
    ASSIGN_OR_RETURN(out.total, CountRows(conn_, "orders", where));
  }
  const Window w = WindowOf(f.page);
  ASSIGN_OR_RETURN(
      out.items, ReadOrderPage(HeaderSelect() + where.Sql() + SortSql(f.sort) + " LIMIT ? OFFSET ?",
                               where, w));
  return out;
}

Result<std::vector<Order>> SqliteTx::ReadOrderPage(const std::string& sql, const Where& where,
                                                   const Window& w) {
  ASSIGN_OR_RETURN(Stmt st, conn_.Prepare(sql));
  where.BindTo(st);
  st.BindAll(w.limit, w.offset);
  std::vector<Order> out;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadHeader(st));
    RETURN_IF_ERROR(st.decode_status());
  }
  return out;
}

Result<Money> SqliteTx::CreditExposure(int64_t customer_id, int64_t exclude_order_id) {
  // The SQL twin of domain::CreditExposure. customer_exposure holds the sum over all the
  // customer's orders of what each still owes (kept by triggers, migration 002); the
  // excluded order's own share is taken off again. Two primary-key lookups, however
  // many orders the customer has. The triggers refuse a total that would not fit in an
  // int64 (migration 006), so it is exact.
  ASSIGN_OR_RETURN(
      Stmt st, conn_.Prepare("SELECT COALESCE((SELECT amount FROM customer_exposure "
                             "WHERE customer_id = ?1), 0) - "
                             "COALESCE((SELECT max(CASE "
                             "WHEN status = 'pending_review' OR status = 'approved' OR "
                             "status = 'confirmed' OR status = 'in_progress' OR status = 'on_hold' "
                             "THEN gross - paid_amount "
                             "WHEN status = 'completed' OR status = 'closed' "
                             "THEN invoiced_amount - paid_amount "
                             "ELSE 0 END, 0) FROM orders WHERE id = ?2 AND customer_id = ?1), 0)"));
  st.BindAll(customer_id, exclude_order_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  return Money::FromUnits(row ? st.Int(0) : 0);
}

}  // namespace ordo::storage::sqlite
