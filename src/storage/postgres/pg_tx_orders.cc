// PgTx: orders (header, lines, flags, reviews), order serials, credit exposure.

#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/postgres/pg_tx.h"
#include "storage/sql_filters.h"

namespace ordo::storage::postgres {

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

std::string JoinCols(int n, const char* separator) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i > 0) out += separator;
    out += kHeaderCols[i];
  }
  return out;
}

const std::string& HeaderSelect() {
  static const std::string sql = "SELECT id, " + JoinCols(kHeaderColCount, ", ") + " FROM orders";
  return sql;
}

const std::string& UpdateHeaderSql() {
  static const std::string sql = [] {
    std::string sets;
    for (int i = 0; i < kUpdatableCols; ++i) {
      if (i > 0) sets += ", ";
      sets += std::string(kHeaderCols[i]) + " = $" + std::to_string(i + 1);
    }
    return "UPDATE orders SET " + sets + " WHERE id = $" + std::to_string(kUpdatableCols + 1) +
           " AND version = $" + std::to_string(kUpdatableCols + 2);
  }();
  return sql;
}

// The lines, flags and reviews of one order, each table's rows from one unnest() of
// array parameters numbered from $first (query.h: Columns), as data-modifying CTEs
// `l, f, r`; `id` is the SQL of the order's id. One statement writes them all whatever
// their number: the parts of an order cost one round trip, not one per row — which
// matters on submit, where they are written while the order's stock rows are locked.
std::string PartsCtes(const std::string& id, int first) {
  int n = first;
  auto arrays = [&n](std::initializer_list<const char*> types) {
    std::string out;
    for (const char* t : types) {
      if (!out.empty()) out += ", ";
      out += "$" + std::to_string(n++) + "::" + t + "[]";
    }
    return out;
  };
  std::string sql =
      "l AS (INSERT INTO order_lines (order_id, line_no, product_id, sku, name, spec, unit, qty, "
      "unit_price, discount_rate, tax_rate, net, tax, gross, warehouse_id, make_to_order, "
      "reserved_qty, backordered_qty, shipped_qty, delivered_qty, invoiced_qty, returned_qty) "
      "SELECT " +
      id + ", u.* FROM unnest(";
  sql += arrays({"integer", "bigint", "text",   "text",   "text",   "text",   "bigint",
                 "bigint",  "bigint", "bigint", "bigint", "bigint", "bigint", "bigint",
                 "boolean", "bigint", "bigint", "bigint", "bigint", "bigint", "bigint"});
  sql +=
      ") AS u), f AS (INSERT INTO order_flags (order_id, position, code, department, message, "
      "line_no) SELECT " +
      id + ", u.* FROM unnest(";
  sql += arrays({"integer", "text", "text", "text", "integer"});
  sql +=
      ") AS u), r AS (INSERT INTO order_reviews (order_id, round, department, approved, "
      "comment, override_price, override_credit, restock_date, reviewer_id, reviewer, "
      "created_at) SELECT " +
      id + ", u.* FROM unnest(";
  sql += arrays({"integer", "text", "boolean", "text", "boolean", "boolean", "date", "bigint",
                 "text", "bigint"});
  sql += ") AS u)";
  return sql;
}

// The header, lines, flags and reviews of a new order in one statement; answers its id.
// The parts' foreign keys are checked at the end of the statement, when the header's row
// is there.
const std::string& InsertOrderSql() {
  static const std::string sql = [] {
    std::string values;
    for (int i = 1; i <= kHeaderColCount; ++i) values += (i == 1 ? "$" : ", $") + std::to_string(i);
    return "WITH h AS (INSERT INTO orders (" + JoinCols(kHeaderColCount, ", ") + ") VALUES (" +
           values + ") RETURNING id), " + PartsCtes("(SELECT id FROM h)", kHeaderColCount + 1) +
           " SELECT id FROM h";
  }();
  return sql;
}

// The lines, flags and reviews of the order $1, in one statement.
const std::string& InsertPartsSql() {
  static const std::string sql = "WITH " + PartsCtes("$1::bigint", 2) + " SELECT 1";
  return sql;
}

