#include "bench_util.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

namespace ordo::bench {

namespace {
constexpr int kSubBits = 7;                                // 128 sub-buckets per power of two
constexpr int64_t kLinear = int64_t{1} << (kSubBits + 1);  // exact below 256
constexpr size_t kBuckets = kLinear + 40 * (size_t{1} << kSubBits);
}  // namespace

Flags::Flags(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0) {
      std::fprintf(stderr, "unexpected argument %s\n", a.c_str());
      std::exit(2);
    }
    a = a.substr(2);
    const auto eq = a.find('=');
    if (eq != std::string::npos) {
      values_[a.substr(0, eq)] = a.substr(eq + 1);
    } else if (i + 1 < argc && std::string_view(argv[i + 1]).rfind("--", 0) != 0) {
      values_[a] = argv[++i];
    } else {
      values_[a] = "true";
    }
  }
}

std::string Flags::Str(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

int64_t Flags::Int(const std::string& name, int64_t fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : std::stoll(it->second);
}

double Flags::Double(const std::string& name, double fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : std::stod(it->second);
}

bool Flags::Bool(const std::string& name) const {
  auto it = values_.find(name);
  return it != values_.end() && it->second != "false" && it->second != "0";
}

void Flags::Check(const std::vector<std::string>& known, const char* usage) const {
  for (const auto& [name, value] : values_) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::fprintf(stderr, "unknown flag --%s\nusage: %s\n", name.c_str(), usage);
      std::exit(2);
    }
  }
}

Histogram::Histogram() : buckets_(kBuckets, 0) {}

size_t Histogram::Index(int64_t v) {
  if (v < 0) v = 0;
  if (v < kLinear) return static_cast<size_t>(v);
  const int msb = 63 - std::countl_zero(static_cast<uint64_t>(v));
  const int shift = msb - kSubBits;
  const int64_t sub = v >> shift;  // in [128, 256)
  const size_t i = kLinear + static_cast<size_t>(shift - 1) * (size_t{1} << kSubBits) +
                   static_cast<size_t>(sub - (int64_t{1} << kSubBits));
  return std::min(i, kBuckets - 1);
}

int64_t Histogram::UpperEdge(size_t index) {
  if (index < static_cast<size_t>(kLinear)) return static_cast<int64_t>(index);
  const size_t rel = index - kLinear;
  const int shift = static_cast<int>(rel >> kSubBits) + 1;
  const int64_t sub =
      static_cast<int64_t>(rel & ((size_t{1} << kSubBits) - 1)) + (int64_t{1} << kSubBits);
  return ((sub + 1) << shift) - 1;
}

void Histogram::Record(int64_t micros) {
  ++buckets_[Index(micros)];
  ++count_;
  sum_ += micros;
  max_ = std::max(max_, micros);
}

void Histogram::Merge(const Histogram& other) {
  for (size_t i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
}

int64_t Histogram::Percentile(double p) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<int64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  int64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= std::max<int64_t>(rank, 1)) return std::min(UpperEdge(i), max_);
  }
  return max_;
}

nlohmann::json Histogram::Summary() const {
  return {{"count", count_},
          {"mean_us", static_cast<int64_t>(mean())},
          {"p50_us", Percentile(50)},
          {"p90_us", Percentile(90)},
          {"p99_us", Percentile(99)},
          {"p999_us", Percentile(99.9)},
          {"max_us", max_}};
}

nlohmann::json Catalog::ToJson() const {
  return {{"token", token},
          {"products", products},
          {"customers", customers},
          {"warehouses", warehouses}};
}

Catalog Catalog::FromJson(const nlohmann::json& j) {
  Catalog c;
  c.token = j.value("token", "");
  c.products = j.at("products").get<std::vector<int64_t>>();
  c.customers = j.at("customers").get<std::vector<int64_t>>();
  c.warehouses = j.at("warehouses").get<std::vector<int64_t>>();
  return c;
}

OrderGenerator::OrderGenerator(const Catalog& catalog, int lines, uint64_t seed)
    : catalog_(catalog), lines_(lines), rng_(seed), scratch_(catalog.products) {}

OrderSpec OrderGenerator::Next() {
  OrderSpec o;
  o.customer_id = catalog_.customers[rng_() % catalog_.customers.size()];
  const size_t n = scratch_.size();
  o.lines.reserve(static_cast<size_t>(lines_));
  for (int i = 0; i < lines_; ++i) {
    // A partial Fisher-Yates shuffle: distinct products while there are enough.
    const size_t k = static_cast<size_t>(i) % n;
    std::swap(scratch_[k], scratch_[k + rng_() % (n - k)]);
    OrderSpec::Line l;
    l.product_id = scratch_[k];
    l.qty = 1 + static_cast<int>(rng_() % 20);
    if (rng_() % 10 == 0) l.unit_price = std::to_string(50 + rng_() % 900) + ".50";
    o.lines.push_back(std::move(l));
  }
  if (rng_() % 4 != 0) o.external_ref = "PO-" + std::to_string(100000 + rng_() % 900000);
  return o;
}

std::string OrderGenerator::ToJson(const OrderSpec& spec) {
  std::string out = "{\"customer_id\":" + std::to_string(spec.customer_id) +
                    ",\"channel\":\"phone\",\"submit\":" + (spec.submit ? "true" : "false");
  if (!spec.external_ref.empty()) out += ",\"external_ref\":\"" + spec.external_ref + "\"";
  out += ",\"lines\":[";
  for (size_t i = 0; i < spec.lines.size(); ++i) {
    const auto& l = spec.lines[i];
    if (i > 0) out += ',';
    out += "{\"product_id\":" + std::to_string(l.product_id) + ",\"qty\":\"" +
           std::to_string(l.qty) + "\"";
    if (!l.unit_price.empty()) out += ",\"unit_price\":\"" + l.unit_price + "\"";
    out += '}';
  }
  out += "]}";
  return out;
}

std::string CustomerName(int i) {
  static const char* kCities[] = {"杭州", "深圳", "上海", "北京", "广州", "成都", "武汉",
                                  "南京", "苏州", "天津", "重庆", "西安", "青岛", "宁波",
                                  "厦门", "长沙", "郑州", "合肥", "福州", "昆明"};
  static const char* kWords[] = {"明远", "华星", "恒通", "瑞丰", "新盛", "嘉禾", "中联",
                                 "宏达", "金桥", "东方", "海纳", "博远", "天成", "鼎盛"};
  return std::string(kCities[i % 20]) + kWords[(i * 7 + i / 20) % 14] + "贸易有限公司";
}

int ProductListPrice(int i) { return 20 + (i * 37) % 980; }

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(1);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFileOrDie(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    std::exit(1);
  }
}

namespace {
std::string g_command;
}  // namespace

void SetCommandLine(int argc, char** argv) {
  g_command.clear();
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (i == 0) {
      const auto slash = a.rfind('/');
      if (slash != std::string::npos) a = a.substr(slash + 1);
    }
    if (!g_command.empty()) g_command += ' ';
    g_command += a;
  }
}

void Emit(const std::string& out, const std::string& name, nlohmann::json fields) {
  nlohmann::json line = {{"bench", name}, {"command", g_command}};
  line.update(fields);
  const std::string text = line.dump();
  std::cout << text << std::endl;
  if (!out.empty()) {
    std::ofstream f(out, std::ios::app);
    f << text << '\n';
  }
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace ordo::bench
