// The storage contract: every backend of storage/store.h passes these tests (the fixture
// and how they run: storage_contract/fixture.h). The repositories' own tests are beside
// in storage_contract/ (master_data_test.cc); the aggregates still on Tx are tested here.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <ostream>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "domain/credit.h"
#include "storage/migrations.h"
#include "storage/store.h"
#include "storage_contract/fixture.h"

// Filters are written with designated initializers; the fields left out keep their
// defaults, which is the point.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace ordo {
namespace storage {
namespace {

void ExpectSameHeader(const Order& got, const Order& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.number, want.number);
  EXPECT_EQ(got.status, want.status);
  EXPECT_EQ(got.status_before_hold, want.status_before_hold);
  EXPECT_EQ(got.delivery_status, want.delivery_status);
  EXPECT_EQ(got.billing_status, want.billing_status);
  EXPECT_EQ(got.payment_status, want.payment_status);
  EXPECT_EQ(got.channel, want.channel);
  EXPECT_EQ(got.customer_id, want.customer_id);
  EXPECT_EQ(got.customer_code, want.customer_code);
  EXPECT_EQ(got.customer_name, want.customer_name);
  EXPECT_EQ(got.partner_id, want.partner_id);
  EXPECT_EQ(got.price_mode, want.price_mode);
  EXPECT_EQ(got.totals.net, want.totals.net);
  EXPECT_EQ(got.totals.tax, want.totals.tax);
  EXPECT_EQ(got.totals.freight, want.totals.freight);
  EXPECT_EQ(got.totals.discount, want.totals.discount);
  EXPECT_EQ(got.totals.gross, want.totals.gross);
  EXPECT_EQ(got.review_round, want.review_round);
  EXPECT_EQ(got.needs_confirmation, want.needs_confirmation);
  EXPECT_EQ(got.requested_delivery_date, want.requested_delivery_date);
  EXPECT_EQ(got.promised_date, want.promised_date);
  EXPECT_EQ(got.ship_to.name, want.ship_to.name);
  EXPECT_EQ(got.ship_to.phone, want.ship_to.phone);
  EXPECT_EQ(got.ship_to.address, want.ship_to.address);
  EXPECT_EQ(got.ship_to.postcode, want.ship_to.postcode);
  EXPECT_EQ(got.payment_terms, want.payment_terms);
  EXPECT_EQ(got.invoice_type, want.invoice_type);
  EXPECT_EQ(got.special_requirements, want.special_requirements);
  EXPECT_EQ(got.notes, want.notes);
  EXPECT_EQ(got.external_ref, want.external_ref);
  EXPECT_EQ(got.cancel_reason, want.cancel_reason);
  EXPECT_EQ(got.hold_reason, want.hold_reason);
  EXPECT_EQ(got.confirmed_by, want.confirmed_by);
  EXPECT_EQ(got.confirmed_at, want.confirmed_at);
  EXPECT_EQ(got.created_by, want.created_by);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.updated_at, want.updated_at);
  EXPECT_EQ(got.version, want.version);
}

void ExpectSameOrder(const Order& got, const Order& want) {
  ExpectSameHeader(got, want);
  ASSERT_EQ(got.lines.size(), want.lines.size());
  for (size_t i = 0; i < got.lines.size(); ++i) {
    SCOPED_TRACE("line " + std::to_string(i));
    const OrderLine& g = got.lines[i];
    const OrderLine& w = want.lines[i];
    EXPECT_EQ(g.line_no, w.line_no);
    EXPECT_EQ(g.product_id, w.product_id);
    EXPECT_EQ(g.sku, w.sku);
    EXPECT_EQ(g.name, w.name);
    EXPECT_EQ(g.spec, w.spec);
    EXPECT_EQ(g.unit, w.unit);
    EXPECT_EQ(g.qty, w.qty);
    EXPECT_EQ(g.unit_price, w.unit_price);
    EXPECT_EQ(g.discount_rate, w.discount_rate);
    EXPECT_EQ(g.tax_rate, w.tax_rate);
    EXPECT_EQ(g.net, w.net);
    EXPECT_EQ(g.tax, w.tax);
    EXPECT_EQ(g.gross, w.gross);
    EXPECT_EQ(g.warehouse_id, w.warehouse_id);
    EXPECT_EQ(g.make_to_order, w.make_to_order);
    EXPECT_EQ(g.reserved_qty, w.reserved_qty);
    EXPECT_EQ(g.backordered_qty, w.backordered_qty);
    EXPECT_EQ(g.shipped_qty, w.shipped_qty);
    EXPECT_EQ(g.delivered_qty, w.delivered_qty);
    EXPECT_EQ(g.invoiced_qty, w.invoiced_qty);
    EXPECT_EQ(g.returned_qty, w.returned_qty);
  }
  ASSERT_EQ(got.flags.size(), want.flags.size());
  for (size_t i = 0; i < got.flags.size(); ++i) {
    EXPECT_EQ(got.flags[i].code, want.flags[i].code);
    EXPECT_EQ(got.flags[i].department, want.flags[i].department);
    EXPECT_EQ(got.flags[i].message, want.flags[i].message);
    EXPECT_EQ(got.flags[i].line_no, want.flags[i].line_no);
  }
  ASSERT_EQ(got.reviews.size(), want.reviews.size());
  for (size_t i = 0; i < got.reviews.size(); ++i) {
    SCOPED_TRACE("review " + std::to_string(i));
    const Review& g = got.reviews[i];
    const Review& w = want.reviews[i];
    EXPECT_EQ(g.round, w.round);
    EXPECT_EQ(g.department, w.department);
    EXPECT_EQ(g.approved, w.approved);
    EXPECT_EQ(g.comment, w.comment);
    EXPECT_EQ(g.override_price, w.override_price);
    EXPECT_EQ(g.override_credit, w.override_credit);
    EXPECT_EQ(g.restock_date, w.restock_date);
    EXPECT_EQ(g.reviewer_id, w.reviewer_id);
    EXPECT_EQ(g.reviewer, w.reviewer);
    EXPECT_EQ(g.created_at, w.created_at);
  }
}

// ---- opening ----

TEST(OpenStore, RejectsUnknownUrls) {
  EXPECT_EQ(OpenStore("mysql://localhost/ordo").status().code(), Code::kValidationFailed);
  EXPECT_EQ(OpenStore("").status().code(), Code::kValidationFailed);
  EXPECT_EQ(OpenStore("sqlite:").status().code(), Code::kValidationFailed);
}

TEST(OpenStore, UnreachablePostgresqlIsUnavailable) {
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  auto r = OpenStore("postgresql://ordo@127.0.0.1:1/ordo");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_NE(r.status().message().find("cannot connect to PostgreSQL"), std::string::npos)
      << r.status().message();
}

TEST(OpenStore, PostgresqlPoolSizeIsChecked) {
  for (const char* bad : {"1", "x", "1001", ""}) {
    auto r = OpenStore(std::string("postgresql://ordo@127.0.0.1:1/ordo?pool_size=") + bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kValidationFailed) << bad;
  }
}

TEST_P(StoreContract, KindAndPing) {
  EXPECT_EQ(store_->Kind(), GetParam());
  EXPECT_OK(store_->Ping());
}

// ---- stock ----

