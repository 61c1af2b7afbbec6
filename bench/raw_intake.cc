// ordo_bench_raw: the storage limit of order intake. The same orders as the HTTP load
// generator (OrderGenerator, 5 lines, submit) go straight through
// service::OrderService::Create on the Store — the use case, its transaction, the
// group commit and the fsync — from many threads, with no HTTP, JSON or token check.
// API ÷ raw says what the HTTP layer costs.
//
//   ordo_bench_raw --db sqlite:/tmp/raw/ordo.db [--threads 64] [--lines 5]
//                  [--warmup 5] [--duration 30] [--out results.jsonl]
//
// It seeds its own master data (the same shape as ordo_bench_seed) through the services,
// so it runs on an empty database as well as on one that holds data.

#include <malloc.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "bench_util.h"
#include "service/auth_service.h"
#include "service/services.h"
#include "storage/store.h"

using namespace ordo;
using namespace ordo::bench;
using nlohmann::json;

namespace {

void Die(const char* what, const Status& st) {
  std::fprintf(stderr, "raw: %s: %s\n", what, st.message().c_str());
  std::exit(1);
}

template <typename T>
T OrDie(Result<T> r, const char* what) {
  if (!r.ok()) Die(what, r.status());
  return std::move(r).value();
}

Catalog SeedDirect(service::Services& s, const domain::Actor& admin, int n_products,
                   int n_customers, int n_warehouses) {
  Catalog cat;
  const std::string tag = std::to_string(SystemClock().Now() % 100000000);
  for (int w = 0; w < n_warehouses; ++w) {
    domain::Warehouse wh;
    wh.code = "R" + tag + "-WH" + std::to_string(w + 1);
    wh.name = "基准仓库" + std::to_string(w + 1);
    cat.warehouses.push_back(OrDie(s.master.CreateWarehouse(admin, wh), "warehouse").id);
  }
  for (int i = 0; i < n_products; ++i) {
    domain::Product p;
    p.sku = "R" + tag + "-P" + std::to_string(i + 1);
    p.name = "基准产品 " + std::to_string(i + 1);
    p.unit = "件";
    p.list_price = Money::FromInt(ProductListPrice(i));
    p.min_price = Money::FromInt(ProductListPrice(i) * 9 / 10);
    p.tax_rate = Rate::FromUnits(1300);
    p.lead_time_days = 7;
    const int64_t id = OrDie(s.master.CreateProduct(admin, p), "product").id;
    cat.products.push_back(id);
    for (int64_t wh : cat.warehouses) {
      service::StockAdjustment adj{id, wh, Qty::FromInt(100000000), "benchmark opening balance"};
      OrDie(s.stock.Adjust(admin, adj), "stock");
    }
  }
  for (int i = 0; i < n_customers; ++i) {
    domain::Customer c;
    c.code = "R" + tag + "-C" + std::to_string(i + 1);
    c.name = CustomerName(i);
    c.address = "基准路 " + std::to_string(i + 1) + " 号";
    c.contacts.push_back({"联系人" + std::to_string(i + 1), "13800000000", ""});
    if (i % 2 == 0) c.credit_limit = Money::FromInt(5000000000);
    cat.customers.push_back(OrDie(s.master.CreateCustomer(admin, c), "customer").id);
  }
  return cat;
}

service::OrderInput ToInput(const OrderSpec& spec) {
  service::OrderInput in;
  in.customer_id = spec.customer_id;
  in.channel = domain::Channel::kPhone;
  in.submit = spec.submit;
  if (!spec.external_ref.empty()) in.external_ref = spec.external_ref;
  std::vector<service::LineInput> lines;
  for (const auto& l : spec.lines) {
    service::LineInput li;
    li.product_id = l.product_id;
    li.qty = Qty::FromInt(l.qty);
    if (!l.unit_price.empty()) li.unit_price = *Money::Parse(l.unit_price);
    lines.push_back(li);
  }
  in.lines = std::move(lines);
  return in;
}

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  // The allocator settings of `ordo serve` (src/app/main.cc), so that the storage runs
  // here as it runs there.
  mallopt(M_ARENA_MAX, 4);
  mallopt(M_TRIM_THRESHOLD, 16 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  SetCommandLine(argc, argv);
  Flags flags(argc, argv);
  flags.Check({"db", "threads", "lines", "warmup", "duration", "out", "name"},
              "ordo_bench_raw --db URL [--threads 64] [--duration 30]");
  const int threads = static_cast<int>(flags.Int("threads", 64));
  const int lines = static_cast<int>(flags.Int("lines", 5));
  const double warmup = flags.Double("warmup", 5);
  const double duration = flags.Double("duration", 30);

  auto store = OrDie(storage::OpenStore(flags.Str("db")), "open");
  SystemClock clock;
  service::Deps deps;
  deps.store = store.get();
  deps.clock = &clock;
  service::Services services(deps);
  OrDie(services.auth.EnsureAdmin("admin123"), "admin");
  domain::User admin_user;
  Status st = store->Read([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rec, tx.users().GetByUsername("admin"));
    admin_user = rec.user;
    return Status::Ok();
  });
  if (!st.ok()) Die("admin user", st);
  const domain::Actor admin = service::ActorOf(admin_user);
  const Catalog cat = SeedDirect(services, admin, 200, 20, 2);

  enum Phase { kWarmup, kMeasure, kDone };
  std::atomic<int> phase{kWarmup};
  std::vector<Histogram> hists(static_cast<size_t>(threads));
  std::vector<int64_t> failures(static_cast<size_t>(threads), 0);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      OrderGenerator gen(cat, lines, 1000 + static_cast<uint64_t>(t));
      while (phase.load() != kDone) {
        const service::OrderInput in = ToInput(gen.Next());
        const int64_t start = NowMicros();
        auto r = services.orders.Create(admin, in, {});
        const int64_t micros = NowMicros() - start;
        if (phase.load() != kMeasure) continue;
        if (r.ok()) {
          hists[static_cast<size_t>(t)].Record(micros);
        } else if (failures[static_cast<size_t>(t)]++ == 0) {
          std::fprintf(stderr, "raw: create failed: %s\n", r.status().message().c_str());
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(warmup * 1e6)));
  const double cpu0 = CpuSeconds();
  const int64_t t0 = NowMicros();
  phase = kMeasure;
  std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(duration * 1e6)));
  phase = kDone;
  const int64_t t1 = NowMicros();
  const double cpu = CpuSeconds() - cpu0;
  for (auto& t : pool) t.join();
  Histogram all;
  int64_t failed = 0;
  for (size_t i = 0; i < hists.size(); ++i) {
    all.Merge(hists[i]);
    failed += failures[i];
  }
  const double seconds = (t1 - t0) / 1e6;
  Emit(flags.Str("out"), flags.Str("name", "raw_intake"),
       {{"threads", threads},
        {"lines", lines},
        {"seconds", seconds},
        {"orders", all.count()},
        {"failed", failed},
        {"orders_per_s", all.count() / seconds},
        {"cpu_s", cpu},
        {"latency", all.Summary()}});
  return failed > 0 ? 1 : 0;
}