// Binds the lines, flags and reviews in the order PartsCtes numbers them.
void BindParts(Params& p, const Order& o) {
  Columns<21> lines;
  for (const OrderLine& l : o.lines) {
    lines.AddRow(l.line_no, l.product_id, l.sku, l.name, l.spec, l.unit, l.qty, l.unit_price,
                 l.discount_rate, l.tax_rate, l.net, l.tax, l.gross, l.warehouse_id,
                 l.make_to_order, l.reserved_qty, l.backordered_qty, l.shipped_qty, l.delivered_qty,
                 l.invoiced_qty, l.returned_qty);
  }
  Columns<5> flags;
  int position = 0;
  for (const Flag& f : o.flags) {
    flags.AddRow(position++, f.code, domain::DepartmentName(f.department), f.message, f.line_no);
  }
  Columns<10> reviews;
  for (const Review& r : o.reviews) {
    reviews.AddRow(r.round, domain::DepartmentName(r.department), r.approved, r.comment,
                   r.override_price, r.override_credit, r.restock_date, r.reviewer_id, r.reviewer,
                   r.created_at);
  }
  lines.BindTo(p);
  flags.BindTo(p);
  reviews.BindTo(p);
}

void BindHeader(Params& p, const Order& o, bool with_creation) {
  std::optional<std::string_view> before_hold;
  if (o.status_before_hold) before_hold = domain::OrderStatusName(*o.status_before_hold);
  p.BindAll(o.number, domain::OrderStatusName(o.status), before_hold, o.delivery_status,
            o.billing_status, o.payment_status, domain::ChannelName(o.channel), o.customer_id,
            o.customer_code, o.customer_name, o.partner_id, domain::PriceModeName(o.price_mode),
            o.totals.net, o.totals.tax, o.totals.freight, o.totals.discount, o.totals.gross,
            o.review_round, o.needs_confirmation, o.requested_delivery_date, o.promised_date,
            o.ship_to.name, o.ship_to.phone, o.ship_to.address, o.ship_to.postcode,
            domain::PaymentMethodName(o.payment_terms.method), o.payment_terms.net_days,
            o.payment_terms.prepay_percent, domain::InvoiceTypeName(o.invoice_type),
            o.special_requirements, o.notes, o.external_ref, o.cancel_reason, o.hold_reason,
            o.confirmed_by, o.confirmed_at, o.updated_at, o.version);
  if (with_creation) p.BindAll(o.created_by, o.created_at);
}

Order ReadHeader(Row& r) {
  Order o;
  int c = 0;
  o.id = r.Int(c++);
  o.number = r.Text(c++);
  o.status = r.Enum(c++, domain::ParseOrderStatus);
  if (!r.IsNull(c)) o.status_before_hold = r.Enum(c, domain::ParseOrderStatus);
  ++c;
  o.delivery_status = r.Text(c++);
  o.billing_status = r.Text(c++);
  o.payment_status = r.Text(c++);
  o.channel = r.Enum(c++, domain::ParseChannel);
  o.customer_id = r.Int(c++);
  o.customer_code = r.Text(c++);
  o.customer_name = r.Text(c++);
  o.partner_id = r.OptInt(c++);
  o.price_mode = r.Enum(c++, domain::ParsePriceMode);
  o.totals.net = r.Dec<2>(c++);
  o.totals.tax = r.Dec<2>(c++);
  o.totals.freight = r.Dec<2>(c++);
  o.totals.discount = r.Dec<2>(c++);
  o.totals.gross = r.Dec<2>(c++);
  o.review_round = static_cast<int>(r.Int(c++));
  o.needs_confirmation = r.Bool(c++);
  o.requested_delivery_date = r.OptDate(c++);
  o.promised_date = r.OptDate(c++);
  o.ship_to.name = r.Text(c++);
  o.ship_to.phone = r.Text(c++);
  o.ship_to.address = r.Text(c++);
  o.ship_to.postcode = r.Text(c++);
  o.payment_terms.method = r.Enum(c++, domain::ParsePaymentMethod);
  o.payment_terms.net_days = static_cast<int>(r.Int(c++));
  o.payment_terms.prepay_percent = r.Dec<4>(c++);
  o.invoice_type = r.Enum(c++, domain::ParseInvoiceType);
  o.special_requirements = r.Text(c++);
  o.notes = r.Text(c++);
  o.external_ref = r.Text(c++);
  o.cancel_reason = r.Text(c++);
  o.hold_reason = r.Text(c++);
  o.confirmed_by = r.OptInt(c++);
  o.confirmed_at = r.OptInt(c++);
  o.updated_at = r.Int(c++);
  o.version = r.Int(c++);
  o.created_by = r.Int(c++);
  o.created_at = r.Int(c++);
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

}  // namespace

