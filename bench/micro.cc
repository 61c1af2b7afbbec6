// ordo_bench_micro: micro-benchmarks of the intake hot path's CPU work (Google
// Benchmark), and a self-check run first: the order answer written as text
// (OrderJsonText) must be byte for byte the JSON tree's dump (Codec::OrderJson), for
// orders with every kind of string — quotes, backslashes, control characters, Chinese,
// and bytes that are not UTF-8 (which take the tree's path).
//
//   ordo_bench_micro [--benchmark_filter=...]

#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>

#include "domain/pricing.h"
#include "http/codecs.h"
#include "http/json_io.h"

namespace ordo::http {
std::string OrderJsonText(const Codec& codec, const domain::Order& o, bool with_details);
}  // namespace ordo::http

namespace {

using namespace ordo;

domain::Order MakeOrder(int lines, std::mt19937_64& rng) {
  static const char* kTexts[] = {"",
                                 "plain",
                                 "引号\"与\\反斜杠",
                                 "tab\tnew\nline",
                                 "\x01\x1f ctl",
                                 "杭州明远贸易有限公司",
                                 "a/b <c> & 'd'",
                                 "\x7f"};
  auto text = [&] { return std::string(kTexts[rng() % 8]); };
  domain::Order o;
  o.id = static_cast<int64_t>(rng() % 1000000);
  o.number = "SO20261122" + std::to_string(rng() % 1000);
  o.status = static_cast<domain::OrderStatus>(rng() % 10);
  if (rng() % 2) o.status_before_hold = domain::OrderStatus::kConfirmed;
  o.customer_id = 7;
  o.customer_code = text();
  o.customer_name = text();
  if (rng() % 2) o.partner_id = 3;
  o.ship_to = {text(), text(), text(), text()};
  o.notes = text();
  o.external_ref = text();
  o.special_requirements = text();
  if (rng() % 2) o.requested_delivery_date = Date{20000 + static_cast<int32_t>(rng() % 100)};
  if (rng() % 2) o.confirmed_at = 1763800000000 + static_cast<int64_t>(rng() % 100000);
  if (rng() % 2) o.confirmed_by = 1;
  o.created_at = o.updated_at = 1763800000000;
  o.totals.freight = Money::FromUnits(static_cast<int64_t>(rng() % 10000));
  for (int i = 0; i < lines; ++i) {
    domain::OrderLine l;
    l.line_no = i + 1;
    l.product_id = static_cast<int64_t>(rng() % 200);
    l.sku = text();
    l.name = text();
    l.unit = "件";
    l.qty = Qty::FromUnits(static_cast<int64_t>(rng() % 100000));
    l.unit_price = Money::FromUnits(static_cast<int64_t>(rng() % 1000000));
    l.tax_rate = Rate::FromUnits(1300);
    if (rng() % 2) l.warehouse_id = 2;
    o.lines.push_back(l);
  }
  (void)domain::PriceOrder(o);  // small amounts, far below the ceiling
  if (rng() % 2) o.flags.push_back({"below_min_price", domain::Department::kSales, text(), 1});
  if (rng() % 2) {
    domain::Review r;
    r.comment = text();
    r.reviewer = "admin";
    if (rng() % 2) r.restock_date = Date{20100};
    o.reviews.push_back(r);
  }
  return o;
}

bool SelfCheck() {
  http::Codec codec;
  std::mt19937_64 rng(1);
  for (int i = 0; i < 2000; ++i) {
    domain::Order o = MakeOrder(static_cast<int>(rng() % 6), rng);
    if (i % 100 == 0) o.notes = "bad \xff\xfe utf-8";
    for (bool details : {true, false}) {
      const std::string tree = codec.OrderJson(o, details)
                                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      const std::string text = http::OrderJsonText(codec, o, details);
      if (tree != text) {
        std::fprintf(stderr, "self-check failed:\n tree %s\n text %s\n", tree.c_str(),
                     text.c_str());
        return false;
      }
    }
  }
  std::fprintf(stderr, "self-check: OrderJsonText matches OrderJson().dump() on 4000 orders\n");
  return true;
}

void BM_OrderJsonTree(benchmark::State& state) {
  http::Codec codec;
  std::mt19937_64 rng(2);
  const domain::Order o = MakeOrder(static_cast<int>(state.range(0)), rng);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        codec.OrderJson(o).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}
BENCHMARK(BM_OrderJsonTree)->Arg(5)->Arg(1000);

void BM_OrderJsonText(benchmark::State& state) {
  http::Codec codec;
  std::mt19937_64 rng(2);
  const domain::Order o = MakeOrder(static_cast<int>(state.range(0)), rng);
  for (auto _ : state) benchmark::DoNotOptimize(http::OrderJsonText(codec, o, true));
}
BENCHMARK(BM_OrderJsonText)->Arg(5)->Arg(1000);

void BM_ParseOrderBody(benchmark::State& state) {
  const std::string body =
      R"({"customer_id":12,"channel":"phone","submit":true,"external_ref":"PO-123456","lines":[)"
      R"({"product_id":1,"qty":"3"},{"product_id":7,"qty":"12","unit_price":"99.50"},)"
      R"({"product_id":9,"qty":"1"},{"product_id":33,"qty":"5"},{"product_id":120,"qty":"8"}]})";
  for (auto _ : state) benchmark::DoNotOptimize(http::ParseBody(body));
}
BENCHMARK(BM_ParseOrderBody);

}  // namespace

int main(int argc, char** argv) {
  if (!SelfCheck()) return 1;
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
