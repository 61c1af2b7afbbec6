// ordo_bench_reads: read latency on a large database, over HTTP. First it samples the
// orders (numbers, external references, customer names and codes, ids), then runs
// each workload for --duration seconds on --connections closed-loop connections and
// reports p50/p99 per workload:
//
//   list_status         GET /api/v1/orders?status=S&page=P          (P in 1..5)
//   search_number       GET /api/v1/orders?q=<a whole or partial order number>
//   search_customer     GET /api/v1/orders?q=<part of a customer name or code>
//   search_ref          GET /api/v1/orders?q=<a whole or partial external reference>
//   list_status_search  GET /api/v1/orders?status=S&q=<any of the above>
//   detail              GET /api/v1/orders/{id}
//
//   ordo_bench_reads --server 127.0.0.1:8080 --catalog catalog.json
//                    [--connections 4] [--duration 10] [--only detail,list_status]

#include <atomic>
#include <cstdio>
#include <functional>
#include <random>
#include <set>
#include <thread>

#include "bench_util.h"
#include "http_client.h"

using namespace ordo::bench;
using nlohmann::json;

namespace {

const char* kStatuses[] = {"draft",     "pending_review", "approved",  "confirmed", "in_progress",
                           "completed", "closed",         "cancelled", "on_hold",   "rejected"};

std::string UrlEncode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// The first n characters (UTF-8 code points) of s, from code point `from`.
std::string Chars(const std::string& s, size_t from, size_t n) {
  std::string out;
  size_t cp = 0;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (cp >= from && cp < from + n) out += s.substr(i, len);
    ++cp;
    i += len;
  }
  return out;
}

struct Sample {
  std::vector<int64_t> ids;
  std::vector<std::string> numbers;
  std::vector<std::string> refs;
  std::set<std::string> customers;  // names and codes
};

Sample Harvest(HttpClient& http, int64_t total, std::mt19937_64& rng) {
  Sample s;
  const int64_t pages = std::max<int64_t>(1, total / 200);
  for (int i = 0; i < 8; ++i) {
    const int64_t page = 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(pages));
    HttpReply r = http.Get("/api/v1/orders?page_size=200&page=" + std::to_string(page));
    if (r.status != 200) {
      std::fprintf(stderr, "reads: sampling failed: %d %s\n", r.status, r.body.c_str());
      std::exit(1);
    }
    const json answer = json::parse(r.body);  // a range-for would not keep it alive
    for (const auto& o : answer.at("items")) {
      s.ids.push_back(o.at("id").get<int64_t>());
      s.numbers.push_back(o.at("number").get<std::string>());
      const std::string ref = o.at("external_ref").get<std::string>();
      if (!ref.empty()) s.refs.push_back(ref);
      s.customers.insert(o.at("customer_name").get<std::string>());
      s.customers.insert(o.at("customer_code").get<std::string>());
    }
  }
  return s;
}

struct Workload {
  std::string name;
  std::function<std::string(std::mt19937_64&)> target;
};

}  // namespace