Result<int64_t> PgTx::NextOrderSerial(Date business_date) {
  RETURN_IF_ERROR(CheckWritable());
  if (failure() != Failure::kNone) return failure_status();
  if (serials_ == nullptr) return Status::Internal("no order serials in this transaction");
  // From the store's block of serials, not from the counter row in this transaction: the
  // row is never locked until this order commits, and a rollback or a rerun of the use
  // case leaves its serial unused (a gap). A failure to reserve a block does not abort
  // this transaction; the use case returns it.
  return serials_->Next(business_date);
}

Status PgTx::WriteOrderParts(const Order& o, int64_t order_id) {
  if (o.lines.empty() && o.flags.empty() && o.reviews.empty()) return Status::Ok();
  Params p;
  p.Bind(order_id);
  BindParts(p, o);
  return Exec(InsertPartsSql(), p).status();
}

Result<int64_t> PgTx::InsertOrder(const Order& o) {
  RETURN_IF_ERROR(CheckWritable());
  Params p;
  BindHeader(p, o, /*with_creation=*/true);
  BindParts(p, o);
  return ExecInt(InsertOrderSql(), p, "insert");
}

Result<Order> PgTx::GetOrder(int64_t id) {
  Params p;
  p.Bind(id);
  Order o;
  {
    ASSIGN_OR_RETURN(pqxx::result r, Exec(HeaderSelect() + " WHERE id = $1", p));
    if (r.empty()) return Status::NotFound("order not found");
    Row row(r[0]);
    o = ReadHeader(row);
    RETURN_IF_ERROR(row.decode_status());
  }
  {
    ASSIGN_OR_RETURN(pqxx::result r,
                     Exec("SELECT line_no, product_id, sku, name, spec, unit, qty, unit_price, "
                          "discount_rate, tax_rate, net, tax, gross, warehouse_id, "
                          "make_to_order, reserved_qty, backordered_qty, shipped_qty, "
                          "delivered_qty, invoiced_qty, returned_qty "
                          "FROM order_lines WHERE order_id = $1 ORDER BY line_no",
                          p));
    o.lines.reserve(r.size());
    for (const auto& raw : r) {
      Row row(raw);
      OrderLine l;
      l.line_no = static_cast<int>(row.Int(0));
      l.product_id = row.Int(1);
      l.sku = row.Text(2);
      l.name = row.Text(3);
      l.spec = row.Text(4);
      l.unit = row.Text(5);
      l.qty = row.Dec<3>(6);
      l.unit_price = row.Dec<2>(7);
      l.discount_rate = row.Dec<4>(8);
      l.tax_rate = row.Dec<4>(9);
      l.net = row.Dec<2>(10);
      l.tax = row.Dec<2>(11);
      l.gross = row.Dec<2>(12);
      l.warehouse_id = row.OptInt(13);
      l.make_to_order = row.Bool(14);
      l.reserved_qty = row.Dec<3>(15);
      l.backordered_qty = row.Dec<3>(16);
      l.shipped_qty = row.Dec<3>(17);
      l.delivered_qty = row.Dec<3>(18);
      l.invoiced_qty = row.Dec<3>(19);
      l.returned_qty = row.Dec<3>(20);
      RETURN_IF_ERROR(row.decode_status());
      o.lines.push_back(std::move(l));
    }
  }
  {
    ASSIGN_OR_RETURN(pqxx::result r, Exec("SELECT code, department, message, line_no "
                                          "FROM order_flags WHERE order_id = $1 "
                                          "ORDER BY position",
                                          p));
    for (const auto& raw : r) {
      Row row(raw);
      Flag f;
      f.code = row.Text(0);
      f.department = row.Enum(1, domain::ParseDepartment);
      f.message = row.Text(2);
      if (!row.IsNull(3)) f.line_no = static_cast<int>(row.Int(3));
      RETURN_IF_ERROR(row.decode_status());
      o.flags.push_back(std::move(f));
    }
  }
  {
    ASSIGN_OR_RETURN(pqxx::result r, Exec("SELECT round, department, approved, comment, "
                                          "override_price, override_credit, restock_date, "
                                          "reviewer_id, reviewer, created_at "
                                          "FROM order_reviews WHERE order_id = $1 "
                                          "ORDER BY round, id",
                                          p));
    for (const auto& raw : r) {
      Row row(raw);
      Review rv;
      rv.round = static_cast<int>(row.Int(0));
      rv.department = row.Enum(1, domain::ParseDepartment);
      rv.approved = row.Bool(2);
      rv.comment = row.Text(3);
      rv.override_price = row.Bool(4);
      rv.override_credit = row.Bool(5);
      rv.restock_date = row.OptDate(6);
      rv.reviewer_id = row.Int(7);
      rv.reviewer = row.Text(8);
      rv.created_at = row.Int(9);
      RETURN_IF_ERROR(row.decode_status());
      o.reviews.push_back(std::move(rv));
    }
  }
  return o;
}

