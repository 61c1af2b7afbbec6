// ordo_bench_seed: creates the benchmark's master data through the API of a running
// server — warehouses, products with stock in every warehouse (large enough that no
// order of the run is short), customers — logs in, and writes the ids and the token
// to a catalog file that the other programs read. Works on any backend, and on a
// database that already holds data (codes carry a per-run tag).
//
//   ordo_bench_seed --server 127.0.0.1:8080 --password admin123 --out catalog.json
//                   [--products 200] [--customers 20] [--warehouses 2] [--stock 100000000]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench_util.h"
#include "http_client.h"

using namespace ordo::bench;
using nlohmann::json;

namespace {

// Concatenates (GCC 12 warns falsely about "literal" + std::string chains).
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  (out.append(parts), ...);
  return out;
}

json PostOrDie(HttpClient& http, const std::string& path, const json& body) {
  HttpReply r = http.Post(path, body.dump());
  if (r.status != 200 && r.status != 201) {
    std::fprintf(stderr, "POST %s: %d %s %s\n", path.c_str(), r.status, r.error.c_str(),
                 r.body.c_str());
    std::exit(1);
  }
  return json::parse(r.body);
}

}  // namespace

int main(int argc, char** argv) {
  SetCommandLine(argc, argv);
  Flags flags(argc, argv);
  flags.Check({"server", "user", "password", "out", "products", "customers", "warehouses", "stock"},
              "ordo_bench_seed --server HOST:PORT --password P --out FILE");
  const std::string server = flags.Str("server", "127.0.0.1:8080");
  const int n_products = static_cast<int>(flags.Int("products", 200));
  const int n_customers = static_cast<int>(flags.Int("customers", 20));
  const int n_warehouses = static_cast<int>(flags.Int("warehouses", 2));
  const std::string stock = std::to_string(flags.Int("stock", 100000000));
  const std::string out = flags.Str("out", "catalog.json");
  // A tag per run keeps codes unique when seeding a database that was seeded before.
  const std::string tag = std::to_string(
      std::chrono::system_clock::now().time_since_epoch().count() / 1000000 % 100000000);

  HttpClient http(server);
  json login = PostOrDie(
      http, "/api/v1/auth/login",
      {{"username", flags.Str("user", "admin")}, {"password", flags.Str("password", "admin123")}});
  Catalog cat;
  cat.token = login.at("token").get<std::string>();
  http.SetToken(cat.token);

  const int64_t t0 = NowMicros();
  for (int w = 0; w < n_warehouses; ++w) {
    json r = PostOrDie(http, "/api/v1/warehouses",
                       {{"code", Cat("B", tag, "-WH", std::to_string(w + 1))},
                        {"name", "基准仓库" + std::to_string(w + 1)},
                        {"region", w % 2 ? "华南" : "华东"}});
    cat.warehouses.push_back(r.at("id").get<int64_t>());
  }
  for (int p = 0; p < n_products; ++p) {
    const int list = ProductListPrice(p);
    json r = PostOrDie(http, "/api/v1/products",
                       {{"sku", Cat("B", tag, "-P", std::to_string(p + 1))},
                        {"name", "基准产品 " + std::to_string(p + 1)},
                        {"spec", Cat("M", std::to_string(4 + p % 20), "x", std::to_string(10 + p))},
                        {"unit", "件"},
                        {"list_price", std::to_string(list) + ".00"},
                        {"min_price", std::to_string(list * 9 / 10) + ".00"},
                        {"tax_rate", "0.13"},
                        {"lead_time_days", 7}});
    const int64_t id = r.at("id").get<int64_t>();
    cat.products.push_back(id);
    for (int64_t wh : cat.warehouses) {
      PostOrDie(http, "/api/v1/stock/adjustments",
                {{"product_id", id},
                 {"warehouse_id", wh},
                 {"qty_delta", stock},
                 {"reason", "benchmark opening balance"}});
    }
  }
  for (int c = 0; c < n_customers; ++c) {
    json body = {
        {"code", Cat("B", tag, "-C", std::to_string(c + 1))},
        {"name", CustomerName(c)},
        {"address", "基准路 " + std::to_string(c + 1) + " 号"},
        {"region", c % 2 ? "华南" : "华东"},
        {"contacts", {{{"name", "联系人" + std::to_string(c + 1)}, {"phone", "13800000000"}}}},
        {"payment_terms", {{"method", "net"}, {"net_days", 30}}}};
    // Half the customers have a credit limit, so the credit check has work to do.
    if (c % 2 == 0) body["credit_limit"] = "5000000000.00";
    json r = PostOrDie(http, "/api/v1/customers", body);
    cat.customers.push_back(r.at("id").get<int64_t>());
  }
  WriteFileOrDie(out, cat.ToJson().dump(1) + "\n");
  std::fprintf(stderr, "seed: %d warehouses, %d products, %d customers in %.1f s -> %s\n",
               n_warehouses, n_products, n_customers, (NowMicros() - t0) / 1e6, out.c_str());
  return 0;
}
