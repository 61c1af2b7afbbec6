// ordo_bench_bulk: fills a database with realistic orders, fast, for the read
// benchmarks — straight through the storage layer's Tx (Tx::InsertOrder and friends),
// many thousand orders per Store::Write, so it works on every backend and writes
// exactly the rows the server writes.
//
//   ordo_bench_bulk --db sqlite:/tmp/b/ordo.db --until 1000000 [--batch 10000]
//                   [--days 365] [--out results.jsonl]
//
// The database must hold customers, products and warehouses already (ordo_bench_seed).
// Orders are spread over the last `days` days in time order, 1–10 lines each, over every
// customer and product; their status follows their age (old orders are mostly
// completed, closed or cancelled, recent ones draft, in review, confirmed, in
// progress). Submitted orders carry their review round, approved ones three approvals,
// open ones their reservations (applied to the stock rows), every order its "create"
// audit event. --until counts the orders already there.

#include <cstdio>
#include <map>
#include <random>

#include "bench_util.h"
#include "domain/order_number.h"
#include "domain/pricing.h"
#include "storage/store.h"

using namespace ordo;
using namespace ordo::bench;
using domain::Order;
using domain::OrderStatus;

namespace {

void Die(const char* what, const Status& st) {
  std::fprintf(stderr, "bulk: %s: %s\n", what, st.message().c_str());
  std::exit(1);
}

struct Master {
  std::vector<domain::Customer> customers;
  std::vector<domain::Product> products;
  std::vector<int64_t> warehouses;
  int64_t user_id = 1;
  int64_t existing_orders = 0;
};

Master LoadMaster(storage::Store& store) {
  Master m;
  Status st = store.Read([&](storage::Tx& tx) -> Status {
    for (int page = 1;; ++page) {
      storage::CustomerFilter f;
      f.page = {page, 200};
      ASSIGN_OR_RETURN(auto p, tx.customers().List(f));
      for (auto& c : p.items) m.customers.push_back(std::move(c));
      if (p.items.size() < 200) break;
    }
    for (int page = 1;; ++page) {
      storage::ProductFilter f;
      f.active = true;
      f.page = {page, 200};
      ASSIGN_OR_RETURN(auto p, tx.products().List(f));
      for (auto& x : p.items) {
        if (!x.make_to_order) m.products.push_back(std::move(x));
      }
      if (p.items.size() < 200) break;
    }
    ASSIGN_OR_RETURN(auto w, tx.warehouses().List({1, 200}));
    for (const auto& x : w.items) m.warehouses.push_back(x.id);
    ASSIGN_OR_RETURN(auto admin, tx.users().GetByUsername("admin"));
    m.user_id = admin.user.id;
    storage::OrderFilter all;
    all.page = {1, 1};
    ASSIGN_OR_RETURN(auto orders, tx.ListOrders(all));
    m.existing_orders = orders.total;
    return Status::Ok();
  });
  if (!st.ok()) Die("reading master data", st);
  if (m.customers.empty() || m.products.empty() || m.warehouses.empty()) {
    Die("master data", Status::NotFound("seed customers, products and warehouses first"));
  }
  return m;
}

// The status of an order of this age (0 = now, 1 = `days` ago).
OrderStatus StatusFor(double age, std::mt19937_64& rng) {
  const int r = static_cast<int>(rng() % 1000);
  struct Share {
    OrderStatus status;
    int permille;
  };
  static const Share kOld[] = {{OrderStatus::kCompleted, 550},  {OrderStatus::kClosed, 250},
                               {OrderStatus::kCancelled, 80},   {OrderStatus::kRejected, 20},
                               {OrderStatus::kInProgress, 40},  {OrderStatus::kConfirmed, 40},
                               {OrderStatus::kOnHold, 10},      {OrderStatus::kApproved, 5},
                               {OrderStatus::kPendingReview, 5}};
  static const Share kRecent[] = {
      {OrderStatus::kDraft, 100},      {OrderStatus::kPendingReview, 200},
      {OrderStatus::kApproved, 100},   {OrderStatus::kConfirmed, 250},
      {OrderStatus::kInProgress, 200}, {OrderStatus::kOnHold, 30},
      {OrderStatus::kCancelled, 50},   {OrderStatus::kRejected, 20},
      {OrderStatus::kCompleted, 50}};
  const auto pick = [r](const auto& table) {
    int acc = 0;
    for (const Share& s : table) {
      acc += s.permille;
      if (r < acc) return s.status;
    }
    return table[0].status;
  };
  return age > 0.08 ? pick(kOld) : pick(kRecent);
}

bool IsOpen(OrderStatus s) {
  return s == OrderStatus::kPendingReview || s == OrderStatus::kApproved ||
         s == OrderStatus::kConfirmed || s == OrderStatus::kInProgress || s == OrderStatus::kOnHold;
}

bool PastReview(OrderStatus s) {
  return s == OrderStatus::kApproved || s == OrderStatus::kConfirmed ||
         s == OrderStatus::kInProgress || s == OrderStatus::kCompleted ||
         s == OrderStatus::kClosed || s == OrderStatus::kOnHold;
}

Order MakeOrder(const Master& m, Millis at, const TimeZone& tz, std::mt19937_64& rng, double age) {
  Order o;
  const domain::Customer& c = m.customers[rng() % m.customers.size()];
  o.customer_id = c.id;
  o.customer_code = c.code;
  o.customer_name = c.name;
  o.partner_id = c.partner_id;
  o.channel = static_cast<domain::Channel>(rng() % 5);
  o.payment_terms = c.payment_terms;
  o.invoice_type = c.default_invoice_type;
  o.ship_to.address = c.address;
  if (!c.contacts.empty()) {
    o.ship_to.name = c.contacts[0].name;
    o.ship_to.phone = c.contacts[0].phone;
  }
  if (rng() % 4 != 0) o.external_ref = "PO-" + std::to_string(100000 + rng() % 900000);
  const int n_lines = 1 + static_cast<int>(rng() % 10);
  for (int i = 0; i < n_lines; ++i) {
    const domain::Product& p = m.products[rng() % m.products.size()];
    domain::OrderLine l;
    l.line_no = i + 1;
    l.product_id = p.id;
    l.sku = p.sku;
    l.name = p.name;
    l.spec = p.spec;
    l.unit = p.unit;
    l.qty = Qty::FromInt(1 + static_cast<int64_t>(rng() % 50));
    l.unit_price = p.list_price;
    if (rng() % 10 == 0) l.discount_rate = Rate::FromUnits(500);
    l.tax_rate = p.tax_rate;
    o.lines.push_back(std::move(l));
  }
  (void)domain::PriceOrder(o);  // small amounts, far below the ceiling
  o.status = StatusFor(age, rng);
  o.created_by = m.user_id;
  o.created_at = at;
  o.updated_at = at + static_cast<Millis>(rng() % (3 * 24 * 3600 * 1000LL));
  o.version = 1;
  if (o.status == OrderStatus::kDraft) return o;
  o.review_round = 1;
  o.version = 2;
  const bool open = IsOpen(o.status);
  for (auto& l : o.lines) {
    l.warehouse_id = m.warehouses[static_cast<size_t>(l.product_id) % m.warehouses.size()];
    if (open) l.reserved_qty = l.qty;
    if (o.status == OrderStatus::kCompleted || o.status == OrderStatus::kClosed) {
      l.shipped_qty = l.delivered_qty = l.invoiced_qty = l.qty;
    }
  }
  if (o.status == OrderStatus::kOnHold) {
    o.status_before_hold = OrderStatus::kConfirmed;
    o.hold_reason = "客户要求暂缓发货";
  }
  if (o.status == OrderStatus::kCancelled) o.cancel_reason = "客户取消";
  if (o.status == OrderStatus::kCompleted || o.status == OrderStatus::kClosed) {
    o.delivery_status = "delivered";
    o.billing_status = "billed";
    o.payment_status = o.status == OrderStatus::kClosed ? "paid" : "unpaid";
  }
  if (PastReview(o.status)) {
    o.version = 5;
    for (domain::Department d : domain::kAllDepartments) {
      domain::Review r;
      r.round = 1;
      r.department = d;
      r.approved = true;
      r.reviewer_id = m.user_id;
      r.reviewer = "admin";
      r.created_at = at + 3600 * 1000;
      o.reviews.push_back(r);
    }
    if (o.status != OrderStatus::kApproved) {
      o.confirmed_by = m.user_id;
      o.confirmed_at = at + 2 * 3600 * 1000;
    }
    o.promised_date = tz.DateOf(at + 7LL * 24 * 3600 * 1000);
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  SetCommandLine(argc, argv);
  Flags flags(argc, argv);
  flags.Check({"db", "until", "batch", "days", "out", "seed"},
              "ordo_bench_bulk --db URL --until 1000000 [--batch 10000] [--days 365]");
  auto opened = storage::OpenStore(flags.Str("db"));
  if (!opened.ok()) Die("open", opened.status());
  storage::Store& store = **opened;
  const TimeZone tz;  // Asia/Shanghai, the server's default
  const Master m = LoadMaster(store);
  const int64_t until = flags.Int("until", 1000000);
  const int64_t batch = flags.Int("batch", 10000);
  const int64_t todo = std::max<int64_t>(0, until - m.existing_orders);
  const Millis span = flags.Int("days", 365) * 24 * 3600 * 1000LL;
  // Up to yesterday: today's serials belong to the live intake.
  const Millis end = SystemClock().Now() - 24 * 3600 * 1000LL;
  const Millis begin = end - span;
  std::mt19937_64 rng(static_cast<uint64_t>(flags.Int("seed", 7)));

  const int64_t t0 = NowMicros();
  int64_t done = 0;
  int64_t lines = 0;
  while (done < todo) {
    const int64_t n = std::min(batch, todo - done);
    Status st = store.Write([&](storage::Tx& tx) -> Status {
      std::map<std::pair<int64_t, int64_t>, Qty> reserve;
      for (int64_t i = 0; i < n; ++i) {
        const int64_t k = done + i;
        const Millis at = begin + static_cast<Millis>(static_cast<double>(span) * k / todo);
        Order o = MakeOrder(m, at, tz, rng, static_cast<double>(end - at) / span);
        const Date day = tz.DateOf(at);
        ASSIGN_OR_RETURN(int64_t serial, tx.NextOrderSerial(day));
        o.number = domain::FormatOrderNumber(day, serial);
        ASSIGN_OR_RETURN(o.id, tx.InsertOrder(o));
        lines += static_cast<int64_t>(o.lines.size());
        for (const auto& l : o.lines) {
          if (l.reserved_qty > Qty()) reserve[{l.product_id, *l.warehouse_id}] += l.reserved_qty;
        }
        domain::Event e;
        e.entity = "order";
        e.entity_id = o.id;
        e.action = "create";
        e.user_id = m.user_id;
        e.username = "admin";
        e.data = "{\"number\":\"" + o.number +
                 "\",\"customer_id\":" + std::to_string(o.customer_id) +
                 ",\"lines\":" + std::to_string(o.lines.size()) + ",\"gross\":\"" +
                 o.totals.gross.ToString() + "\"}";
        e.created_at = at;
        RETURN_IF_ERROR(tx.events().Insert(e));
      }
      for (const auto& [key, qty] : reserve) {
        RETURN_IF_ERROR(tx.Reserve(key.first, key.second, qty).status());
      }
      return Status::Ok();
    });
    if (!st.ok()) Die("writing orders", st);
    done += n;
    if (done % (batch * 10) == 0 || done == todo) {
      std::fprintf(stderr, "bulk: %lld / %lld orders, %.0f orders/s\n",
                   static_cast<long long>(done), static_cast<long long>(todo),
                   done / ((NowMicros() - t0) / 1e6));
    }
  }
  const double seconds = (NowMicros() - t0) / 1e6;
  Emit(flags.Str("out"), "bulk",
       {{"orders_before", m.existing_orders},
        {"orders_written", todo},
        {"lines_written", lines},
        {"orders_after", m.existing_orders + todo},
        {"seconds", seconds},
        {"orders_per_s", seconds > 0 ? todo / seconds : 0.0}});
  return 0;
}
