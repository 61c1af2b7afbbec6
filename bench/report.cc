// ordo_bench_report: turns the JSON lines of a bench/run.sh run into bench/RESULTS.md —
// the machine, the figures against the targets of issue 3, every figure with the exact
// command that produced it — and appends bench/NOTES.md (how the figures were reached,
// the profiles, what remains).
//
//   ordo_bench_report --results results.jsonl --machine machine.txt --out RESULTS.md
//                     [--mode full|quick] [--notes bench/NOTES.md]

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bench_util.h"

using namespace ordo::bench;
using nlohmann::json;

namespace {

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Ms(const json& latency, const char* key) {
  if (latency.is_null() || !latency.contains(key)) return "–";
  return Fixed(latency[key].get<double>() / 1000.0, 1);
}

class Report {
 public:
  explicit Report(std::vector<json> lines) {
    for (auto& l : lines) {
      const std::string name = l.value("bench", "");
      all_.push_back(l);
      if (!by_name_.count(name)) order_.push_back(name);
      by_name_[name].push_back(std::move(l));
    }
  }
  // The last line of that name, or null.
  json Get(const std::string& name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? json() : it->second.back();
  }
  const std::vector<json>& All(const std::string& name) const {
    static const std::vector<json> kNone;
    auto it = by_name_.find(name);
    return it == by_name_.end() ? kNone : it->second;
  }
  const std::vector<json>& lines() const { return all_; }

 private:
  std::vector<json> all_;
  std::vector<std::string> order_;
  std::map<std::string, std::vector<json>> by_name_;
};

struct Row {
  std::string figure;
  std::string target;
  std::string measured;
  std::string verdict;  // "met", "missed", "–"
};

std::string Verdict(bool known, bool met) {
  return !known ? "not measured" : met ? "met" : "**missed**";
}

std::string Code(const std::string& s) { return "`" + s + "`"; }

}  // namespace