int main(int argc, char** argv) {
  SetCommandLine(argc, argv);
  Flags flags(argc, argv);
  flags.Check({"server", "catalog", "connections", "duration", "out", "only", "warmup"},
              "ordo_bench_reads --server HOST:PORT --catalog FILE [--connections 4]");
  const std::string server = flags.Str("server", "127.0.0.1:8080");
  const Catalog cat = Catalog::FromJson(json::parse(ReadFileOrDie(flags.Str("catalog"))));
  const int connections = static_cast<int>(flags.Int("connections", 4));
  const double duration = flags.Double("duration", 10);
  const double warmup = flags.Double("warmup", 1);
  const std::string only = flags.Str("only");

  HttpClient http(server);
  http.SetToken(cat.token);
  HttpReply first = http.Get("/api/v1/orders?page_size=1");
  if (first.status != 200) {
    std::fprintf(stderr, "reads: %d %s %s\n", first.status, first.error.c_str(),
                 first.body.c_str());
    return 1;
  }
  const int64_t total = json::parse(first.body).at("total").get<int64_t>();
  std::mt19937_64 seed_rng(11);
  const Sample sample = Harvest(http, total, seed_rng);
  const std::vector<std::string> customers(sample.customers.begin(), sample.customers.end());
  std::fprintf(stderr, "reads: sampled %zu orders, %zu refs, %zu customer names and codes\n",
               sample.ids.size(), sample.refs.size(), customers.size());

  auto pick = [](const auto& v, std::mt19937_64& rng) -> const auto& {
    return v[rng() % v.size()];
  };
  // Whole numbers, a day's numbers ("SO20250314"), a number's serial part.
  auto number_term = [&](std::mt19937_64& rng) {
    const std::string& n = pick(sample.numbers, rng);
    switch (rng() % 3) {
      case 0:
        return n;
      case 1:
        return n.substr(0, 10);
      default:
        return n.substr(2);
    }
  };
  // Two or four characters of a name (华星, 杭州明远), or a whole code.
  auto customer_term = [&](std::mt19937_64& rng) {
    const std::string& c = pick(customers, rng);
    if (c.size() > 0 && static_cast<unsigned char>(c[0]) >= 0x80) {
      return rng() % 2 ? Chars(c, 2, 2) : Chars(c, 0, 4);
    }
    return c;
  };
  // A whole reference or its digits.
  auto ref_term = [&](std::mt19937_64& rng) {
    const std::string& r = pick(sample.refs, rng);
    return rng() % 2 ? r : r.substr(3);
  };
  auto any_term = [&](std::mt19937_64& rng) {
    switch (rng() % 3) {
      case 0:
        return number_term(rng);
      case 1:
        return customer_term(rng);
      default:
        return ref_term(rng);
    }
  };
  auto status = [](std::mt19937_64& rng) { return std::string(kStatuses[rng() % 10]); };

  const std::vector<Workload> workloads = {
      {"list_status",
       [&](std::mt19937_64& rng) {
         return "/api/v1/orders?status=" + status(rng) + "&page=" + std::to_string(1 + rng() % 5);
       }},
      {"search_number",
       [&](std::mt19937_64& rng) { return "/api/v1/orders?q=" + UrlEncode(number_term(rng)); }},
      {"search_customer",
       [&](std::mt19937_64& rng) { return "/api/v1/orders?q=" + UrlEncode(customer_term(rng)); }},
      {"search_ref",
       [&](std::mt19937_64& rng) { return "/api/v1/orders?q=" + UrlEncode(ref_term(rng)); }},
      {"list_status_search",
       [&](std::mt19937_64& rng) {
         return "/api/v1/orders?status=" + status(rng) + "&q=" + UrlEncode(any_term(rng));
       }},
      {"detail",
       [&](std::mt19937_64& rng) {
         return "/api/v1/orders/" + std::to_string(pick(sample.ids, rng));
       }},
  };

  for (const Workload& w : workloads) {
    if (!only.empty() && ("," + only + ",").find("," + w.name + ",") == std::string::npos) {
      continue;
    }
    std::atomic<int> phase{0};  // 0 warm-up, 1 measure, 2 done
    std::vector<Histogram> hists(static_cast<size_t>(connections));
    std::vector<int64_t> failures(static_cast<size_t>(connections), 0);
    std::vector<int64_t> matches(static_cast<size_t>(connections), 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < connections; ++t) {
      threads.emplace_back([&, t] {
        const auto i = static_cast<size_t>(t);
        std::mt19937_64 rng(100 + i);
        HttpClient c(server);
        c.SetToken(cat.token);
        while (phase.load() != 2) {
          const std::string target = w.target(rng);
          const int64_t start = NowMicros();
          HttpReply r = c.Get(target);
          const int64_t micros = NowMicros() - start;
          if (phase.load() != 1) continue;
          if (r.status != 200) {
            if (failures[i]++ == 0) {
              std::fprintf(stderr, "reads: %s: %d %s\n", target.c_str(), r.status,
                           r.body.substr(0, 200).c_str());
            }
            continue;
          }
          hists[i].Record(micros);
          if (w.name != "detail") {
            // "total":N without parsing the whole page.
            const auto at = r.body.rfind("\"total\":");
            if (at != std::string::npos) matches[i] += std::atoll(r.body.c_str() + at + 8);
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(warmup * 1e6)));
    phase = 1;
    const int64_t t0 = NowMicros();
    std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(duration * 1e6)));
    phase = 2;
    const double seconds = (NowMicros() - t0) / 1e6;
    for (auto& t : threads) t.join();
    Histogram all;
    int64_t failed = 0;
    int64_t matched = 0;
    for (size_t i = 0; i < hists.size(); ++i) {
      all.Merge(hists[i]);
      failed += failures[i];
      matched += matches[i];
    }
    json fields = {{"orders_in_db", total},   {"connections", connections},
                   {"seconds", seconds},      {"requests", all.count()},
                   {"failed", failed},        {"requests_per_s", all.count() / seconds},
                   {"latency", all.Summary()}};
    if (w.name != "detail" && all.count() > 0) fields["mean_total"] = matched / all.count();
    Emit(flags.Str("out"), "read_" + w.name, fields);
  }
  return 0;
}