Status PgTx::UpdateOrder(const Order& o, int64_t expected_version) {
  RETURN_IF_ERROR(CheckWritable());
  {
    Params p;
    BindHeader(p, o, /*with_creation=*/false);
    p.BindAll(o.id, expected_version);
    ASSIGN_OR_RETURN(pqxx::result r, Exec(UpdateHeaderSql(), p));
    RETURN_IF_ERROR(VersionedUpdateResult(*this, r.affected_rows(), "orders", o.id, "order"));
  }
  Params id;
  id.Bind(o.id);
  // The old parts go in one statement and the new ones come in the next: a statement's
  // CTEs do not see each other's changes, so a line deleted and inserted again must not
  // share one.
  RETURN_IF_ERROR(Exec("WITH l AS (DELETE FROM order_lines WHERE order_id = $1), "
                       "f AS (DELETE FROM order_flags WHERE order_id = $1) "
                       "DELETE FROM order_reviews WHERE order_id = $1",
                       id)
                      .status());
  return WriteOrderParts(o, o.id);
}

Result<Page<Order>> PgTx::ListOrders(const OrderFilter& f) {
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
  if (!f.q.empty()) {
    const std::string p = ContainsPattern(f.q);
    where.And(
        "number ILIKE ? ESCAPE '\\' OR customer_code ILIKE ? ESCAPE '\\' OR "
        "customer_name ILIKE ? ESCAPE '\\' OR external_ref ILIKE ? ESCAPE '\\'",
        p, p, p, p);
  }
  if (f.from) where.And("created_at >= ?", *f.from);
  if (f.to) where.And("created_at < ?", *f.to);

  Page<Order> out;
  ASSIGN_OR_RETURN(out.total, CountRows("orders", where));
  ASSIGN_OR_RETURN(out.items, ReadPage<Order>(HeaderSelect() + where.Sql() + SortSql(f.sort) +
                                                  " LIMIT ? OFFSET ?",
                                              where, f.page, ReadHeader));
  return out;
}

Result<Money> PgTx::CreditExposure(int64_t customer_id, int64_t exclude_order_id) {
  // The SQL twin of domain::CreditExposure: what each order still owes, never below zero
  // per order, summed over the customer's orders that commit credit. SUM of BIGINT is
  // NUMERIC in PostgreSQL (exact, no overflow); a sum past the largest BIGINT is read as
  // that largest value, which the service refuses (domain::kMaxExposure), instead of
  // failing the cast. SQLite's running total refuses such a sum when it is written.
  Params p;
  p.BindAll(customer_id, exclude_order_id);
  ASSIGN_OR_RETURN(const int64_t cents,
                   ExecInt("SELECT LEAST(COALESCE(SUM(GREATEST(CASE "
                           "WHEN status IN ('pending_review', 'approved', 'confirmed', "
                           "'in_progress', 'on_hold') THEN gross - paid_amount "
                           "ELSE invoiced_amount - paid_amount END, 0)), 0), "
                           "9223372036854775807)::BIGINT "
                           "FROM orders WHERE customer_id = $1 AND id <> $2 AND status IN "
                           "('pending_review', 'approved', 'confirmed', 'in_progress', "
                           "'on_hold', 'completed', 'closed')",
                           p, "credit exposure"));
  return Money::FromUnits(cents);
}

}  // namespace ordo::storage::postgres