int main(int argc, char** argv) {
  SetCommandLine(argc, argv);
  Flags flags(argc, argv);
  flags.Check({"results", "machine", "out", "mode", "notes"},
              "ordo_bench_report --results FILE --machine FILE --out FILE");
  std::vector<json> lines;
  {
    std::istringstream in(ReadFileOrDie(flags.Str("results")));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      json j = json::parse(line, nullptr, false);
      if (!j.is_discarded()) lines.push_back(std::move(j));
    }
  }
  const Report r(std::move(lines));
  const std::string machine = ReadFileOrDie(flags.Str("machine"));
  const bool quick = flags.Str("mode", "full") == "quick";
  std::ostringstream md;

  md << "# Ordo benchmark results\n\n"
     << "Written by `make bench` (bench/run.sh → ordo_bench_report); do not edit by hand — "
        "the commentary at the end comes from bench/NOTES.md. Every figure below was "
        "measured by the command shown beside it, on a Release build, with durable commits "
        "(SQLite WAL with `synchronous=FULL`: an answer only after the fsync of its "
        "commit; PostgreSQL with `synchronous_commit=on`).\n\n";
  if (quick) {
    md << "> **Quick run** (`make bench QUICK=1`): short phases and a smaller database. These "
          "figures check the harness; they are not the benchmark's.\n\n";
  }

  // ---- machine ----
  md << "## Machine\n\n";
  {
    std::istringstream in(machine);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty()) md << "- " << line << "\n";
    }
  }
  const auto& fsyncs = r.All("fsync");
  for (size_t i = 0; i < fsyncs.size(); ++i) {
    const json& f = fsyncs[i];
    md << "- disk fsync latency (" << (i == 0 ? "before" : "after") << " the run, "
       << f.value("call", "") << " of a 4 KiB write, " << f["latency"].value("count", 0)
       << " times): p50 " << Ms(f["latency"], "p50_us") << " ms, p99 " << Ms(f["latency"], "p99_us")
       << " ms, max " << Ms(f["latency"], "max_us") << " ms ("
       << Fixed(f.value("syncs_per_s", 0.0), 0) << " syncs/s) — " << Code(f.value("command", ""))
       << "\n";
  }
  md << "\nThe machine may be shared: the load average above and the two fsync probes tell "
        "how quiet it was.\n\n";

  // ---- targets ----
  const json intake = r.Get("intake_sqlite");
  const json raw = r.Get("raw_intake_sqlite");
  const json big = r.Get("big_order_sqlite");
  const json rss = r.Get("rss_sqlite");
  std::vector<Row> rows;
  {
    const bool k = !intake.is_null();
    const double ops = k ? intake.value("orders_per_s", 0.0) : 0;
    const double p99 = k ? intake["latency"].value("p99_us", 0) / 1000.0 : 0;
    rows.push_back({"SQLite intake, 64 connections", "≥ 5,000 orders/s",
                    k ? Fixed(ops, 0) + " orders/s" : "–", Verdict(k, ops >= 5000)});
    rows.push_back(
        {"SQLite intake p99", "≤ 50 ms", k ? Fixed(p99, 1) + " ms" : "–", Verdict(k, p99 <= 50)});
    const bool kr = k && !raw.is_null();
    const double ratio = kr ? ops / std::max(1.0, raw.value("orders_per_s", 1.0)) : 0;
    rows.push_back({"API ÷ raw storage", "≥ 0.5",
                    kr ? Fixed(ratio, 2) + " (" + Fixed(ops, 0) + " ÷ " +
                             Fixed(raw.value("orders_per_s", 0.0), 0) + ")"
                       : "–",
                    Verdict(kr, ratio >= 0.5)});
  }
  {
    const bool k = !big.is_null();
    const double p50 = k ? big["latency"].value("p50_us", 0) / 1000.0 : 0;
    rows.push_back({"1,000-line order, create + submit (median)", "≤ 100 ms",
                    k ? Fixed(p50, 1) + " ms (max " + Ms(big["latency"], "max_us") + " ms)" : "–",
                    Verdict(k, p50 <= 100)});
  }
  const int64_t orders_in_db = r.Get("read_detail").value("orders_in_db", int64_t{0});
  for (const char* w : {"list_status", "search_number", "search_customer", "search_ref",
                        "list_status_search", "detail"}) {
    const json x = r.Get(std::string("read_") + w);
    const bool k = !x.is_null();
    const double p99 = k ? x["latency"].value("p99_us", 0) / 1000.0 : 0;
    rows.push_back(
        {std::string("read `") + w + "` p99 at " + std::to_string(orders_in_db) + " orders",
         "≤ 20 ms", k ? Fixed(p99, 1) + " ms" : "–", Verdict(k, p99 <= 20)});
  }
  {
    const bool k = !rss.is_null();
    const double mb = k ? rss.value("vm_hwm_kb", 0) / 1024.0 : 0;
    rows.push_back({"server peak RSS (VmHWM) after the reads", "≤ 300 MB",
                    k ? Fixed(mb, 0) + " MiB" : "–", Verdict(k, mb <= 300)});
  }
  md << "## Targets (2 cores, SQLite, durable commits)\n\n"
     << "| figure | target | measured | |\n|---|---|---|---|\n";
  for (const auto& row : rows) {
    md << "| " << row.figure << " | " << row.target << " | " << row.measured << " | " << row.verdict
       << " |\n";
  }
  md << "\n";

  // ---- intake ----
  md << "## Order intake\n\n"
     << "`POST /api/v1/orders` with `\"submit\": true`, 5 lines over 200 products and 20 "
        "customers, each connection a closed loop (the next order as soon as the answer "
        "arrives), keep-alive; counted over the measured window after a warm-up. Latency is "
        "from writing the request to reading the whole answer.\n\n"
     << "| run | servers | connections | orders/s | p50 ms | p99 ms | p99.9 ms | max ms | "
        "failed | command |\n|---|---|---|---|---|---|---|---|---|---|\n";
  for (const char* name : {"intake_sqlite", "intake_sqlite_full_db", "intake_pg_1", "intake_pg_2",
                           "raw_intake_sqlite", "raw_intake_pg", "big_order_sqlite"}) {
    for (const json& x : r.All(name)) {
      const json& l = x["latency"];
      md << "| " << name << " | " << x.value("servers", 1) << " | "
         << x.value("connections", x.value("threads", 0))
         << (x.contains("threads") ? " threads" : "") << " | "
         << Fixed(x.value("orders_per_s", 0.0), 0) << " | " << Ms(l, "p50_us") << " | "
         << Ms(l, "p99_us") << " | " << Ms(l, "p999_us") << " | " << Ms(l, "max_us") << " | "
         << x.value("failed", 0) << " | " << Code(x.value("command", "")) << " |\n";
    }
  }
  md << "\n- `raw_intake_*`: the same orders (same generator) through "
        "`service::OrderService::Create` on the Store from 64 threads — no HTTP, no JSON, no "
        "token check; the limit of the storage layer with its group commit.\n"
     << "- `big_order_sqlite`: one connection, one order of 1,000 lines at a time, created "
        "and submitted in one request.\n"
     << "- `intake_sqlite_full_db`: the intake again after the read benchmarks, on the full "
        "database: intake does not slow down as the orders pile up.\n";
  if (const json cpu = r.Get("intake_sqlite_server_cpu"); !cpu.is_null() && !intake.is_null()) {
    const double per =
        cpu.value("cpu_s", 0.0) * 1e6 /
        std::max(1.0, intake.value("orders_per_s", 1.0) * (cpu.value("seconds", 1.0)));
    md << "- Server CPU during `intake_sqlite` (warm-up and window): "
       << Fixed(cpu.value("cpu_s", 0.0), 1) << " s over " << cpu.value("seconds", 0) << " s, about "
       << Fixed(per, 0) << " µs of CPU per order; the load generator used "
       << Fixed(intake.value("client_cpu_s", 0.0), 1) << " s in the window.\n";
  }
  if (const json pg = r.Get("pg_settings"); !pg.is_null()) {
    md << "- PostgreSQL settings: " << Code(pg.value("settings", ""))
       << " (the throwaway "
          "cluster of scripts/with-postgres.sh).\n";
  }
  if (!r.Get("pg_failed").is_null()) {
    md << "- **The PostgreSQL part failed**; see the output of `make bench`.\n";
  }
  if (r.Get("intake_pg_1").is_null() && r.Get("pg_failed").is_null()) {
    md << "- PostgreSQL was not measured in this run (no scripts/with-postgres.sh, or "
          "`--no-pg`).\n";
  }
  md << "\n";

  // ---- bulk, start-up, reads, memory ----
  md << "## A database of " << orders_in_db << " orders\n\n";
  if (const json b = r.Get("bulk"); !b.is_null()) {
    md << "Loaded by `ordo_bench_bulk` through the storage layer's `Tx` (10,000 orders per "
          "`Store::Write`): "
       << b.value("orders_written", 0) << " orders with " << b.value("lines_written", 0)
       << " lines in " << Fixed(b.value("seconds", 0.0), 0) << " s ("
       << Fixed(b.value("orders_per_s", 0.0), 0)
       << " orders/s), into a database seeded through the API beforehand ("
       << b.value("orders_before", 0) << " orders in it) — " << Code(b.value("command", ""))
       << ". Spread over the last 365 days, 1–10 lines, "
          "statuses by age (old: completed, closed, cancelled; recent: draft, in review, "
          "confirmed, in progress), reviews, reservations and a `create` event per order.\n\n";
  }
  if (const json s = r.Get("db_size_sqlite"); !s.is_null()) {
    md << "Database file: " << Fixed(s.value("bytes", 0.0) / 1048576.0, 0) << " MiB.\n\n";
  }
  if (const json s = r.Get("startup_sqlite"); !s.is_null()) {
    md << "Start-up (exec to the \"listening\" line) on that database: **"
       << s.value("startup_ms", 0.0) << " ms** — " << Code(s.value("command", "")) << "\n\n";
  }
  md << "Reads over HTTP, 4 connections in closed loops, each workload for its own window:\n\n"
     << "| workload | requests/s | p50 ms | p99 ms | max ms | mean `total` | command |\n"
     << "|---|---|---|---|---|---|---|\n";
  for (const char* w : {"list_status", "search_number", "search_customer", "search_ref",
                        "list_status_search", "detail"}) {
    const json x = r.Get(std::string("read_") + w);
    if (x.is_null()) continue;
    const json& l = x["latency"];
    md << "| " << w << " | " << Fixed(x.value("requests_per_s", 0.0), 0) << " | " << Ms(l, "p50_us")
       << " | " << Ms(l, "p99_us") << " | " << Ms(l, "max_us") << " | "
       << (x.contains("mean_total") ? std::to_string(x["mean_total"].get<int64_t>()) : "–") << " | "
       << Code(x.value("command", "")) << " |\n";
  }
  md << "\n- `list_status`: `GET /api/v1/orders?status=S&page=P`, a random status, pages 1–5 of "
        "50.\n- `search_number`: `?q=` a whole order number, its day (`SO20250314`) or its "
        "digits.\n- `search_customer`: `?q=` two or four characters of a customer's name "
        "(华星, 杭州明远) or a whole customer code.\n- `search_ref`: `?q=` a whole external "
        "reference (`PO-123456`) or its digits.\n- `list_status_search`: a status and any of "
        "those terms.\n- `detail`: `GET /api/v1/orders/{id}`, a random order.\n- mean `total`: "
        "how many orders the searches matched on average (the answer's `total`).\n\n";
  if (const json x = r.Get("rss_sqlite"); !x.is_null()) {
    md << "Server memory after the reads: VmHWM **" << Fixed(x.value("vm_hwm_kb", 0) / 1024.0, 0)
       << " MiB**, VmRSS " << Fixed(x.value("vm_rss_kb", 0) / 1024.0, 0) << " MiB — "
       << Code(x.value("command", "")) << "\n";
  }
  if (const json x = r.Get("rss_sqlite_after_intake"); !x.is_null()) {
    md << "\nAfter the second intake on the same server: VmHWM "
       << Fixed(x.value("vm_hwm_kb", 0) / 1024.0, 0) << " MiB.\n";
  }
  md << "\n";

  // ---- raw lines ----
  md << "## Every figure as measured\n\n<details><summary>results.jsonl</summary>\n\n```\n";
  for (const json& l : r.lines()) md << l.dump() << "\n";
  md << "```\n\n</details>\n\n";

  const std::string notes_path = flags.Str("notes", "");
  if (!notes_path.empty()) {
    std::ifstream in(notes_path);
    if (in) {
      std::ostringstream ss;
      ss << in.rdbuf();
      md << ss.str();
    }
  }
  WriteFileOrDie(flags.Str("out"), md.str());
  return 0;
}
