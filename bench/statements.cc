// ordo_bench_statements: what one statement of the intake costs through each layer that
// could carry the repositories, on SQLite (Google Benchmark) — the measurement behind the
// choice of the statement layer (docs/decisions.md, "Storage"). Two statements of the
// order intake: reading a product by id (15 columns; once per order line) and a
// customer's INSERT ... RETURNING id (18 parameters), each through
//
//   C        the SQLite C API, prepared once: the floor
//   Stmt     sqlite::Stmt from the connection's statement cache (the backend's own layer)
//   Sql      storage::Statement through SqliteSql (what the repositories use)
//   Repo     the repository's method (ProductRepo::Get, CustomerRepo::Insert): Sql plus
//            the row mapping, the same as the Tx methods it replaced
//   SociOnce SOCI 4.0, a soci::statement prepared once and executed again with its
//            bound variables (a repository would have to keep one per connection itself)
//   Soci     SOCI 4.0 as it is written, `sql << "...", use(...), into(...)`, which
//            prepares the statement every time (SOCI has no statement cache)
//
// Every layer runs on the same database file (made by OpenStore, so the real schema and
// indexes), one connection each, synchronous=OFF and inside one transaction that is rolled
// back after each benchmark, so only the layer differs.
//
//   ordo_bench_statements [--benchmark_filter=...] [--benchmark_repetitions=5]
//   ORDO_BENCH_ITERATIONS=20000 valgrind --tool=callgrind \
//       --toggle-collect='*BM_SelectProduct_Sql*' ordo_bench_statements --benchmark_filter=...
//
// Built when libsoci-dev is installed (not a dependency of Ordo; see bench/CMakeLists.txt).

#include <benchmark/benchmark.h>
#include <soci/soci.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "storage/product_repo.h"
#include "storage/query.h"
#include "storage/sqlite/sqlite_sql.h"
#include "storage/sqlite/statement.h"
#include "storage/store.h"

// soci/sqlite3/soci-sqlite3.h wraps <sqlite3.h> in a namespace of its own, which clashes
// with the C API used here; its factory is all this file needs.
namespace soci {
extern "C" backend_factory const* factory_sqlite3();
}  // namespace soci

