#pragma once
// Shared pieces of the benchmark programs (bench/README in RESULTS.md says how they are
// run): command-line flags, an HDR-style latency histogram, the order workload that the
// HTTP load generator and the raw storage benchmark both send, and one-line JSON
// results that bench/run.sh turns into RESULTS.md.
//
// Thread-compatible: one Histogram or OrderGenerator per thread; merge at the end.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace ordo::bench {

// --name=value or --name value; a bare --name is "true". Unknown names are an error
// when Check() is called with the list of known ones.
class Flags {
 public:
  Flags(int argc, char** argv);
  std::string Str(const std::string& name, const std::string& fallback = "") const;
  int64_t Int(const std::string& name, int64_t fallback) const;
  double Double(const std::string& name, double fallback) const;
  bool Bool(const std::string& name) const;
  // Exits with a usage message when a flag is not one of `known`.
  void Check(const std::vector<std::string>& known, const char* usage) const;

 private:
  std::map<std::string, std::string> values_;
};

// Latencies in microseconds, log-linear buckets: exact below 256 µs, then 128 sub-buckets
// per power of two (under 0.8% error) up to about 12 days. Percentiles answer the upper
// edge of their bucket, so they never flatter.
class Histogram {
 public:
  Histogram();
  void Record(int64_t micros);
  void Merge(const Histogram& other);
  int64_t count() const { return count_; }
  int64_t max() const { return max_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / count_ : 0.0; }
  // p in [0, 100].
  int64_t Percentile(double p) const;
  // {"count","mean_us","p50_us","p90_us","p99_us","p999_us","max_us"}
  nlohmann::json Summary() const;

 private:
  static size_t Index(int64_t v);
  static int64_t UpperEdge(size_t index);

  std::vector<int64_t> buckets_;
  int64_t count_ = 0;
  int64_t sum_ = 0;
  int64_t max_ = 0;
};

// The master data every workload runs over (ids as the database gave them).
struct Catalog {
  std::string token;  // bearer token (HTTP programs only)
  std::vector<int64_t> products;
  std::vector<int64_t> customers;
  std::vector<int64_t> warehouses;

  nlohmann::json ToJson() const;
  static Catalog FromJson(const nlohmann::json& j);
};

// One order as the workload wants it; both the JSON body and service::OrderInput are
// made from it, so the API and the raw benchmark write the same orders.
struct OrderSpec {
  int64_t customer_id = 0;
  struct Line {
    int64_t product_id = 0;
    int qty = 1;
    std::string unit_price;  // "" = the product's list price
  };
  std::vector<Line> lines;
  std::string external_ref;
  bool submit = true;
};

// Orders with `lines` lines over the catalog: distinct products while the catalog has
// enough of them, 1–20 units each, every tenth line with a negotiated price, an
// external reference on most orders. Deterministic for a seed.
class OrderGenerator {
 public:
  OrderGenerator(const Catalog& catalog, int lines, uint64_t seed);
  OrderSpec Next();
  static std::string ToJson(const OrderSpec& spec);

 private:
  const Catalog& catalog_;
  int lines_;
  std::mt19937_64 rng_;
  std::vector<int64_t> scratch_;
};

// The seed's names and prices, shared by the API seed and the raw benchmark's own seed:
// Chinese company names as customers are named in practice; list prices 20–999.
std::string CustomerName(int i);
int ProductListPrice(int i);

// Reads a whole file; exits on failure.
std::string ReadFileOrDie(const std::string& path);
void WriteFileOrDie(const std::string& path, const std::string& text);

// Prints {"bench": name, "command": the command line, ...fields} as one line on stdout
// and appends it to `out` when it is not empty (bench/run.sh collects these lines).
void Emit(const std::string& out, const std::string& name, nlohmann::json fields);

// Remembers the command line for Emit; call first thing in main.
void SetCommandLine(int argc, char** argv);

// Monotonic microseconds.
int64_t NowMicros();

}  // namespace ordo::bench
