#pragma once
// The fixture of the storage contract tests (test/storage_contract_test.cc and
// test/storage_contract/*_test.cc): every backend of storage/store.h passes them. They run
// against SQLite in a fresh temp directory per test, and, when ORDO_TEST_PG_URL is set,
// against that PostgreSQL database too. Tests that need a fresh database or raw SQL are
// SQLite-only; the others scope what they check to the records they create (unique
// codes, a fresh customer per order test), so that a shared PostgreSQL database works.
//
// A test file instantiates its suites over Backends(); test/CMakeLists.txt runs the
// postgresql instances of every suite (storage_contract_test_pg).

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "storage/store.h"

namespace ordo {

// Readable failure messages for the value types.
template <int S>
void PrintTo(const Fixed<S>& v, std::ostream* os) {
  *os << v.ToTrimmed();
}
inline void PrintTo(const Date& d, std::ostream* os) { *os << FormatDate(d); }

namespace storage {

using domain::Channel;
using domain::Contact;
using domain::Department;
using domain::Flag;
using domain::InvoiceType;
using domain::OrderLine;
using domain::OrderStatus;
using domain::PaymentMethod;
using domain::PriceMode;
using domain::Review;
using domain::Role;

inline std::string Describe(const Status& s) {
  return "code " + std::to_string(static_cast<int>(s.code())) + " rule '" + s.rule() +
         "': " + s.message();
}

#define ASSERT_OK(expr)                     \
  do {                                      \
    const ::ordo::Status _st = (expr);      \
    ASSERT_TRUE(_st.ok()) << Describe(_st); \
  } while (0)
#define EXPECT_OK(expr)                     \
  do {                                      \
    const ::ordo::Status _st = (expr);      \
    EXPECT_TRUE(_st.ok()) << Describe(_st); \
  } while (0)

template <typename T>
T Must(Result<T> r) {
  if (!r.ok()) {
    ADD_FAILURE() << Describe(r.status());
    return T{};
  }
  return std::move(r).value();
}

inline Money M(int64_t cents) { return Money::FromUnits(cents); }
inline Qty Q(int64_t thousandths) { return Qty::FromUnits(thousandths); }
inline Rate R(int64_t ten_thousandths) { return Rate::FromUnits(ten_thousandths); }

inline std::vector<std::string> Backends() {
  std::vector<std::string> out = {"sqlite"};
  const char* pg = std::getenv("ORDO_TEST_PG_URL");
  if (pg != nullptr && *pg != '\0') out.push_back("postgresql");
  return out;
}

class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::random_device rd;
    rng_.seed(rd());
    suffix_ = std::to_string(std::uniform_int_distribution<int64_t>(1, 1'000'000'000)(rng_));
    if (sqlite()) {
      std::string templ = (std::filesystem::temp_directory_path() / "ordo-storage-XXXXXX").string();
      ASSERT_NE(mkdtemp(templ.data()), nullptr);
      dir_ = templ;
      db_path_ = dir_ + "/data/ordo.db";  // data/ does not exist yet: OpenStore makes it
      url_ = "sqlite:" + db_path_;
    } else {
      url_ = std::getenv("ORDO_TEST_PG_URL");
    }
    Open();
  }

  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  void Open() {
    auto r = OpenStore(url_);
    ASSERT_TRUE(r.ok()) << Describe(r.status());
    store_ = std::move(r).value();
  }
  void Reopen() {
    store_.reset();
    Open();
  }

  bool sqlite() const { return GetParam() == "sqlite"; }
  std::string Unique(const std::string& base) const { return base + "-" + suffix_; }
  int64_t RandomId() { return std::uniform_int_distribution<int64_t>(1'000'000, 9'000'000)(rng_); }

  // Runs f in a write (or read) transaction and hands back its value.
  template <typename T>
  Result<T> Run(bool write, const std::function<Result<T>(Tx&)>& f) {
    std::optional<T> out;
    auto body = [&](Tx& tx) -> Status {
      auto r = f(tx);
      if (!r.ok()) return r.TakeStatus();
      out = std::move(r).value();
      return Status::Ok();
    };
    Status st = write ? store_->Write(body) : store_->Read(body);
    if (!st.ok()) return st;
    return std::move(*out);
  }
  template <typename T>
  Result<T> W(const std::function<Result<T>(Tx&)>& f) {
    return Run<T>(true, f);
  }
  template <typename T>
  Result<T> Rd(const std::function<Result<T>(Tx&)>& f) {
    return Run<T>(false, f);
  }
  Status Wst(const std::function<Status(Tx&)>& f) { return store_->Write(f); }

  // Raw SQL on the SQLite file, for what the interface cannot do (amounts written by
  // later features, internals).
  void RawExec(const std::string& sql) {
    ASSERT_TRUE(sqlite());
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path_.c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    const std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << msg;
  }
  int64_t RawInt(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(db_path_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      v = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
  }

  // ---- fixtures ----

  Customer MakeCustomer(const std::string& code) {
    Customer c;
    c.code = code;
    c.name = "华东机械 " + code;
    c.uscc = "91350100M000100Y43";
    c.address = "上海市浦东新区 1 号";
    c.contacts = {{"王经理", "13800000000", "wang@example.com"}, {"O'Brien \"Q\"", "", ""}};
    c.bank_name = "工商银行";
    c.bank_account = "6222000011112222";
    c.credit_limit = M(5'000'000);
    c.payment_terms = {PaymentMethod::kInstallment, 45, R(300'000)};
    c.default_invoice_type = InvoiceType::kVatNormal;
    c.blocked = true;
    c.partner_id = 77;
    c.region = "east";
    c.created_at = 1'700'000'000'000;
    c.updated_at = 1'700'000'000'500;
    c.version = 1;
    return c;
  }
  int64_t NewCustomer(const std::string& code, std::optional<int64_t> partner = std::nullopt) {
    Customer c = MakeCustomer(code);
    c.blocked = false;
    c.partner_id = partner;
    return Must(W<int64_t>([&](Tx& tx) { return tx.customers().Insert(c); }));
  }
  Product MakeProduct(const std::string& sku) {
    Product p;
    p.sku = sku;
    p.name = "液压泵 " + sku;
    p.spec = "HP-200 / 20MPa";
    p.unit = "台";
    p.list_price = M(1'234'50);
    p.min_price = M(1'000'00);
    p.tax_rate = R(1300);
    p.make_to_order = true;
    p.lead_time_days = 21;
    p.safety_stock = Q(5'500);
    p.active = false;
    p.created_at = 1'700'000'000'000;
    p.updated_at = 1'700'000'000'001;
    return p;
  }
  int64_t NewProduct(const std::string& sku, Qty safety = Qty()) {
    Product p = MakeProduct(sku);
    p.safety_stock = safety;
    p.active = true;
    return Must(W<int64_t>([&](Tx& tx) { return tx.products().Insert(p); }));
  }
  int64_t NewWarehouse(const std::string& code) {
    Warehouse w;
    w.code = code;
    w.name = "仓库 " + code;
    w.region = "north";
    w.address = "天津";
    w.created_at = 1'700'000'000'000;
    return Must(W<int64_t>([&](Tx& tx) { return tx.warehouses().Insert(w); }));
  }
  int64_t NewUser(const std::string& username) {
    User u;
    u.username = username;
    u.display_name = username;
    u.roles = {Role::kSalesRep};
    return Must(W<int64_t>([&](Tx& tx) { return tx.users().Insert(u, "h"); }));
  }

  // An order with every field set, two lines, two flags and reviews of two rounds.
  Order MakeOrder(int64_t customer_id, int64_t product_id, int64_t warehouse_id,
                  const std::string& number) {
    Order o;
    o.number = number;
    o.status = OrderStatus::kOnHold;
    o.status_before_hold = OrderStatus::kConfirmed;
    o.delivery_status = "partly_delivered";
    o.billing_status = "partly_billed";
    o.payment_status = "partly_paid";
    o.channel = Channel::kEcommerce;
    o.customer_id = customer_id;
    o.customer_code = "C-" + number;
    o.customer_name = "客户 " + number;
    o.partner_id = 9;
    o.price_mode = PriceMode::kTaxInclusive;
    OrderLine a;
    a.line_no = 1;
    a.product_id = product_id;
    a.sku = "SKU-1";
    a.name = "泵";
    a.spec = "A";
    a.unit = "台";
    a.qty = Q(2'500);
    a.unit_price = M(99'99);
    a.discount_rate = R(500);
    a.tax_rate = R(1300);
    a.net = M(210'00);
    a.tax = M(27'30);
    a.gross = M(237'30);
    a.warehouse_id = warehouse_id;
    a.make_to_order = false;
    a.reserved_qty = Q(2'000);
    a.backordered_qty = Q(500);
    a.shipped_qty = Q(1'000);
    a.delivered_qty = Q(750);
    a.invoiced_qty = Q(500);
    a.returned_qty = Q(1);
    OrderLine b = a;
    b.line_no = 2;
    b.warehouse_id.reset();
    b.make_to_order = true;
    b.qty = Q(1'000);
    o.lines = {a, b};
    o.totals = {M(420'00), M(54'60), M(20'00), M(5'00), M(489'60)};
    o.flags = {{"below_min_price", Department::kSales, "line 1 under min", 1},
               {"credit_limit_exceeded", Department::kFinance, "over by 10.00", std::nullopt}};
    Review r1{1, Department::kSales, false, "too cheap", true, false, std::nullopt, 5, "mgr", 10};
    Review r2{1,    Department::kWarehouse,   true, "",   false,
              true, DateFromYmd(2026, 12, 1), 6,    "wh", 11};
    Review r3{2, Department::kFinance, true, "ok", false, false, std::nullopt, 7, "fin", 12};
    o.reviews = {r1, r2, r3};
    o.review_round = 2;
    o.needs_confirmation = true;
    o.requested_delivery_date = DateFromYmd(2026, 12, 24);
    o.promised_date = DateFromYmd(2026, 12, 31);
    o.ship_to = {"李四", "13900000000", "北京市海淀区", "100080"};
    o.payment_terms = {PaymentMethod::kPrepayment, 0, R(300'000)};
    o.invoice_type = InvoiceType::kNone;
    o.special_requirements = "木箱包装";
    o.notes = "备注";
    o.external_ref = "PO-" + number;
    o.cancel_reason = "";
    o.hold_reason = "credit check";
    o.confirmed_by = 3;
    o.confirmed_at = 1'700'000'100'000;
    o.created_by = 4;
    o.created_at = 1'700'000'000'000;
    o.updated_at = 1'700'000'200'000;
    o.version = 7;
    return o;
  }
  // A small order with no optional fields, for list and exposure tests.
  Order SimpleOrder(int64_t customer_id, const std::string& number, OrderStatus status, Money gross,
                    Millis created_at) {
    Order o;
    o.number = number;
    o.status = status;
    o.customer_id = customer_id;
    o.customer_code = "CODE";
    o.customer_name = "NAME";
    o.totals.gross = gross;
    o.created_at = created_at;
    o.updated_at = created_at;
    return o;
  }
  int64_t Insert(const Order& o) {
    return Must(W<int64_t>([&](Tx& tx) { return tx.InsertOrder(o); }));
  }

  std::string dir_;
  std::string db_path_;
  std::string url_;
  std::string suffix_;
  std::mt19937_64 rng_;
  std::unique_ptr<Store> store_;
};

inline void ExpectSameCustomer(const Customer& got, const Customer& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.code, want.code);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.uscc, want.uscc);
  EXPECT_EQ(got.address, want.address);
  EXPECT_EQ(got.contacts, want.contacts);
  EXPECT_EQ(got.bank_name, want.bank_name);
  EXPECT_EQ(got.bank_account, want.bank_account);
  EXPECT_EQ(got.credit_limit, want.credit_limit);
  EXPECT_EQ(got.payment_terms, want.payment_terms);
  EXPECT_EQ(got.default_invoice_type, want.default_invoice_type);
  EXPECT_EQ(got.blocked, want.blocked);
  EXPECT_EQ(got.partner_id, want.partner_id);
  EXPECT_EQ(got.region, want.region);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.updated_at, want.updated_at);
  EXPECT_EQ(got.version, want.version);
}

inline void ExpectSameProduct(const Product& got, const Product& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.sku, want.sku);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.spec, want.spec);
  EXPECT_EQ(got.unit, want.unit);
  EXPECT_EQ(got.list_price, want.list_price);
  EXPECT_EQ(got.min_price, want.min_price);
  EXPECT_EQ(got.tax_rate, want.tax_rate);
  EXPECT_EQ(got.make_to_order, want.make_to_order);
  EXPECT_EQ(got.lead_time_days, want.lead_time_days);
  EXPECT_EQ(got.safety_stock, want.safety_stock);
  EXPECT_EQ(got.active, want.active);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.updated_at, want.updated_at);
  EXPECT_EQ(got.version, want.version);
}

}  // namespace storage
}  // namespace ordo