namespace {

using namespace ordo;
using storage::sqlite::Connection;

constexpr int kProducts = 200;

constexpr const char* kSelectProduct =
    "SELECT id, sku, name, spec, unit, list_price, min_price, tax_rate, make_to_order, "
    "lead_time_days, safety_stock, active, created_at, updated_at, version FROM products "
    "WHERE id = ?";
constexpr const char* kInsertCustomer =
    "INSERT INTO customers (code, name, uscc, address, contacts, bank_name, bank_account, "
    "credit_limit, payment_method, payment_net_days, payment_prepay_percent, "
    "default_invoice_type, blocked, partner_id, region, created_at, updated_at, version) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
// SOCI binds by name.
std::string SociText(const char* sql) {
  std::string out;
  int n = 0;
  for (const char* p = sql; *p != '\0'; ++p) {
    if (*p == '?') {
      out += ":p" + std::to_string(++n);
    } else {
      out += *p;
    }
  }
  return out;
}

std::string g_path;

void Die(const char* what, const std::string& why) {
  std::fprintf(stderr, "statements: %s: %s\n", what, why.c_str());
  std::exit(1);
}

// The database: the real schema, kProducts products.
void MakeDatabase() {
  std::string dir = (std::filesystem::temp_directory_path() / "ordo-stmt-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) Die("mkdtemp", "failed");
  g_path = dir + "/ordo.db";
  auto store = storage::OpenStore("sqlite:" + g_path);
  if (!store.ok()) Die("open", store.status().message());
  const Status st = (*store)->Write([](storage::Tx& tx) -> Status {
    for (int i = 0; i < kProducts; ++i) {
      domain::Product p;
      p.sku = "SKU-" + std::to_string(i);
      p.name = "基准产品 " + std::to_string(i);
      p.unit = "件";
      p.list_price = Money::FromInt(100 + i);
      p.tax_rate = Rate::FromUnits(1300);
      RETURN_IF_ERROR(tx.products().Insert(p).status());
    }
    return Status::Ok();
  });
  if (!st.ok()) Die("seed", st.message());
}

std::unique_ptr<Connection> OpenOrdo() {
  auto conn = Connection::Open(g_path, Connection::Role::kWriter);
  if (!conn.ok()) Die("connect", conn.status().message());
  (void)(*conn)->Exec("PRAGMA synchronous=OFF");
  return std::move(conn).value();
}

std::unique_ptr<soci::session> OpenSoci() {
  auto s = std::make_unique<soci::session>(*soci::factory_sqlite3(), "db=" + g_path + " timeout=5");
  *s << "PRAGMA synchronous=OFF";
  *s << "PRAGMA foreign_keys=ON";
  return s;
}

// The values of one customer, bound in kInsertCustomer's order.
struct CustomerRow {
  std::string code,
      name = "华东机械有限公司", uscc = "91350100M000100Y43", address = "上海市浦东新区 1 号",
      contacts = R"([{"name":"王经理","phone":"13800000000","email":""}])", bank_name = "工商银行",
      bank_account = "6222000011112222";
  long long credit_limit = 5'000'000;
  std::string payment_method = "net";
  int net_days = 30;
  long long prepay = 0;
  std::string invoice_type = "vat_normal";
  int blocked = 0;
  long long partner_id = 0;
  soci::indicator partner_ind = soci::i_null;
  std::string region = "east";
  long long created_at = 1'700'000'000'000, updated_at = 1'700'000'000'000, version = 1;
};

// The row of kSelectProduct through sqlite::Stmt or storage::Statement (the same readers).
template <typename S>
domain::Product ReadProduct(S& st) {
  domain::Product p;
  p.id = st.Int(0);
  p.sku = st.Text(1);
  p.name = st.Text(2);
  p.spec = st.Text(3);
  p.unit = st.Text(4);
  p.list_price = st.template Dec<2>(5);
  p.min_price = st.template Dec<2>(6);
  p.tax_rate = st.template Dec<4>(7);
  p.make_to_order = st.Bool(8);
  p.lead_time_days = static_cast<int>(st.Int(9));
  p.safety_stock = st.template Dec<3>(10);
  p.active = st.Bool(11);
  p.created_at = st.Int(12);
  p.updated_at = st.Int(13);
  p.version = st.Int(14);
  return p;
}

// The parameters of kInsertCustomer through sqlite::Stmt or storage::Statement.
template <typename S>
void BindCustomer(S& st, const CustomerRow& c) {
  st.BindAll(c.code, c.name, c.uscc, c.address, c.contacts, c.bank_name, c.bank_account,
             static_cast<int64_t>(c.credit_limit), c.payment_method, c.net_days,
             static_cast<int64_t>(c.prepay), c.invoice_type, c.blocked != 0, nullptr, c.region,
             static_cast<int64_t>(c.created_at), static_cast<int64_t>(c.updated_at),
             static_cast<int64_t>(c.version));
}

int64_t g_serial = 0;
std::string NextCode() { return "C" + std::to_string(++g_serial); }

// ---- reading a product ----

void BM_SelectProduct_C(benchmark::State& state) {
  auto conn = OpenOrdo();
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v3(conn->handle(), kSelectProduct, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr);
  int64_t id = 0;
  for (auto _ : state) {
    sqlite3_bind_int64(st, 1, id++ % kProducts + 1);
    if (sqlite3_step(st) != SQLITE_ROW) Die("step", sqlite3_errmsg(conn->handle()));
    domain::Product p;
    p.id = sqlite3_column_int64(st, 0);
    p.sku = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
    p.name = reinterpret_cast<const char*>(sqlite3_column_text(st, 2));
    p.spec = reinterpret_cast<const char*>(sqlite3_column_text(st, 3));
    p.unit = reinterpret_cast<const char*>(sqlite3_column_text(st, 4));
    p.list_price = Money::FromUnits(sqlite3_column_int64(st, 5));
    p.min_price = Money::FromUnits(sqlite3_column_int64(st, 6));
    p.tax_rate = Rate::FromUnits(sqlite3_column_int64(st, 7));
    p.make_to_order = sqlite3_column_int64(st, 8) != 0;
    p.lead_time_days = sqlite3_column_int(st, 9);
    p.safety_stock = Qty::FromUnits(sqlite3_column_int64(st, 10));
    p.active = sqlite3_column_int64(st, 11) != 0;
    p.created_at = sqlite3_column_int64(st, 12);
    p.updated_at = sqlite3_column_int64(st, 13);
    p.version = sqlite3_column_int64(st, 14);
    benchmark::DoNotOptimize(p);
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
}

void BM_SelectProduct_Stmt(benchmark::State& state) {
  auto conn = OpenOrdo();
  int64_t id = 0;
  for (auto _ : state) {
    auto st = conn->Prepare(kSelectProduct);
    st->Bind(id++ % kProducts + 1);
    if (!*st->Step()) Die("step", "no row");
    benchmark::DoNotOptimize(ReadProduct(*st));
  }
}

void BM_SelectProduct_Sql(benchmark::State& state) {
  auto conn = OpenOrdo();
  storage::sqlite::SqliteSql sql(*conn, /*writable=*/false);
  int64_t id = 0;
  for (auto _ : state) {
    auto st = sql.Prepare(kSelectProduct);
    st->Bind(id++ % kProducts + 1);
    if (!*st->Step()) Die("step", "no row");
    benchmark::DoNotOptimize(ReadProduct(*st));
  }
}

// The repository's Get: the statement through Sql plus its row mapping and checks.
void BM_SelectProduct_Repo(benchmark::State& state) {
  auto conn = OpenOrdo();
  storage::sqlite::SqliteSql sql(*conn, /*writable=*/false);
  storage::ProductRepo products(sql);
  int64_t id = 0;
  for (auto _ : state) {
    auto p = products.Get(id++ % kProducts + 1);
    if (!p.ok()) Die("get", p.status().message());
    benchmark::DoNotOptimize(*p);
  }
}

struct SociProduct {
  long long id, list_price, min_price, tax_rate, safety_stock, created_at, updated_at, version;
  std::string sku, name, spec, unit;
  int make_to_order, lead_time_days, active;
};

domain::Product FromSoci(const SociProduct& r) {
  domain::Product p;
  p.id = r.id;
  p.sku = r.sku;
  p.name = r.name;
  p.spec = r.spec;
  p.unit = r.unit;
  p.list_price = Money::FromUnits(r.list_price);
  p.min_price = Money::FromUnits(r.min_price);
  p.tax_rate = Rate::FromUnits(r.tax_rate);
  p.make_to_order = r.make_to_order != 0;
  p.lead_time_days = r.lead_time_days;
  p.safety_stock = Qty::FromUnits(r.safety_stock);
  p.active = r.active != 0;
  p.created_at = r.created_at;
  p.updated_at = r.updated_at;
  p.version = r.version;
  return p;
}

#define SOCI_INTO_PRODUCT(r)                                                                       \
  soci::into(r.id), soci::into(r.sku), soci::into(r.name), soci::into(r.spec), soci::into(r.unit), \
      soci::into(r.list_price), soci::into(r.min_price), soci::into(r.tax_rate),                   \
      soci::into(r.make_to_order), soci::into(r.lead_time_days), soci::into(r.safety_stock),       \
      soci::into(r.active), soci::into(r.created_at), soci::into(r.updated_at),                    \
      soci::into(r.version)

void BM_SelectProduct_SociOnce(benchmark::State& state) {
  auto sql = OpenSoci();
  SociProduct r;
  long long id = 0;
  soci::statement st =
      (sql->prepare << SociText(kSelectProduct), soci::use(id, "p1"), SOCI_INTO_PRODUCT(r));
  long long n = 0;
  for (auto _ : state) {
    id = n++ % kProducts + 1;
    if (!st.execute(true)) Die("soci", "no row");
    benchmark::DoNotOptimize(FromSoci(r));
  }
}

void BM_SelectProduct_Soci(benchmark::State& state) {
  auto sql = OpenSoci();
  const std::string text = SociText(kSelectProduct);
  long long n = 0;
  for (auto _ : state) {
    SociProduct r;
    long long id = n++ % kProducts + 1;
    *sql << text, soci::use(id, "p1"), SOCI_INTO_PRODUCT(r);
    benchmark::DoNotOptimize(FromSoci(r));
  }
}

// ---- inserting a customer ----

void BM_InsertCustomer_C(benchmark::State& state) {
  auto conn = OpenOrdo();
  (void)conn->Exec("BEGIN");
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v3(conn->handle(), kInsertCustomer, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr);
  CustomerRow c;
  for (auto _ : state) {
    c.code = NextCode();
    int i = 0;
    auto text = [&](const std::string& v) {
      sqlite3_bind_text(st, ++i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    };
    text(c.code);
    text(c.name);
    text(c.uscc);
    text(c.address);
    text(c.contacts);
    text(c.bank_name);
    text(c.bank_account);
    sqlite3_bind_int64(st, ++i, c.credit_limit);
    text(c.payment_method);
    sqlite3_bind_int64(st, ++i, c.net_days);
    sqlite3_bind_int64(st, ++i, c.prepay);
    text(c.invoice_type);
    sqlite3_bind_int64(st, ++i, c.blocked);
    sqlite3_bind_null(st, ++i);
    text(c.region);
    sqlite3_bind_int64(st, ++i, c.created_at);
    sqlite3_bind_int64(st, ++i, c.updated_at);
    sqlite3_bind_int64(st, ++i, c.version);
    if (sqlite3_step(st) != SQLITE_ROW) Die("step", sqlite3_errmsg(conn->handle()));
    benchmark::DoNotOptimize(sqlite3_column_int64(st, 0));
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  (void)conn->Exec("ROLLBACK");
}

void BM_InsertCustomer_Stmt(benchmark::State& state) {
  auto conn = OpenOrdo();
  (void)conn->Exec("BEGIN");
  CustomerRow c;
  for (auto _ : state) {
    c.code = NextCode();
    auto st = conn->Prepare(kInsertCustomer);
    BindCustomer(*st, c);
    if (!*st->Step()) Die("step", "no id");
    benchmark::DoNotOptimize(st->Int(0));
  }
  (void)conn->Exec("ROLLBACK");
}

void BM_InsertCustomer_Sql(benchmark::State& state) {
  auto conn = OpenOrdo();
  (void)conn->Exec("BEGIN");
  storage::sqlite::SqliteSql sql(*conn, /*writable=*/true);
  CustomerRow c;
  for (auto _ : state) {
    c.code = NextCode();
    auto st = sql.Prepare(kInsertCustomer);
    BindCustomer(*st, c);
    if (!*st->Step()) Die("step", "no id");
    benchmark::DoNotOptimize(st->Int(0));
  }
  (void)conn->Exec("ROLLBACK");
}

// The repository's Insert: the statement through Sql plus its row mapping (the contacts'
// JSON, the enums' names).
void BM_InsertCustomer_Repo(benchmark::State& state) {
  auto conn = OpenOrdo();
  (void)conn->Exec("BEGIN");
  storage::sqlite::SqliteSql sql(*conn, /*writable=*/true);
  storage::CustomerRepo customers(sql);
  domain::Customer c;
  c.name = "华东机械有限公司";
  c.uscc = "91350100M000100Y43";
  c.address = "上海市浦东新区 1 号";
  c.contacts = {{"王经理", "13800000000", ""}};
  c.bank_name = "工商银行";
  c.bank_account = "6222000011112222";
  c.credit_limit = Money::FromUnits(5'000'000);
  c.payment_terms = {domain::PaymentMethod::kNet, 30, Rate()};
  c.region = "east";
  c.created_at = c.updated_at = 1'700'000'000'000;
  for (auto _ : state) {
    c.code = NextCode();
    auto id = customers.Insert(c);
    if (!id.ok()) Die("insert", id.status().message());
    benchmark::DoNotOptimize(*id);
  }
  (void)conn->Exec("ROLLBACK");
}

#define SOCI_USE_CUSTOMER(c)                                                                \
  soci::use(c.code), soci::use(c.name), soci::use(c.uscc), soci::use(c.address),            \
      soci::use(c.contacts), soci::use(c.bank_name), soci::use(c.bank_account),             \
      soci::use(c.credit_limit), soci::use(c.payment_method), soci::use(c.net_days),        \
      soci::use(c.prepay), soci::use(c.invoice_type), soci::use(c.blocked),                 \
      soci::use(c.partner_id, c.partner_ind), soci::use(c.region), soci::use(c.created_at), \
      soci::use(c.updated_at), soci::use(c.version)

void BM_InsertCustomer_SociOnce(benchmark::State& state) {
  auto sql = OpenSoci();
  soci::transaction tr(*sql);
  CustomerRow c;
  long long id = 0;
  soci::statement st =
      (sql->prepare << SociText(kInsertCustomer), SOCI_USE_CUSTOMER(c), soci::into(id));
  for (auto _ : state) {
    c.code = NextCode();
    if (!st.execute(true)) Die("soci", "no id");
    benchmark::DoNotOptimize(id);
  }
  tr.rollback();
}

void BM_InsertCustomer_Soci(benchmark::State& state) {
  auto sql = OpenSoci();
  soci::transaction tr(*sql);
  const std::string text = SociText(kInsertCustomer);
  CustomerRow c;
  for (auto _ : state) {
    c.code = NextCode();
    long long id = 0;
    *sql << text, SOCI_USE_CUSTOMER(c), soci::into(id);
    benchmark::DoNotOptimize(id);
  }
  tr.rollback();
}

#undef SOCI_INTO_PRODUCT
#undef SOCI_USE_CUSTOMER

const std::pair<const char*, void (*)(benchmark::State&)> kBenchmarks[] = {
    {"BM_SelectProduct_C", BM_SelectProduct_C},
    {"BM_SelectProduct_Stmt", BM_SelectProduct_Stmt},
    {"BM_SelectProduct_Sql", BM_SelectProduct_Sql},
    {"BM_SelectProduct_Repo", BM_SelectProduct_Repo},
    {"BM_SelectProduct_SociOnce", BM_SelectProduct_SociOnce},
    {"BM_SelectProduct_Soci", BM_SelectProduct_Soci},
    {"BM_InsertCustomer_C", BM_InsertCustomer_C},
    {"BM_InsertCustomer_Stmt", BM_InsertCustomer_Stmt},
    {"BM_InsertCustomer_Sql", BM_InsertCustomer_Sql},
    {"BM_InsertCustomer_Repo", BM_InsertCustomer_Repo},
    {"BM_InsertCustomer_SociOnce", BM_InsertCustomer_SociOnce},
    {"BM_InsertCustomer_Soci", BM_InsertCustomer_Soci},
};

}  // namespace

int main(int argc, char** argv) {
  MakeDatabase();
  // ORDO_BENCH_ITERATIONS=N runs each benchmark exactly N times: for counting instructions
  // with valgrind --tool=callgrind --toggle-collect='*BM_...*' (bench/NOTES.md).
  const char* fixed = std::getenv("ORDO_BENCH_ITERATIONS");
  for (const auto& [name, fn] : kBenchmarks) {
    auto* b = benchmark::RegisterBenchmark(name, fn);
    if (fixed != nullptr) b->Iterations(std::atoll(fixed));
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::filesystem::remove_all(std::filesystem::path(g_path).parent_path());
  return 0;
}