TEST_P(StoreContract, AdjustOnHandNeverGoesBelowReservedOrZero) {
  const int64_t p = NewProduct(Unique("P"), Q(3'000));
  const int64_t w = NewWarehouse(Unique("W"));
  auto adjust = [&](Qty d) {
    return W<StockRow>([&](Tx& tx) { return tx.AdjustOnHand(p, w, d); });
  };
  // No row yet: a negative delta is refused and creates nothing.
  auto neg = adjust(Q(-1));
  EXPECT_EQ(neg.status().code(), Code::kBusinessRule);
  EXPECT_EQ(neg.status().rule(), "insufficient_stock");
  EXPECT_TRUE(
      Must(Rd<std::vector<StockRow>>([&](Tx& tx) { return tx.StockOfProduct(p); })).empty());

  auto row = Must(adjust(Q(10'000)));
  EXPECT_EQ(row.product_id, p);
  EXPECT_EQ(row.warehouse_id, w);
  EXPECT_EQ(row.on_hand, Q(10'000));
  EXPECT_EQ(row.reserved, Qty());
  EXPECT_EQ(row.safety_stock, Q(3'000));
  const int64_t v1 = row.version;

  row = Must(adjust(Q(-4'000)));
  EXPECT_EQ(row.on_hand, Q(6'000));
  EXPECT_GT(row.version, v1);

  EXPECT_EQ(Must(W<Qty>([&](Tx& tx) { return tx.Reserve(p, w, Q(4'000)); })), Q(4'000));
  auto below = adjust(Q(-2'001));  // 3.999 < 4 reserved
  EXPECT_EQ(below.status().rule(), "insufficient_stock");
  row = Must(adjust(Q(-2'000)));  // exactly the reserved quantity is fine
  EXPECT_EQ(row.on_hand, Q(4'000));
  EXPECT_EQ(row.reserved, Q(4'000));
  EXPECT_EQ(row.available(), Qty());

  EXPECT_EQ(
      W<StockRow>([&](Tx& tx) { return tx.AdjustOnHand(p + 1'000'000, w, Q(1)); }).status().code(),
      Code::kNotFound);
  EXPECT_EQ(
      W<StockRow>([&](Tx& tx) { return tx.AdjustOnHand(p, w + 1'000'000, Q(1)); }).status().code(),
      Code::kNotFound);
}

TEST_P(StoreContract, ReserveTakesWhatIsAvailableAndReleaseStopsAtZero) {
  const int64_t p = NewProduct(Unique("P"));
  const int64_t w = NewWarehouse(Unique("W"));
  auto reserve = [&](Qty want) {
    return Must(W<Qty>([&](Tx& tx) { return tx.Reserve(p, w, want); }));
  };
  auto stock = [&] {
    auto rows = Must(Rd<std::vector<StockRow>>([&](Tx& tx) { return tx.StockOfProduct(p); }));
    return rows.empty() ? StockRow{} : rows[0];
  };
  EXPECT_EQ(reserve(Q(1'000)), Qty());  // no row
  ASSERT_TRUE(W<StockRow>([&](Tx& tx) { return tx.AdjustOnHand(p, w, Q(10'000)); }).ok());
  int64_t version = stock().version;

  EXPECT_EQ(reserve(Q(4'000)), Q(4'000));
  EXPECT_GT(stock().version, version);
  version = stock().version;
  EXPECT_EQ(reserve(Q(10'000)), Q(6'000));  // partial: what was left
  EXPECT_EQ(reserve(Q(1)), Qty());          // nothing left
  EXPECT_EQ(stock().version, version + 1);  // the empty reserve changed nothing
  EXPECT_EQ(stock().reserved, Q(10'000));

  ASSERT_OK(Wst([&](Tx& tx) { return tx.Release(p, w, Q(3'000)); }));
  EXPECT_EQ(stock().reserved, Q(7'000));
  ASSERT_OK(Wst([&](Tx& tx) { return tx.Release(p, w, Q(100'000)); }));
  EXPECT_EQ(stock().reserved, Qty());
  EXPECT_EQ(stock().on_hand, Q(10'000));
  EXPECT_OK(Wst([&](Tx& tx) { return tx.Release(p, w, Qty()); }));
  EXPECT_EQ(Wst([&](Tx& tx) { return tx.Release(p, w + 1'000'000, Q(1)); }).code(),
            Code::kNotFound);
}

TEST_P(StoreContract, ListStockFilters) {
  const int64_t p1 = NewProduct(Unique("P1"), Q(5'000));
  const int64_t p2 = NewProduct(Unique("P2"), Q(1'000));
  const int64_t w1 = NewWarehouse(Unique("W1"));
  const int64_t w2 = NewWarehouse(Unique("W2"));
  ASSERT_OK(Wst([&](Tx& tx) -> Status {
    for (auto [p, w, q] :
         {std::tuple{p1, w2, 8'000}, std::tuple{p1, w1, 4'000}, std::tuple{p2, w1, 2'000}}) {
      auto r = tx.AdjustOnHand(p, w, Q(q));
      if (!r.ok()) return r.TakeStatus();
    }
    auto r = tx.Reserve(p1, w2, Q(4'000));  // available 4 < safety 5
    return r.ok() ? Status::Ok() : r.TakeStatus();
  }));
  auto of_p1 = Must(Rd<std::vector<StockRow>>([&](Tx& tx) { return tx.StockOfProduct(p1); }));
  ASSERT_EQ(of_p1.size(), 2u);
  EXPECT_EQ(of_p1[0].warehouse_id, w1);  // by warehouse
  EXPECT_EQ(of_p1[1].warehouse_id, w2);
  EXPECT_EQ(of_p1[1].reserved, Q(4'000));

  auto list = [&](StockFilter f) {
    return Must(Rd<Page<StockRow>>([&](Tx& tx) { return tx.ListStock(f); }));
  };
  EXPECT_EQ(list({.product_id = p1}).total, 2);
  EXPECT_EQ(list({.warehouse_id = w1}).total, 2);
  EXPECT_EQ(list({.product_id = p1, .warehouse_id = w1}).total, 1);
  auto low = list({.product_id = p1, .below_safety_only = true});
  ASSERT_EQ(low.total, 2);  // 4 − 0 < 5 and 8 − 4 < 5
  auto low_w1 = list({.warehouse_id = w1, .below_safety_only = true});
  ASSERT_EQ(low_w1.items.size(), 1u);
  EXPECT_EQ(low_w1.items[0].product_id, p1);
  EXPECT_EQ(low_w1.items[0].safety_stock, Q(5'000));
  auto paged = list({.warehouse_id = w1, .page = {2, 1}});
  EXPECT_EQ(paged.total, 2);
  ASSERT_EQ(paged.items.size(), 1u);
  EXPECT_EQ(paged.items[0].product_id, p2);
}

TEST_P(StoreContract, MovementsNewestFirstWithFilters) {
  const int64_t p = NewProduct(Unique("P"));
  const int64_t w1 = NewWarehouse(Unique("W1"));
  const int64_t w2 = NewWarehouse(Unique("W2"));
  const int64_t c = NewCustomer(Unique("C"));
  const int64_t order = Insert(SimpleOrder(c, Unique("SO"), OrderStatus::kDraft, M(1), 1));
  ASSERT_OK(Wst([&](Tx& tx) -> Status {
    StockMovement m;
    m.product_id = p;
    m.warehouse_id = w1;
    m.kind = "adjustment";
    m.qty_delta = Q(10'000);
    m.reason = "count";
    m.user_id = 3;
    m.created_at = 100;
    RETURN_IF_ERROR(tx.InsertMovement(m));
    m.kind = "reserve";
    m.qty_delta = Q(2'500);
    m.order_id = order;
    m.created_at = 200;
    RETURN_IF_ERROR(tx.InsertMovement(m));
    m.warehouse_id = w2;
    m.kind = "release";
    m.qty_delta = Q(-2'500);
    m.created_at = 300;
    return tx.InsertMovement(m);
  }));
  auto list = [&](MovementFilter f) {
    return Must(Rd<Page<StockMovement>>([&](Tx& tx) { return tx.ListMovements(f); }));
  };
  auto all = list({.product_id = p});
  EXPECT_EQ(all.total, 3);
  ASSERT_EQ(all.items.size(), 3u);
  EXPECT_EQ(all.items[0].kind, "release");
  EXPECT_EQ(all.items[0].qty_delta, Q(-2'500));
  EXPECT_EQ(all.items[2].kind, "adjustment");
  EXPECT_EQ(all.items[2].order_id, std::nullopt);
  EXPECT_EQ(all.items[2].reason, "count");
  EXPECT_EQ(all.items[2].user_id, 3);
  EXPECT_EQ(all.items[2].created_at, 100);
  EXPECT_GT(all.items[0].id, all.items[1].id);
  EXPECT_EQ(list({.order_id = order}).total, 2);
  EXPECT_EQ(list({.product_id = p, .warehouse_id = w1}).total, 2);
  auto page = list({.product_id = p, .page = {2, 2}});
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].kind, "adjustment");
}

// ---- order serials ----

TEST_P(StoreContract, SerialsIncreasePerDateAndStartAtOnePerDate) {
  const Date d{static_cast<int32_t>(std::uniform_int_distribution<int>(30'000, 2'900'000)(rng_))};
  const Date next{d.days + 1};
  auto serial = [&](Date date) {
    return Must(W<int64_t>([&](Tx& tx) { return tx.NextOrderSerial(date); }));
  };
  // SQLite's single writer counts without gaps. PostgreSQL's servers take serials from
  // blocks of the counter: unique and increasing per server, 1 first, not gap-free.
  EXPECT_EQ(serial(d), 1);
  const int64_t d2 = serial(d);
  EXPECT_EQ(serial(next), 1);
  const int64_t d3 = serial(d);
  // Within one transaction, too.
  int64_t n2 = 0;
  int64_t n3 = 0;
  EXPECT_OK(Wst([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(n2, tx.NextOrderSerial(next));
    ASSIGN_OR_RETURN(n3, tx.NextOrderSerial(next));
    return Status::Ok();
  }));
  if (sqlite()) {
    EXPECT_EQ(d2, 2);
    EXPECT_EQ(d3, 3);
    EXPECT_EQ(n2, 2);
    EXPECT_EQ(n3, 3);
  } else {
    EXPECT_GT(d2, 1);
    EXPECT_GT(d3, d2);
    EXPECT_GT(n2, 1);
    EXPECT_GT(n3, n2);
  }
}

// ---- orders ----

TEST_P(StoreContract, OrderRoundTripsEveryField) {
  const int64_t c = NewCustomer(Unique("C"));
  const int64_t p = NewProduct(Unique("P"));
  const int64_t w = NewWarehouse(Unique("W"));
  Order o = MakeOrder(c, p, w, Unique("SO"));
  o.id = Insert(o);
  ASSERT_GT(o.id, 0);
  // Reviews come back by round, then in the order they were written.
  Order want = o;
  ExpectSameOrder(Must(Rd<Order>([&](Tx& tx) { return tx.GetOrder(o.id); })), want);

  // The other end of every optional.
  Order bare = SimpleOrder(c, Unique("SO-bare"), OrderStatus::kDraft, M(0), 5);
  bare.id = Insert(bare);
  ExpectSameOrder(Must(Rd<Order>([&](Tx& tx) { return tx.GetOrder(bare.id); })), bare);

  EXPECT_EQ(Rd<Order>([&](Tx& tx) { return tx.GetOrder(o.id + 1'000'000); }).status().code(),
            Code::kNotFound);
  auto dup = W<int64_t>([&](Tx& tx) { return tx.InsertOrder(o); });
  EXPECT_EQ(dup.status().code(), Code::kConflict);
  EXPECT_EQ(dup.status().message(), "number already exists");
}

TEST_P(StoreContract, EveryEnumValueRoundTrips) {
  const int64_t c = NewCustomer(Unique("C"));
  const OrderStatus statuses[] = {OrderStatus::kDraft,     OrderStatus::kPendingReview,
                                  OrderStatus::kRejected,  OrderStatus::kApproved,
                                  OrderStatus::kConfirmed, OrderStatus::kInProgress,
                                  OrderStatus::kCompleted, OrderStatus::kClosed,
                                  OrderStatus::kCancelled, OrderStatus::kOnHold};
  const Channel channels[] = {Channel::kPhone, Channel::kEmail,     Channel::kVisit,
                              Channel::kWeb,   Channel::kEcommerce, Channel::kPartner};
  const PaymentMethod methods[] = {PaymentMethod::kPrepayment, PaymentMethod::kCashOnDelivery,
                                   PaymentMethod::kNet, PaymentMethod::kInstallment};
  const InvoiceType invoices[] = {InvoiceType::kVatSpecial, InvoiceType::kVatNormal,
                                  InvoiceType::kNone};
  for (int i = 0; i < 10; ++i) {
    Order o = SimpleOrder(c, Unique("SO" + std::to_string(i)), statuses[i], M(i), i);
    o.status_before_hold = statuses[(i + 3) % 10];
    o.channel = channels[i % 6];
    o.price_mode = i % 2 ? PriceMode::kTaxInclusive : PriceMode::kTaxExclusive;
    o.payment_terms.method = methods[i % 4];
    o.invoice_type = invoices[i % 3];
    o.flags = {{"f", domain::kAllDepartments[i % 3], "", std::nullopt}};
    o.reviews = {{1, domain::kAllDepartments[(i + 1) % 3], true}};
    o.id = Insert(o);
    ExpectSameOrder(Must(Rd<Order>([&](Tx& tx) { return tx.GetOrder(o.id); })), o);
  }
}

TEST_P(StoreContract, UpdateOrderReplacesEverythingAndChecksTheVersion) {
  const int64_t c = NewCustomer(Unique("C"));
  const int64_t c2 = NewCustomer(Unique("C2"));
  const int64_t p = NewProduct(Unique("P"));
  const int64_t w = NewWarehouse(Unique("W"));
  Order o = MakeOrder(c, p, w, Unique("SO"));
  o.version = 1;
  o.id = Insert(o);

  o.status = OrderStatus::kPendingReview;
  o.status_before_hold.reset();
  o.customer_id = c2;
  o.lines.erase(o.lines.begin());
  o.lines[0].qty = Q(9'000);
  OrderLine extra = o.lines[0];
  extra.line_no = 3;
  extra.warehouse_id = w;
  o.lines.push_back(extra);
  o.flags.clear();
  o.reviews.push_back(
      {3, Department::kSales, true, "again", false, false, std::nullopt, 8, "x", 13});
  o.requested_delivery_date.reset();
  o.confirmed_by.reset();
  o.confirmed_at.reset();
  o.hold_reason.clear();
  o.version = 2;
  o.updated_at += 1;
  const Millis created_at = o.created_at;
  o.created_at = 1;  // an update never changes when or by whom the order was created
  o.created_by = 99;
  ASSERT_OK(Wst([&](Tx& tx) { return tx.UpdateOrder(o, 1); }));
  o.created_at = created_at;
  o.created_by = 4;
  ExpectSameOrder(Must(Rd<Order>([&](Tx& tx) { return tx.GetOrder(o.id); })), o);

  Status stale = Wst([&](Tx& tx) { return tx.UpdateOrder(o, 1); });
  EXPECT_EQ(stale.code(), Code::kConflict);
  EXPECT_EQ(stale.message(), "stale version");
  Order missing = o;
  missing.id += 1'000'000;
  EXPECT_EQ(Wst([&](Tx& tx) { return tx.UpdateOrder(missing, 2); }).code(), Code::kNotFound);
  // A failed update leaves the stored order alone.
  EXPECT_EQ(Must(Rd<Order>([&](Tx& tx) { return tx.GetOrder(o.id); })).version, 2);
}

TEST_P(StoreContract, ReviewsComeBackByRoundThenInWrittenOrder) {
  const int64_t c = NewCustomer(Unique("C"));
  Order o = SimpleOrder(c, Unique("SO"), OrderStatus::kPendingReview, M(1), 1);
  o.reviews = {{2, Department::kSales, true, "r2"},
               {1, Department::kWarehouse, true, "r1-first"},
               {1, Department::kSales, false, "r1-second"}};
  o.id = Insert(o);
  auto got = Must(Rd<Order>([&](Tx& tx) { return tx.GetOrder(o.id); }));
  ASSERT_EQ(got.reviews.size(), 3u);
  EXPECT_EQ(got.reviews[0].comment, "r1-first");
  EXPECT_EQ(got.reviews[1].comment, "r1-second");
  EXPECT_EQ(got.reviews[2].comment, "r2");
}

class ListOrdersTest : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    if (HasFatalFailure()) return;
    customer_ = NewCustomer(Unique("LIST"));
    other_ = NewCustomer(Unique("OTHER"));
    // number, status, gross, created_at, channel, partner, created_by, name, code, ref
    struct Row {
      const char* number;
      OrderStatus status;
      int64_t gross;
      Millis created_at;
      Channel channel;
      std::optional<int64_t> partner;
      int64_t created_by;
      const char* name;
      const char* code;
      const char* ref;
    };
    const Row rows[] = {
        {"SO20261101001", OrderStatus::kDraft, 500, 1000, Channel::kPhone, std::nullopt, 1,
         "华东机械", "HD01", "PO-50%off"},
        {"SO20261101002", OrderStatus::kPendingReview, 300, 2000, Channel::kWeb, 7, 2, "Acme",
         "AC02", "PO-50xoff"},
        {"SO20261102001", OrderStatus::kApproved, 900, 2000, Channel::kPartner, 7, 1, "Bolt_Co",
         "BC03", ""},
        {"SO20261102002", OrderStatus::kPendingReview, 100, 3000, Channel::kPhone, 8, 2, "BoltXCo",
         "BX04", "ref_1"},
        {"SO20261103001", OrderStatus::kCancelled, 700, 4000, Channel::kEmail, std::nullopt, 1,
         "Crane", "CR05", "REF-ABC"},
    };
    for (const Row& r : rows) {
      Order o = SimpleOrder(customer_, Unique(r.number), r.status, M(r.gross), r.created_at);
      o.channel = r.channel;
      o.partner_id = r.partner;
      o.created_by = r.created_by;
      o.customer_name = r.name;
      o.customer_code = r.code;
      o.external_ref = r.ref;
      o.lines = {OrderLine{.line_no = 1, .product_id = NewProductOnce()}};
      ids_.push_back(Insert(o));
    }
    // Another customer's order matches every keyword but must never be listed here.
    Order noise = SimpleOrder(other_, Unique("SO20261101003"), OrderStatus::kDraft, M(1), 1500);
    noise.external_ref = "PO-50%off";
    Insert(noise);
  }

  int64_t NewProductOnce() {
    if (product_ == 0) product_ = NewProduct(Unique("LP"));
    return product_;
  }

  Page<Order> List(OrderFilter f) {
    if (!f.customer_id) f.customer_id = customer_;
    return Must(Rd<Page<Order>>([&](Tx& tx) { return tx.ListOrders(f); }));
  }
  std::vector<int64_t> Ids(OrderFilter f) {
    std::vector<int64_t> out;
    for (const auto& o : List(std::move(f)).items) out.push_back(o.id);
    return out;
  }
  // Indexes into ids_, 1-based as the rows above.
  std::vector<int64_t> Rows(std::initializer_list<int> rows) {
    std::vector<int64_t> out;
    for (int r : rows) out.push_back(ids_[r - 1]);
    return out;
  }

  int64_t customer_ = 0;
  int64_t other_ = 0;
  int64_t product_ = 0;
  std::vector<int64_t> ids_;
};

TEST_P(ListOrdersTest, SortsWithIdAsTieBreak) {
  EXPECT_EQ(Ids({}), Rows({5, 4, 3, 2, 1}));  // created desc, then id desc
  EXPECT_EQ(Ids({.sort = OrderSort::kCreatedAsc}), Rows({1, 2, 3, 4, 5}));
  EXPECT_EQ(Ids({.sort = OrderSort::kNumberDesc}), Rows({5, 4, 3, 2, 1}));
  EXPECT_EQ(Ids({.sort = OrderSort::kNumberAsc}), Rows({1, 2, 3, 4, 5}));
  EXPECT_EQ(Ids({.sort = OrderSort::kGrossDesc}), Rows({3, 5, 1, 2, 4}));
  EXPECT_EQ(Ids({.sort = OrderSort::kGrossAsc}), Rows({4, 2, 1, 5, 3}));
}

TEST_P(ListOrdersTest, Filters) {
  using S = OrderStatus;
  EXPECT_EQ(List({}).total, 5);
  EXPECT_EQ(Ids({.statuses = {S::kPendingReview}, .sort = OrderSort::kCreatedAsc}), Rows({2, 4}));
  EXPECT_EQ(Ids({.statuses = {S::kDraft, S::kCancelled}, .sort = OrderSort::kCreatedAsc}),
            Rows({1, 5}));
  EXPECT_EQ(Ids({.channel = Channel::kPhone, .sort = OrderSort::kCreatedAsc}), Rows({1, 4}));
  EXPECT_EQ(Ids({.partner_id = 7, .sort = OrderSort::kCreatedAsc}), Rows({2, 3}));
  EXPECT_EQ(Ids({.created_by = 2, .sort = OrderSort::kCreatedAsc}), Rows({2, 4}));
  // from inclusive, to exclusive.
  EXPECT_EQ(Ids({.from = 2000, .to = 4000, .sort = OrderSort::kCreatedAsc}), Rows({2, 3, 4}));
  EXPECT_EQ(List({.statuses = {S::kPendingReview}, .partner_id = 8}).total, 1);
  EXPECT_EQ(List({.statuses = {S::kClosed}}).total, 0);
  // The other customer's order appears only under its own customer id.
  EXPECT_EQ(List({.customer_id = other_}).total, 1);
  // Headers only.
  for (const auto& o : List({}).items) {
    EXPECT_TRUE(o.lines.empty());
    EXPECT_EQ(o.customer_id, customer_);
  }
}

TEST_P(ListOrdersTest, KeywordSearchEscapesLikeWildcards) {
  auto q = [&](const std::string& text) {
    return Ids({.q = text, .sort = OrderSort::kCreatedAsc});
  };
  EXPECT_EQ(q("20261102"), Rows({3, 4}));  // number
  EXPECT_EQ(q("hd0"), Rows({1}));          // customer code, any case
  EXPECT_EQ(q("机械"), Rows({1}));         // customer name
  EXPECT_EQ(q("ref-abc"), Rows({5}));      // external ref
  EXPECT_EQ(q("50%"), Rows({1}));          // % is literal: not PO-50xoff
  EXPECT_EQ(q("%"), Rows({1}));
  EXPECT_EQ(q("Bolt_"), Rows({3}));  // _ is literal: not BoltXCo
  EXPECT_EQ(q("f_1"), Rows({4}));
  EXPECT_EQ(q("nothing-like-it"), Rows({}));
  EXPECT_EQ(List({.q = "PO-50"}).total, 2);
}

TEST_P(ListOrdersTest, Pages) {
  std::vector<int64_t> seen;
  for (int page = 1; page <= 3; ++page) {
    auto p = List({.sort = OrderSort::kCreatedAsc, .page = {page, 2}});
    EXPECT_EQ(p.total, 5);
    for (const auto& o : p.items) seen.push_back(o.id);
  }
  EXPECT_EQ(seen, Rows({1, 2, 3, 4, 5}));
  auto beyond = List({.page = {4, 2}});
  EXPECT_TRUE(beyond.items.empty());
  EXPECT_EQ(beyond.total, 5);
}

// The search is answered from several structures on SQLite (storage/sqlite/
// sqlite_tx_search.cc: distinct customer names, a trigram index, a partial index, walks
// of the sort order or sorts in memory). Every one of those paths must give exactly what
// the plain definition gives: an order matches when its number, customer code, customer
// name or external reference contains the term, ASCII letters in either case. Checked on
// random data against that definition, with every filter, sort and page.
TEST_P(StoreContract, SearchMatchesItsDefinitionOnRandomData) {
  std::mt19937_64 rng(GetParam() == "sqlite" ? 20261122 : 20261123);
  auto pick = [&](auto n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  const std::vector<std::string> names = {"华星机械", "杭州明远",  "Acme Tools", "BOLT_co",
                                          "上海华星", "Delta 50%", "eagle",      "Foxtrot"};
  struct Cust {
    int64_t id;
    std::string code;
    std::vector<std::string> names;  // the first is current; others are older snapshots
  };
  std::vector<Cust> custs;
  for (size_t i = 0; i < names.size(); ++i) {
    Cust c{NewCustomer(Unique("SC" + std::to_string(i))),
           "SC" + std::to_string(i) + suffix_,
           {names[i]}};
    if (i % 3 == 0) c.names.push_back("Old " + names[i] + " Ltd");  // renamed: partial
    custs.push_back(c);
  }
  const std::vector<std::string> refs = {"",        "PO-1234", "po-9981", "华星-12", "ref_%x",
                                         "REF-ABC", "x",       "合同123", "P",       "50%off"};
  const std::vector<OrderStatus> statuses = {OrderStatus::kDraft, OrderStatus::kPendingReview,
                                             OrderStatus::kApproved, OrderStatus::kCancelled};
  const std::vector<Channel> channels = {Channel::kPhone, Channel::kWeb, Channel::kEmail};
  const int kOrders = sqlite() ? 700 : 250;
  std::vector<Order> all;
  ASSERT_OK(Wst([&](Tx& tx) -> Status {
    for (int i = 0; i < kOrders; ++i) {
      const Cust& c = custs[pick(custs.size())];
      // Numbers share long prefixes, as real ones do (one day's orders).
      const std::string number =
          Unique("SO2026" + std::to_string(1100 + pick(size_t{12})) + std::to_string(1000 + i));
      Order o = SimpleOrder(c.id, number, statuses[pick(statuses.size())],
                            M(static_cast<int64_t>(pick(size_t{40})) * 100),
                            1'000'000 + static_cast<Millis>(pick(size_t{300})));
      o.customer_code = c.code;
      o.customer_name = c.names[pick(c.names.size())];
      o.external_ref = refs[pick(refs.size())];
      if (pick(size_t{4}) == 0) o.external_ref += std::to_string(pick(size_t{1000}));
      o.channel = channels[pick(channels.size())];
      auto id = tx.InsertOrder(o);
      if (!id.ok()) return id.TakeStatus();
      o.id = *id;
      all.push_back(o);
    }
    return Status::Ok();
  }));

  auto lower = [](std::string s) {
    for (char& ch : s) {
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    return s;
  };
  auto contains = [&](const std::string& hay, const std::string& q) {
    return lower(hay).find(lower(q)) != std::string::npos;
  };
  auto before = [](const Order& a, const Order& b, OrderSort sort) {
    switch (sort) {
      case OrderSort::kCreatedDesc:
        return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
      case OrderSort::kCreatedAsc:
        return a.created_at != b.created_at ? a.created_at < b.created_at : a.id < b.id;
      case OrderSort::kNumberDesc:
        return a.number != b.number ? a.number > b.number : a.id > b.id;
      case OrderSort::kNumberAsc:
        return a.number != b.number ? a.number < b.number : a.id < b.id;
      case OrderSort::kGrossDesc:
        return a.totals.gross != b.totals.gross ? a.totals.gross > b.totals.gross : a.id > b.id;
      case OrderSort::kGrossAsc:
        return a.totals.gross != b.totals.gross ? a.totals.gross < b.totals.gross : a.id < b.id;
    }
    return false;
  };
  // A term: a piece (1-8 characters) of a value some order holds, in a random case, or
  // something nothing holds.
  auto term = [&]() -> std::string {
    const Order& o = all[pick(all.size())];
    const std::string values[] = {o.number,       o.customer_code, o.customer_name,
                                  o.external_ref, "zzq",           "华"};
    std::string v = values[pick(std::size(values))];
    std::vector<size_t> starts;
    for (size_t i = 0; i < v.size(); ++i) {
      if ((static_cast<unsigned char>(v[i]) & 0xC0) != 0x80) starts.push_back(i);
    }
    if (starts.empty()) return "SO";
    starts.push_back(v.size());
    const size_t chars = starts.size() - 1;
    const size_t from = pick(chars);
    const size_t len = 1 + pick(std::min<size_t>(8, chars - from));
    std::string out = v.substr(starts[from], starts[from + len] - starts[from]);
    for (char& ch : out) {
      if (pick(size_t{2}) == 0 && ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    }
    return out;
  };

  const OrderSort sorts[] = {OrderSort::kCreatedDesc, OrderSort::kCreatedAsc,
                             OrderSort::kNumberDesc,  OrderSort::kNumberAsc,
                             OrderSort::kGrossDesc,   OrderSort::kGrossAsc};
  for (int round = 0; round < 400; ++round) {
    OrderFilter f;
    f.q = term();
    // On PostgreSQL the database is shared with other tests: keep to this test's orders.
    if (!sqlite() || pick(size_t{6}) == 0) f.customer_id = custs[pick(custs.size())].id;
    if (pick(size_t{3}) == 0) f.statuses = {statuses[pick(statuses.size())]};
    if (pick(size_t{8}) == 0) f.channel = channels[pick(channels.size())];
    if (pick(size_t{8}) == 0) f.from = 1'000'100;
    f.sort = sorts[pick(std::size(sorts))];
    const int sizes[] = {1, 7, 50, 200};
    f.page = {1 + static_cast<int>(pick(size_t{4})), sizes[pick(std::size(sizes))]};
    if (!sqlite() && !f.customer_id) continue;

    std::vector<Order> want;
    for (const Order& o : all) {
      if (f.customer_id && o.customer_id != *f.customer_id) continue;
      if (!f.statuses.empty() && o.status != f.statuses[0]) continue;
      if (f.channel && o.channel != *f.channel) continue;
      if (f.from && o.created_at < *f.from) continue;
      if (!contains(o.number, f.q) && !contains(o.customer_code, f.q) &&
          !contains(o.customer_name, f.q) && !contains(o.external_ref, f.q)) {
        continue;
      }
      want.push_back(o);
    }
    std::sort(want.begin(), want.end(),
              [&](const Order& a, const Order& b) { return before(a, b, f.sort); });
    std::vector<int64_t> want_ids;
    for (size_t i = static_cast<size_t>(f.page.offset());
         i < want.size() && want_ids.size() < static_cast<size_t>(f.page.page_size); ++i) {
      want_ids.push_back(want[i].id);
    }
    auto got = Must(Rd<Page<Order>>([&](Tx& tx) { return tx.ListOrders(f); }));
    std::vector<int64_t> got_ids;
    for (const auto& o : got.items) got_ids.push_back(o.id);
    ASSERT_EQ(got.total, static_cast<int64_t>(want.size())) << "q='" << f.q << "' round " << round;
    ASSERT_EQ(got_ids, want_ids) << "q='" << f.q << "' sort " << static_cast<int>(f.sort)
                                 << " page " << f.page.page << "x" << f.page.page_size;
  }
}

// awaiting: a department's review inbox — pending review, no decision of that department
// in the order's current round.
TEST_P(StoreContract, AwaitingListsWhatADepartmentHasNotDecidedInTheCurrentRound) {
  using D = Department;
  const int64_t c = NewCustomer(Unique("AW"));
  auto review = [](int round, D d) {
    Review r;
    r.round = round;
    r.department = d;
    r.approved = true;
    r.reviewer_id = 1;
    r.reviewer = "r";
    r.created_at = 1000;
    return r;
  };
  auto order = [&](const std::string& number, OrderStatus status, int round,
                   std::vector<Review> reviews) {
    Order o = SimpleOrder(c, Unique(number), status, M(100), 1000);
    o.review_round = round;
    o.reviews = std::move(reviews);
    return Insert(o);
  };
  const int64_t none = order("AW1", OrderStatus::kPendingReview, 1, {});
  const int64_t sales = order("AW2", OrderStatus::kPendingReview, 1, {review(1, D::kSales)});
  // Round 2: the decisions of round 1 no longer count, the one of round 2 does.
  const int64_t round2 =
      order("AW3", OrderStatus::kPendingReview, 2,
            {review(1, D::kSales), review(1, D::kFinance), review(1, D::kWarehouse),
             review(2, D::kSales), review(2, D::kFinance)});
  order("AW4", OrderStatus::kApproved, 1,
        {review(1, D::kSales), review(1, D::kFinance), review(1, D::kWarehouse)});
  order("AW5", OrderStatus::kDraft, 0, {});

  auto ids = [&](std::vector<D> awaiting, std::string q = "") {
    OrderFilter f{.customer_id = c,
                  .awaiting = std::move(awaiting),
                  .q = std::move(q),
                  .sort = OrderSort::kNumberAsc};
    auto page = Must(Rd<Page<Order>>([&](Tx& tx) { return tx.ListOrders(f); }));
    std::vector<int64_t> out;
    for (const auto& o : page.items) out.push_back(o.id);
    EXPECT_EQ(page.total, static_cast<int64_t>(out.size()));
    return out;
  };
  EXPECT_EQ(ids({D::kSales}), (std::vector<int64_t>{none}));
  EXPECT_EQ(ids({D::kFinance}), (std::vector<int64_t>{none, sales}));
  EXPECT_EQ(ids({D::kWarehouse}), (std::vector<int64_t>{none, sales, round2}));
  EXPECT_EQ(ids({D::kSales, D::kFinance}), (std::vector<int64_t>{none, sales}));
  EXPECT_EQ(ids({D::kWarehouse}, Unique("AW3")), (std::vector<int64_t>{round2}));
  EXPECT_EQ(ids({D::kSales}, Unique("AW3")), (std::vector<int64_t>{}));
}

// ---- credit exposure ----

TEST_P(StoreContract, CreditExposureCountsCommittedOrdersOnly) {
  const int64_t c = NewCustomer(Unique("C"));
  const int64_t other = NewCustomer(Unique("O"));
  using S = OrderStatus;
  const std::pair<S, int64_t> orders[] = {
      {S::kDraft, 1},          {S::kPendingReview, 20}, {S::kApproved, 300}, {S::kConfirmed, 4000},
      {S::kInProgress, 50000}, {S::kOnHold, 600000},    {S::kCompleted, 7},  {S::kClosed, 8},
      {S::kCancelled, 9},      {S::kRejected, 10}};
  std::map<S, int64_t> id;
  int n = 0;
  for (auto [status, gross] : orders) {
    id[status] = Insert(SimpleOrder(c, Unique("SO" + std::to_string(n++)), status, M(gross), 1));
  }
  Insert(SimpleOrder(other, Unique("SO-other"), S::kConfirmed, M(1'000'000), 1));
  auto exposure = [&](int64_t exclude) {
    return Must(Rd<Money>([&](Tx& tx) { return tx.CreditExposure(c, exclude); }));
  };
  EXPECT_EQ(exposure(0), M(654'320));
  EXPECT_EQ(exposure(id[S::kPendingReview]), M(654'300));
  EXPECT_EQ(exposure(id[S::kDraft]), M(654'320));
  EXPECT_EQ(Must(Rd<Money>([&](Tx& tx) { return tx.CreditExposure(c + 1'000'000, 0); })), Money());

  if (!sqlite()) return;  // invoiced and paid amounts are written by later features
  auto set = [&](S status, int64_t invoiced, int64_t paid) {
    RawExec("UPDATE orders SET invoiced_amount = " + std::to_string(invoiced) + ", paid_amount = " +
            std::to_string(paid) + " WHERE id = " + std::to_string(id[status]));
  };
  set(S::kConfirmed, 0, 1500);        // 4000 − 1500 = 2500
  set(S::kInProgress, 50000, 60000);  // overpaid: 0, not −10000
  set(S::kCompleted, 7, 2);           // invoiced − paid = 5
  set(S::kClosed, 8, 8);              // 0
  set(S::kCancelled, 9, 0);           // never
  set(S::kDraft, 1, 0);               // never
  // The SQL agrees with domain::CreditExposure on the same orders.
  std::vector<domain::ExposureItem> items = {
      {S::kPendingReview, std::nullopt, M(20), M(0), M(0)},
      {S::kApproved, std::nullopt, M(300), M(0), M(0)},
      {S::kConfirmed, std::nullopt, M(4000), M(0), M(1500)},
      {S::kInProgress, std::nullopt, M(50000), M(50000), M(60000)},
      {S::kOnHold, S::kConfirmed, M(600000), M(0), M(0)},
      {S::kCompleted, std::nullopt, M(7), M(7), M(2)},
      {S::kClosed, std::nullopt, M(8), M(8), M(8)},
      {S::kCancelled, std::nullopt, M(9), M(9), M(0)},
      {S::kDraft, std::nullopt, M(1), M(1), M(0)},
      {S::kRejected, std::nullopt, M(10), M(0), M(0)}};
  EXPECT_EQ(domain::CreditExposure(items), M(602'825));
  EXPECT_EQ(exposure(0), M(602'825));
}

// Amounts far past what the service lets through (an order's gross is at most 10^14 cents
// and a submit past 10^18 cents of exposure is refused): the stores still sum them exactly
// up to the largest int64, and past it never wrap or round. SQLite's running total
// refuses the write (migration 006); PostgreSQL sums in NUMERIC and reads the largest
// int64, which the service refuses.
TEST_P(StoreContract, CreditExposureIsExactUpToTheInt64RangeAndNeverWraps) {
  using S = OrderStatus;
  const int64_t c = NewCustomer(Unique("BIG"));
  auto exposure = [&](int64_t exclude) {
    return Must(Rd<Money>([&](Tx& tx) { return tx.CreditExposure(c, exclude); }));
  };
  constexpr int64_t kBig = 1'000'000'000'000'000'000;  // 10^18 cents
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  std::vector<int64_t> ids;
  for (int i = 0; i < 9; ++i) {
    ids.push_back(
        Insert(SimpleOrder(c, Unique("BIG" + std::to_string(i)), S::kConfirmed, M(kBig), 1)));
  }
  EXPECT_EQ(exposure(0), M(9 * kBig));
  EXPECT_EQ(exposure(ids[0]), M(8 * kBig));
  const int64_t last =
      Insert(SimpleOrder(c, Unique("BIG-LAST"), S::kPendingReview, M(kMax - 9 * kBig), 1));
  EXPECT_EQ(exposure(0), M(kMax));  // exactly the largest int64: 92233720368547758.07 CNY
  EXPECT_EQ(exposure(last), M(9 * kBig));
  // A draft adds nothing, whatever its amount.
  const int64_t draft = Insert(SimpleOrder(c, Unique("BIG-DRAFT"), S::kDraft, M(kBig), 1));
  EXPECT_EQ(exposure(0), M(kMax));

  // One cent more does not fit in an int64.
  Order more = SimpleOrder(c, Unique("BIG-MORE"), S::kConfirmed, M(1), 1);
  const Result<int64_t> inserted = W<int64_t>([&](Tx& tx) { return tx.InsertOrder(more); });
  Order submitted = Must(Rd<Order>([&](Tx& tx) { return tx.GetOrder(draft); }));
  submitted.status = S::kPendingReview;
  const Status updated = Wst([&](Tx& tx) { return tx.UpdateOrder(submitted, submitted.version); });
  if (sqlite()) {
    EXPECT_FALSE(inserted.ok());
    EXPECT_FALSE(updated.ok());
    EXPECT_EQ(RawInt("SELECT count(*) FROM orders WHERE number = '" + Unique("BIG-MORE") + "'"), 0);
    EXPECT_EQ(
        RawInt("SELECT typeof(amount) = 'integer' FROM customer_exposure WHERE customer_id = " +
               std::to_string(c)),
        1);
    EXPECT_EQ(exposure(0), M(kMax));  // still exact
    EXPECT_EQ(Must(Rd<Order>([&](Tx& tx) { return tx.GetOrder(draft); })).status, S::kDraft);
  } else {
    EXPECT_TRUE(inserted.ok()) << Describe(inserted.status());
    EXPECT_TRUE(updated.ok()) << Describe(updated);
    EXPECT_EQ(exposure(0), M(kMax));  // capped at the largest int64, not an error or a wrap
  }
  // Orders taken off bring the total back, exactly.
  for (int i = 0; i < 9; ++i) {
    Order o = Must(Rd<Order>([&](Tx& tx) { return tx.GetOrder(ids[i]); }));
    o.status = S::kCancelled;
    ASSERT_OK(Wst([&](Tx& tx) { return tx.UpdateOrder(o, o.version); }));
  }
  EXPECT_EQ(exposure(0), sqlite() ? M(kMax - 9 * kBig) : M(kMax - 9 * kBig + 1 + kBig));
}

// ---- transactions ----

TEST_P(StoreContract, WriteThatFailsLeavesNothing) {
  const std::string code = Unique("RB");
  int64_t id = 0;
  Status st = Wst([&](Tx& tx) -> Status {
    auto r = tx.customers().Insert(MakeCustomer(code));
    if (!r.ok()) return r.TakeStatus();
    id = *r;
    return Status::Rule("credit_limit_exceeded", "no");
  });
  EXPECT_EQ(st.code(), Code::kBusinessRule);
  EXPECT_EQ(st.rule(), "credit_limit_exceeded");  // the function's own Status comes back
  ASSERT_GT(id, 0);
  EXPECT_EQ(Rd<Customer>([&](Tx& tx) { return tx.customers().Get(id); }).status().code(),
            Code::kNotFound);
  EXPECT_TRUE(W<int64_t>([&](Tx& tx) { return tx.customers().Insert(MakeCustomer(code)); }).ok());
}

TEST_P(StoreContract, WriteThatThrowsLeavesNothing) {
  const std::string code = Unique("TH");
  int64_t id = 0;
  Status st = Wst([&](Tx& tx) -> Status {
    auto r = tx.customers().Insert(MakeCustomer(code));
    if (!r.ok()) return r.TakeStatus();
    id = *r;
    throw std::runtime_error("secret request data");
  });
  EXPECT_EQ(st.code(), Code::kInternal);
  EXPECT_EQ(st.message().find("secret"), std::string::npos);
  ASSERT_GT(id, 0);
  EXPECT_EQ(Rd<Customer>([&](Tx& tx) { return tx.customers().Get(id); }).status().code(),
            Code::kNotFound);
  EXPECT_OK(Wst([](Tx&) { return Status::Ok(); }));  // the store carries on
  EXPECT_EQ(store_->Read([](Tx&) -> Status { throw std::runtime_error("x"); }).code(),
            Code::kInternal);
}

TEST_P(StoreContract, ReadTransactionsRefuseWrites) {
  const int64_t c = NewCustomer(Unique("C"));
  ASSERT_OK(store_->Read([&](Tx& tx) -> Status {
    User u;
    u.username = Unique("ro");
    Customer cu = MakeCustomer(Unique("RO"));
    cu.id = c;
    Product p = MakeProduct(Unique("RO"));
    Order o = SimpleOrder(c, Unique("RO"), OrderStatus::kDraft, M(1), 1);
    o.id = 1;
    const std::vector<std::pair<const char*, Status>> writes = {
        {"InsertUser", tx.users().Insert(u, "h").status()},
        {"UpdateUser", tx.users().Update(u, 1, "")},
        {"InsertSession", tx.sessions().Insert("t", 1, 1, 2)},
        {"DeleteSession", tx.sessions().Delete("t")},
        {"DeleteSessionsOfUser", tx.sessions().DeleteOfUser(1, "")},
        {"InsertCustomer", tx.customers().Insert(cu).status()},
        {"UpdateCustomer", tx.customers().Update(cu, 1)},
        {"InsertProduct", tx.products().Insert(p).status()},
        {"UpdateProduct", tx.products().Update(p, 1)},
        {"InsertWarehouse", tx.warehouses().Insert(Warehouse{}).status()},
        {"UpdateWarehouse", tx.warehouses().Update(Warehouse{}, 1)},
        {"PutSetting", tx.settings().Put("k", "1")},
        {"AdjustOnHand", tx.AdjustOnHand(1, 1, Q(1)).status()},
        {"Reserve", tx.Reserve(1, 1, Q(1)).status()},
        {"Release", tx.Release(1, 1, Q(1))},
        {"InsertMovement", tx.InsertMovement(StockMovement{})},
        {"NextOrderSerial", tx.NextOrderSerial(Date{1}).status()},
        {"InsertOrder", tx.InsertOrder(o).status()},
        {"UpdateOrder", tx.UpdateOrder(o, 1)},
        {"InsertEvent", tx.events().Insert(Event{})},
        {"PutIdempotency", tx.idempotency().Put(1, "k", {}, 1)},
    };
    for (const auto& [name, st] : writes) EXPECT_EQ(st.code(), Code::kInternal) << name;
    return Status::Ok();
  }));
  EXPECT_EQ(Must(Rd<Customer>([&](Tx& tx) { return tx.customers().Get(c); })).version, 1);
}

TEST_P(StoreContract, ReadSeesOneSnapshot) {
  Customer c = MakeCustomer(Unique("SNAP"));
  c.id = Must(W<int64_t>([&](Tx& tx) { return tx.customers().Insert(c); }));
  ASSERT_OK(store_->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Customer before, tx.customers().Get(c.id));
    // A write commits while this read is open...
    std::thread writer([&] {
      Customer changed = c;
      changed.name = "changed";
      EXPECT_OK(store_->Write([&](Tx& wtx) { return wtx.customers().Update(changed, 1); }));
    });
    writer.join();
    // ...and this read does not see it.
    ASSIGN_OR_RETURN(Customer after, tx.customers().Get(c.id));
    EXPECT_EQ(after.name, before.name);
    EXPECT_EQ(after.version, 1);
    return Status::Ok();
  }));
  EXPECT_EQ(Must(Rd<Customer>([&](Tx& tx) { return tx.customers().Get(c.id); })).name, "changed");
}

TEST_P(StoreContract, NestedWriteIsRefused) {
  Status inner;
  ASSERT_OK(Wst([&](Tx&) {
    inner = store_->Write([](Tx&) { return Status::Ok(); });
    return Status::Ok();
  }));
  EXPECT_FALSE(inner.ok());
}

TEST_P(StoreContract, GroupCommitUnderConcurrency) {
  const int64_t p = NewProduct(Unique("GC"));
  const int64_t w = NewWarehouse(Unique("GC"));
  ASSERT_TRUE(W<StockRow>([&](Tx& tx) { return tx.AdjustOnHand(p, w, Q(100'000)); }).ok());
  const Date day{static_cast<int32_t>(std::uniform_int_distribution<int>(30'000, 2'900'000)(rng_))};

  constexpr int kThreads = 32;
  std::vector<Qty> got(kThreads);
  std::vector<int64_t> serials(kThreads);
  std::vector<int64_t> customer_ids(kThreads);
  std::vector<Status> results(kThreads);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      results[i] = store_->Write([&](Tx& tx) -> Status {
        ASSIGN_OR_RETURN(got[i], tx.Reserve(p, w, Q(7'000)));  // 32 × 7 = 224 > 100
        ASSIGN_OR_RETURN(serials[i], tx.NextOrderSerial(day));
        ASSIGN_OR_RETURN(customer_ids[i],
                         tx.customers().Insert(MakeCustomer(Unique("GC" + std::to_string(i)))));
        // Every third job fails after writing: its writes go, the others' stay.
        if (i % 3 == 0) return Status::Conflict("job " + std::to_string(i) + " gives up");
        return Status::Ok();
      });
    });
  }
  go = true;
  for (auto& t : threads) t.join();

  Qty total;
  std::set<int64_t> committed_serials;
  for (int i = 0; i < kThreads; ++i) {
    SCOPED_TRACE("job " + std::to_string(i));
    // A rolled-back insert frees its id for a later job, so the code tells them apart.
    auto customer = Rd<Customer>([&](Tx& tx) { return tx.customers().Get(customer_ids[i]); });
    const std::string code = Unique("GC" + std::to_string(i));
    if (i % 3 == 0) {
      EXPECT_EQ(results[i].code(), Code::kConflict);
      EXPECT_TRUE(!customer.ok() || customer->code != code);
      continue;
    }
    ASSERT_TRUE(results[i].ok()) << Describe(results[i]);
    ASSERT_TRUE(customer.ok());
    EXPECT_EQ(customer->code, code);
    EXPECT_GE(got[i], Qty());
    EXPECT_LE(got[i], Q(7'000));
    total += got[i];
    EXPECT_TRUE(committed_serials.insert(serials[i]).second) << "serial " << serials[i];
  }
  auto rows = Must(Rd<std::vector<StockRow>>([&](Tx& tx) { return tx.StockOfProduct(p); }));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(total, Q(100'000));  // min(asked by the committed jobs, on hand)
  EXPECT_EQ(rows[0].reserved, total);
  EXPECT_EQ(rows[0].on_hand, Q(100'000));
  EXPECT_GE(rows[0].available(), Qty());
  // Serials of the committed jobs are distinct, and the next one is larger still.
  const int64_t next = Must(W<int64_t>([&](Tx& tx) { return tx.NextOrderSerial(day); }));
  ASSERT_FALSE(committed_serials.empty());
  EXPECT_GT(next, *committed_serials.rbegin());
  EXPECT_GE(*committed_serials.begin(), 1);
  if (sqlite()) {
    // One writer, gap-free: the failed jobs' serials were undone, so the next one
    // continues right after the committed ones. (PostgreSQL leaves them unused.)
    EXPECT_EQ(next, static_cast<int64_t>(committed_serials.size()) + 1);
    EXPECT_EQ(*committed_serials.rbegin(), static_cast<int64_t>(committed_serials.size()));
  }
}

// ---- durability and schema ----

TEST_P(StoreContract, DataSurvivesReopen) {
  Customer c = MakeCustomer(Unique("DUR"));
  c.id = Must(W<int64_t>([&](Tx& tx) { return tx.customers().Insert(c); }));
  Reopen();
  ASSERT_NE(store_, nullptr);
  ExpectSameCustomer(Must(Rd<Customer>([&](Tx& tx) { return tx.customers().Get(c.id); })), c);
  Reopen();  // migrations again: nothing to do, nothing lost
  ExpectSameCustomer(Must(Rd<Customer>([&](Tx& tx) { return tx.customers().Get(c.id); })), c);
}

TEST_P(StoreContract, MigrationsRunOnceAndAreRecorded) {
  if (!sqlite()) GTEST_SKIP() << "inspects the SQLite file";
  int64_t known = 0;
  for (const auto& m : Migrations()) known += m.dialect == "sqlite";
  ASSERT_GT(known, 0);
  EXPECT_EQ(RawInt("SELECT COUNT(*) FROM schema_migrations"), known);
  Reopen();
  Reopen();
  EXPECT_EQ(RawInt("SELECT COUNT(*) FROM schema_migrations"), known);
  EXPECT_EQ(RawInt("SELECT MIN(version) FROM schema_migrations"), 1);
  EXPECT_EQ(RawInt("SELECT COUNT(*) FROM schema_migrations WHERE applied_at > 0"), known);
}

TEST_P(StoreContract, FileStaysConsistent) {
  if (!sqlite()) GTEST_SKIP() << "inspects the SQLite file";
  User u;
  u.username = Unique("ic");
  u.roles = {Role::kFinance, Role::kAdmin};
  ASSERT_TRUE(W<int64_t>([&](Tx& tx) { return tx.users().Insert(u, "h"); }).ok());
  const int64_t c = NewCustomer(Unique("C"));
  const int64_t p = NewProduct(Unique("P"));
  const int64_t w = NewWarehouse(Unique("W"));
  ASSERT_TRUE(W<StockRow>([&](Tx& tx) { return tx.AdjustOnHand(p, w, Q(5'000)); }).ok());
  Insert(MakeOrder(c, p, w, Unique("SO")));
  ASSERT_OK(Wst([&](Tx& tx) { return tx.idempotency().Put(1, "k", {"h", 201, "b"}, 1); }));
  Reopen();
  EXPECT_EQ(RawInt("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"), 0);
  EXPECT_EQ(RawInt("SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

TEST_P(StoreContract, BackupIsAUsableCopy) {
  if (!sqlite()) GTEST_SKIP() << "SQLite file backup";
  Customer c = MakeCustomer(Unique("BK"));
  c.id = Must(W<int64_t>([&](Tx& tx) { return tx.customers().Insert(c); }));
  const std::string copy = dir_ + "/backups/copy.db";
  ASSERT_OK(store_->Backup(copy));
  auto opened = OpenStore("sqlite:" + copy);
  ASSERT_TRUE(opened.ok()) << Describe(opened.status());
  std::unique_ptr<Store> backup = std::move(opened).value();
  Customer got;
  ASSERT_OK(backup->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(got, tx.customers().Get(c.id));
    return Status::Ok();
  }));
  ExpectSameCustomer(got, c);
  backup.reset();
  EXPECT_FALSE(store_->Backup(db_path_).ok());  // never over a live database
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param; });
INSTANTIATE_TEST_SUITE_P(Backends, ListOrdersTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace storage
}  // namespace ordo
