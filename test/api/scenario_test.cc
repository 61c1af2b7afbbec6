// Scenario-driven API tests: every test/scenarios/*.json is one test that starts a fresh
// `ordo serve` (temp SQLite database; a fresh PostgreSQL database in api_tests_pg) and runs
// the file's steps against it in order.
//
// A scenario file:
//   {"description": "...",
//    "env": {"ORDO_FAKE_NOW": "2026-11-22T23:59:00+08:00"},   // extra server environment
//    "users": [{"username": "rep", "password": "rep-pass-123", "roles": ["sales_rep"]}],
//    "steps": [ {"include": "common/seed.json"}, {...step...}, ... ]}
// The server's clock starts at kDefaultNow unless "env" sets ORDO_FAKE_NOW, so dates and
// order numbers never depend on the wall clock. "users" are created by admin before the
// steps; each saves its id as ${<username>.id}. {"include": "<file>"} splices the steps of
// a file under test/scenarios/ (an array of steps, or an object with "steps"). Files in
// subfolders are not scenarios themselves. Comments (// and /* */) are allowed.
//
// A step (every key optional but "name"):
//   "as": "admin" (the default) | "<username>" | null (no token) | "token:<var>"
//         A username logs in once per scenario with the password of "users" or of the
//         POST /api/v1/users step that created it; "relogin": true logs in afresh.
//   "method", "path", "headers": {"If-Match": "${v}"}
//   "body": JSON; strings may hold ${var}; a string that is exactly "${var}" becomes the
//           saved JSON value with its type.
//   "raw_body": "text sent as is" | "raw_body_repeat": {"text": "a", "times": 2097152,
//           "prefix": "\"", "suffix": "\""} (prefix and suffix default to a JSON string's
//           quotes).
//   "repeat": N — the request is sent N times, each answer checked.
//   "expect": {"status": 201 (default: any 2xx),
//              "json": {"<path>": <matcher>, ...}, "absent": ["<path>", ...],
//              "headers": {"<name>": <matcher>}, "body_contains": "text"}
//   "save": {"<var>": "<path>" | "header:<name>"}
//   "expect_db": [{"sql": "select count(*) from orders", "equals": 0} |
//                 {"sql": "...", "rows": [[...], ...]}] — read-only, after the request;
//                 a step may have only "expect_db".
//   "known_issue": "why" — the step is run and checked as usual; a failure is reported
//                 as a known issue (still a failure); a pass prints a note to remove it.
// Paths: dots and [n] ("lines[0].reserved_qty"); the longest literal key wins, so
// "error.details.fields.lines[0].qty" finds the key "lines[0].qty" of fields; "[*]"
// collects a field over an array ("flags[*].code"); "" or "$" is the whole body.
// Matchers: a JSON value (objects match as subsets, arrays element by element, in order);
// "$exists", "$absent"; {"$len": 3}; {"$contains": x or [x, ...]} (array elements or a
// substring); {"$regex": "^SO\\d{11}$"}; {"$not": m}; {"$one_of": [m, ...]};
// {"$type": "string"}; {"$gt"|"$gte"|"$lt"|"$lte": n}.
// Set ORDO_SCENARIO_VERBOSE=1 to print every request and answer.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/http_client.h"
#include "support/ordo_process.h"

namespace ordo::test {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kDefaultNow = "2026-11-20T10:00:00+08:00";
constexpr int kMaxIncludeDepth = 8;
constexpr size_t kShownRequestBody = 2000;
constexpr size_t kShownResponseBody = 64 * 1024;
constexpr size_t kShownServerOutput = 4000;

// A mistake in a scenario file (bad path, unknown variable, unknown key, ...).
struct ScenarioError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

fs::path ScenarioDir() { return fs::path(ORDO_TEST_DIR) / "scenarios"; }

std::vector<std::string> ListScenarios() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(ScenarioDir(), ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      out.push_back(entry.path().filename().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

json ReadJsonFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError("cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return json::parse(ss.str(), nullptr, true, /*ignore_comments=*/true);
  } catch (const json::parse_error& e) {
    throw ScenarioError(path.string() + ": " + e.what());
  }
}

std::string Truncate(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  return s.substr(0, max) + "... [" + std::to_string(s.size() - max) + " more bytes]";
}

std::string Show(const json& v) { return Truncate(v.dump(), 400); }

const std::set<std::string> kStepKeys = {
    "name",    "as",   "relogin",   "method",          "path",
    "headers", "body", "raw_body",  "raw_body_repeat", "repeat",
    "expect",  "save", "expect_db", "known_issue",     "_origin"};
const std::set<std::string> kExpectKeys = {"status", "json", "absent", "headers", "body_contains"};

// Splices {"include": ...} steps; each step remembers the file it came from.
void ExpandSteps(const json& steps, const std::string& origin, int depth, std::vector<json>* out) {
  if (!steps.is_array()) throw ScenarioError(origin + ": \"steps\" must be an array");
  for (const json& step : steps) {
    if (!step.is_object()) throw ScenarioError(origin + ": every step must be an object");
    if (step.contains("include")) {
      if (depth >= kMaxIncludeDepth) throw ScenarioError(origin + ": includes nest too deep");
      const std::string name = step.at("include").get<std::string>();
      const json included = ReadJsonFile(ScenarioDir() / name);
      if (included.is_object() && !included.contains("steps")) {
        throw ScenarioError(name + ": an included object needs \"steps\"");
      }
      ExpandSteps(included.is_object() ? included.at("steps") : included, name, depth + 1, out);
      continue;
    }
    for (const auto& [key, value] : step.items()) {
      if (!kStepKeys.count(key)) throw ScenarioError(origin + ": unknown step key \"" + key + "\"");
    }
    if (step.contains("expect")) {
      for (const auto& [key, value] : step.at("expect").items()) {
        if (!kExpectKeys.count(key)) {
          throw ScenarioError(origin + ": unknown expect key \"" + key + "\"");
        }
      }
    }
    json copy = step;
    copy["_origin"] = origin;
    out->push_back(std::move(copy));
  }
}

// ---- variables ----

class Vars {
 public:
  void Set(const std::string& name, json value) { vars_[name] = std::move(value); }

  const json& Get(const std::string& name) const {
    const auto it = vars_.find(name);
    if (it == vars_.end()) throw ScenarioError("undefined variable ${" + name + "}");
    return it->second;
  }

  std::string Text(const std::string& name) const {
    const json& v = Get(name);
    return v.is_string() ? v.get<std::string>() : v.dump();
  }

  // Every ${name} replaced by the variable's text.
  std::string Expand(const std::string& s) const {
    std::string out;
    size_t i = 0;
    while (i < s.size()) {
      const size_t open = s.find("${", i);
      if (open == std::string::npos) break;
      const size_t close = s.find('}', open);
      if (close == std::string::npos) throw ScenarioError("unclosed ${ in \"" + s + "\"");
      out.append(s, i, open - i);
      out += Text(s.substr(open + 2, close - open - 2));
      i = close + 1;
    }
    out.append(s, i, std::string::npos);
    return out;
  }

  // Expands strings throughout a JSON value; "${name}" alone keeps the saved value's type.
  json Substitute(const json& v) const {
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      if (s.size() > 3 && s.rfind("${", 0) == 0 && s.back() == '}' && s.find('}') == s.size() - 1) {
        return Get(s.substr(2, s.size() - 3));
      }
      return Expand(s);
    }
    if (v.is_object()) {
      json out = json::object();
      for (const auto& [key, value] : v.items()) out[Expand(key)] = Substitute(value);
      return out;
    }
    if (v.is_array()) {
      json out = json::array();
      for (const json& e : v) out.push_back(Substitute(e));
      return out;
    }
    return v;
  }

 private:
  std::map<std::string, json> vars_;
};

// ---- paths and matchers ----

std::optional<json> Resolve(const json& node, std::string_view path) {
  if (path.empty() || path == "$") return node;
  if (path.front() == '[') {
    const size_t close = path.find(']');
    if (close == std::string_view::npos) throw ScenarioError("bad path: " + std::string(path));
    const std::string index(path.substr(1, close - 1));
    std::string_view rest = path.substr(close + 1);
    if (!rest.empty() && rest.front() == '.') rest.remove_prefix(1);
    if (!node.is_array()) return std::nullopt;
    if (index == "*") {
      json all = json::array();
      for (const json& e : node) {
        if (auto v = Resolve(e, rest)) all.push_back(std::move(*v));
      }
      return all;
    }
    if (index.empty() || index.find_first_not_of("0123456789") != std::string::npos) {
      throw ScenarioError("bad index in path: " + std::string(path));
    }
    const size_t n = std::stoul(index);
    if (n >= node.size()) return std::nullopt;
    return Resolve(node[n], rest);
  }
  if (!node.is_object()) return std::nullopt;
  // The longest literal key first: field paths like "lines[0].qty" are keys of
  // error.details.fields.
  for (size_t end = path.size(); end > 0; --end) {
    if (end != path.size() && path[end] != '.' && path[end] != '[') continue;
    const auto it = node.find(std::string(path.substr(0, end)));
    if (it == node.end()) continue;
    std::string_view rest = path.substr(end);
    if (!rest.empty() && rest.front() == '.') rest.remove_prefix(1);
    if (auto v = Resolve(*it, rest)) return v;
  }
  return std::nullopt;
}

std::string Mismatch(const json& want, const std::optional<json>& got);

bool Matches(const json& want, const std::optional<json>& got) {
  return Mismatch(want, got).empty();
}

std::string OperatorMismatch(const std::string& op, const json& arg, const json& got) {
  if (op == "$len") {
    if (!got.is_array() && !got.is_object() && !got.is_string()) {
      return "expected a length of " + arg.dump() + ", got " + Show(got);
    }
    const size_t n = got.is_string() ? got.get_ref<const std::string&>().size() : got.size();
    if (arg.is_number_integer() && n == arg.get<size_t>()) return "";
    return "expected length " + arg.dump() + ", got " + std::to_string(n) + ": " + Show(got);
  }
  if (op == "$contains") {
    if (got.is_string() && arg.is_string()) {
      if (got.get_ref<const std::string&>().find(arg.get_ref<const std::string&>()) !=
          std::string::npos) {
        return "";
      }
      return "expected to contain " + Show(arg) + ", got " + Show(got);
    }
    if (!got.is_array()) return "expected an array containing " + Show(arg) + ", got " + Show(got);
    const json wanted = arg.is_array() ? arg : json::array({arg});
    for (const json& w : wanted) {
      const bool found = std::any_of(got.begin(), got.end(), [&](const json& e) {
        return Matches(w, std::optional<json>(e));
      });
      if (!found) return "expected to contain " + Show(w) + ", got " + Show(got);
    }
    return "";
  }
  if (op == "$regex") {
    if (!got.is_string()) return "expected a string matching " + Show(arg) + ", got " + Show(got);
    const std::regex re(arg.get<std::string>(), std::regex::ECMAScript);
    if (std::regex_search(got.get<std::string>(), re)) return "";
    return "expected to match " + Show(arg) + ", got " + Show(got);
  }
  if (op == "$not") {
    if (!Matches(arg, std::optional<json>(got))) return "";
    return "expected not " + Show(arg) + ", got " + Show(got);
  }
  if (op == "$one_of") {
    for (const json& alternative : arg) {
      if (Matches(alternative, std::optional<json>(got))) return "";
    }
    return "expected one of " + Show(arg) + ", got " + Show(got);
  }
  if (op == "$type") {
    const std::string t = arg.get<std::string>();
    const bool ok = (t == "string" && got.is_string()) || (t == "number" && got.is_number()) ||
                    (t == "integer" && got.is_number_integer()) ||
                    (t == "boolean" && got.is_boolean()) || (t == "null" && got.is_null()) ||
                    (t == "array" && got.is_array()) || (t == "object" && got.is_object());
    return ok ? "" : "expected a " + t + ", got " + Show(got);
  }
  if (op == "$gt" || op == "$gte" || op == "$lt" || op == "$lte") {
    if (!got.is_number()) return "expected a number, got " + Show(got);
    const double a = got.get<double>();
    const double b = arg.get<double>();
    const bool ok = op == "$gt" ? a > b : op == "$gte" ? a >= b : op == "$lt" ? a < b : a <= b;
    return ok ? "" : "expected " + op.substr(1) + " " + arg.dump() + ", got " + Show(got);
  }
  throw ScenarioError("unknown matcher " + op);
}

// "" when `got` (nullopt: not there) meets the expectation, else why not.
std::string Mismatch(const json& want, const std::optional<json>& got) {
  if (want.is_string()) {
    const std::string& s = want.get_ref<const std::string&>();
    if (s == "$exists") return got ? "" : "expected to exist, missing";
    if (s == "$absent") return got ? "expected to be absent, got " + Show(*got) : "";
  }
  if (!got) return "expected " + Show(want) + ", missing";
  if (want.is_object() && want.size() == 1 && want.begin().key().rfind('$', 0) == 0) {
    return OperatorMismatch(want.begin().key(), want.begin().value(), *got);
  }
  if (want.is_object()) {
    if (!got->is_object()) return "expected an object " + Show(want) + ", got " + Show(*got);
    for (const auto& [key, value] : want.items()) {
      const auto it = got->find(key);
      const std::string why =
          Mismatch(value, it == got->end() ? std::nullopt : std::optional<json>(*it));
      if (!why.empty()) return "." + key + ": " + why;
    }
    return "";
  }
  if (want.is_array()) {
    if (!got->is_array() || got->size() != want.size()) {
      return "expected " + Show(want) + ", got " + Show(*got);
    }
    for (size_t i = 0; i < want.size(); ++i) {
      const std::string why = Mismatch(want[i], std::optional<json>((*got)[i]));
      if (!why.empty())
        return "[" + std::to_string(i) + "]: " + why + " (whole: " + Show(*got) + ")";
    }
    return "";
  }
  if (want == *got) return "";
  return "expected " + Show(want) + ", got " + Show(*got);
}

// ---- the database, read-only ----

// The rows of `sql` as JSON arrays, from the server's database (SQLite or PostgreSQL);
// throws ScenarioError on an SQL error.
std::vector<json> QueryDb(const OrdoProcess& server, const std::string& sql) {
  std::vector<std::vector<json>> rows;
  std::string error;
  if (!server.QueryRows(sql, &rows, &error)) throw ScenarioError(error);
  std::vector<json> out;
  for (auto& row : rows) out.emplace_back(std::move(row));
  return out;
}

// ---- running a scenario ----

class Runner {
 public:
  Runner(std::string file, OrdoProcess& server)
      : file_(std::move(file)), server_(server), client_(server.Client()) {
    passwords_["admin"] = server.options().admin_password;
    const char* verbose = std::getenv("ORDO_SCENARIO_VERBOSE");
    verbose_ = verbose != nullptr && *verbose != '\0' && std::string(verbose) != "0";
  }

  // Creates the scenario's users; false (with a failure recorded) when that fails.
  bool CreateUsers(const json& users) {
    for (const json& user : users) {
      const Reply reply = Send("POST", "/api/v1/users", user.dump(), {}, Login("admin", false));
      if (reply.status != 201) {
        ADD_FAILURE() << "scenario " << file_ << ": cannot create user " << user.dump() << ": "
                      << reply;
        return false;
      }
      Learn("POST", "/api/v1/users", user, reply);
    }
    return true;
  }

  void RunStep(size_t index, const json& step) {
    const std::string name = step.value("name", "(unnamed)");
    std::vector<std::string> problems;
    Exchange ex;
    try {
      Execute(step, &ex, &problems);
    } catch (const std::exception& e) {
      problems.push_back(std::string("scenario error: ") + e.what());
    }
    const bool known = step.contains("known_issue");
    if (problems.empty()) {
      if (known) {
        std::cout << "[ NOTE     ] " << file_ << " step " << index + 1 << " \"" << name
                  << "\" passes now; remove its known_issue: " << step["known_issue"].dump()
                  << "\n";
      }
      return;
    }
    std::ostringstream os;
    os << "scenario " << file_ << ", step " << index + 1 << " \"" << name << "\"";
    if (step.value("_origin", file_) != file_) os << " (from " << step["_origin"] << ")";
    os << "\n";
    if (known) os << "  KNOWN ISSUE: " << step["known_issue"].get<std::string>() << "\n";
    if (!ex.method.empty()) {
      os << "  request: " << ex.method << " " << ex.path << " as " << ex.as << "\n";
      for (const auto& [key, value] : ex.headers) os << "    " << key << ": " << value << "\n";
      if (!ex.body.empty()) os << "    body: " << Truncate(ex.body, kShownRequestBody) << "\n";
      os << "  response: HTTP " << ex.reply.status;
      if (!ex.reply.error.empty()) os << " (" << ex.reply.error << ")";
      os << "\n    body: " << Truncate(ex.reply.body, kShownResponseBody) << "\n";
    }
    os << "  problems:\n";
    for (const auto& p : problems) os << "    - " << p << "\n";
    if (ex.reply.status == 0 || ex.reply.status >= 500) {
      const std::string out = server_.Output();
      os << "  server output (tail):\n"
         << (out.size() > kShownServerOutput ? out.substr(out.size() - kShownServerOutput) : out)
         << "\n";
    }
    ADD_FAILURE() << os.str();
  }

 private:
  struct Exchange {
    std::string method, path, as, body;
    Headers headers;
    Reply reply;
  };

  Reply Send(const std::string& method, const std::string& path, const std::string& body,
             const Headers& headers, const std::string& token) {
    client_.SetToken(token);
    Reply reply = client_.Request(method, path, body, headers);
    if (verbose_) {
      std::cout << "  > " << method << " " << path << " " << Truncate(body, 300) << "\n  < "
                << reply.status << " " << Truncate(reply.body, 1500) << "\n";
    }
    return reply;
  }

  std::string Login(const std::string& username, bool fresh) {
    const auto cached = tokens_.find(username);
    if (cached != tokens_.end() && !fresh) return cached->second;
    const auto pw = passwords_.find(username);
    if (pw == passwords_.end()) {
      throw ScenarioError("no password known for \"" + username +
                          "\": create it in \"users\" or a POST /api/v1/users step");
    }
    const json body = {{"username", username}, {"password", pw->second}};
    const Reply reply = Send("POST", "/api/v1/auth/login", body.dump(), {}, "");
    if (reply.status != 200) {
      throw ScenarioError("login as " + username + " failed: HTTP " + std::to_string(reply.status) +
                          " " + reply.body);
    }
    std::string token = reply.json().at("token").get<std::string>();
    tokens_[username] = token;
    return token;
  }

  // Remembers the password of a user created or changed by a step, and its id.
  void Learn(const std::string& method, const std::string& path, const json& body,
             const Reply& reply) {
    if (!body.is_object() || !body.contains("password") || !body["password"].is_string()) return;
    const bool created = method == "POST" && path == "/api/v1/users" && reply.status == 201;
    const bool changed = method == "PATCH" && reply.status == 200 &&
                         (path.rfind("/api/v1/users/", 0) == 0 || path == "/api/v1/me");
    if (!created && !changed) return;
    const json answer = json::parse(reply.body, nullptr, false);
    if (!answer.is_object() || !answer.contains("username")) return;
    const std::string username = answer["username"].get<std::string>();
    passwords_[username] = body["password"].get<std::string>();
    if (created) vars_.Set(username + ".id", answer["id"]);
  }

  std::string TokenFor(const json& step, std::string* as) {
    if (!step.contains("as")) {
      *as = "admin";
      return Login("admin", step.value("relogin", false));
    }
    const json& who = step["as"];
    if (who.is_null()) {
      *as = "(no token)";
      return "";
    }
    const std::string s = who.get<std::string>();
    *as = s;
    if (s.rfind("token:", 0) == 0) return vars_.Text(s.substr(6));
    return Login(s, step.value("relogin", false));
  }

  static std::string BuildRawBody(const json& spec) {
    const std::string text = spec.at("text").get<std::string>();
    const size_t times = spec.at("times").get<size_t>();
    std::string out = spec.value("prefix", "\"");
    out.reserve(out.size() + text.size() * times + 8);
    for (size_t i = 0; i < times; ++i) out += text;
    out += spec.value("suffix", "\"");
    return out;
  }

  void Execute(const json& step, Exchange* ex, std::vector<std::string>* problems) {
    if (step.contains("method")) {
      ex->method = step["method"].get<std::string>();
      ex->path = vars_.Expand(step.at("path").get<std::string>());
      const std::string token = TokenFor(step, &ex->as);
      json body;
      if (step.contains("body")) {
        body = vars_.Substitute(step["body"]);
        ex->body = body.dump();
      } else if (step.contains("raw_body")) {
        ex->body = vars_.Expand(step["raw_body"].get<std::string>());
      } else if (step.contains("raw_body_repeat")) {
        ex->body = BuildRawBody(step["raw_body_repeat"]);
      }
      if (step.contains("headers")) {
        for (const auto& [key, value] : step["headers"].items()) {
          ex->headers.emplace_back(
              key, value.is_string() ? vars_.Expand(value.get<std::string>()) : value.dump());
        }
      }
      const json expect = step.contains("expect") ? vars_.Substitute(step["expect"]) : json();
      const int repeat = step.value("repeat", 1);
      for (int i = 0; i < repeat; ++i) {
        ex->reply = Send(ex->method, ex->path, ex->body, ex->headers, token);
        const size_t before = problems->size();
        Check(expect, ex->reply, problems);
        if (problems->size() > before) {
          if (repeat > 1) {
            problems->push_back("(on request " + std::to_string(i + 1) + " of " +
                                std::to_string(repeat) + ")");
          }
          break;
        }
      }
      Learn(ex->method, ex->path, body, ex->reply);
      if (step.contains("save")) Save(step["save"], ex->reply, problems);
    }
    if (step.contains("expect_db")) CheckDb(step["expect_db"], problems);
  }

  void Check(const json& expect, const Reply& reply, std::vector<std::string>* problems) {
    if (reply.status == 0) {
      problems->push_back("no answer: " + reply.error);
      return;
    }
    if (expect.contains("status")) {
      if (reply.status != expect["status"].get<int>()) {
        problems->push_back("status: expected " + expect["status"].dump() + ", got " +
                            std::to_string(reply.status));
      }
    } else if (reply.status / 100 != 2) {
      problems->push_back("status: expected 2xx, got " + std::to_string(reply.status));
    }
    if (expect.contains("headers")) {
      for (const auto& [name, want] : expect["headers"].items()) {
        std::string lower = name;
        for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        const auto it = reply.headers.find(lower);
        const std::string why = Mismatch(
            want, it == reply.headers.end() ? std::nullopt : std::optional<json>(it->second));
        if (!why.empty()) problems->push_back("header " + name + ": " + why);
      }
    }
    if (expect.contains("body_contains") &&
        reply.body.find(expect["body_contains"].get<std::string>()) == std::string::npos) {
      problems->push_back("body does not contain " + expect["body_contains"].dump());
    }
    if (!expect.contains("json") && !expect.contains("absent")) return;
    const json body = json::parse(reply.body, nullptr, false);
    if (body.is_discarded()) {
      problems->push_back("the body is not JSON");
      return;
    }
    if (expect.contains("json")) {
      for (const auto& [path, want] : expect["json"].items()) {
        const std::string why = Mismatch(want, Resolve(body, path));
        if (!why.empty()) problems->push_back("json \"" + path + "\": " + why);
      }
    }
    if (expect.contains("absent")) {
      for (const json& path : expect["absent"]) {
        if (auto v = Resolve(body, path.get<std::string>())) {
          problems->push_back("json \"" + path.get<std::string>() + "\": expected absent, got " +
                              Show(*v));
        }
      }
    }
  }

  void Save(const json& save, const Reply& reply, std::vector<std::string>* problems) {
    const json body = json::parse(reply.body, nullptr, false);
    for (const auto& [var, where] : save.items()) {
      const std::string path = where.get<std::string>();
      if (path.rfind("header:", 0) == 0) {
        std::string lower = path.substr(7);
        for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        const auto it = reply.headers.find(lower);
        if (it == reply.headers.end()) {
          problems->push_back("save ${" + var + "}: no header " + path.substr(7));
        } else {
          vars_.Set(var, it->second);
        }
        continue;
      }
      std::optional<json> v;
      if (!body.is_discarded()) v = Resolve(body, path);
      if (!v) {
        problems->push_back("save ${" + var + "}: \"" + path + "\" is not in the answer");
        continue;
      }
      vars_.Set(var, std::move(*v));
    }
  }

  void CheckDb(const json& checks, std::vector<std::string>* problems) {
    for (const json& check : checks) {
      const std::string sql = vars_.Expand(check.at("sql").get<std::string>());
      const std::vector<json> rows = QueryDb(server_, sql);
      if (check.contains("equals")) {
        const json want = vars_.Substitute(check["equals"]);
        const std::optional<json> got =
            rows.empty() || rows[0].empty() ? std::optional<json>(nullptr) : rows[0][0];
        const std::string why = Mismatch(want, got);
        if (!why.empty()) problems->push_back("db \"" + sql + "\": " + why);
      }
      if (check.contains("rows")) {
        const std::string why = Mismatch(vars_.Substitute(check["rows"]), json(rows));
        if (!why.empty()) problems->push_back("db \"" + sql + "\": " + why);
      }
    }
  }

  std::string file_;
  OrdoProcess& server_;
  HttpClient client_;
  Vars vars_;
  std::map<std::string, std::string> passwords_;
  std::map<std::string, std::string> tokens_;
  bool verbose_ = false;
};

class ScenarioTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ScenarioTest, Run) {
  const std::string file = GetParam();
  json scenario;
  std::vector<json> steps;
  try {
    scenario = ReadJsonFile(ScenarioDir() / file);
    if (!scenario.is_object() || !scenario.contains("steps")) {
      throw ScenarioError(file + ": a scenario is an object with \"steps\"");
    }
    ExpandSteps(scenario["steps"], file, 0, &steps);
  } catch (const std::exception& e) {
    FAIL() << "scenario " << file << ": " << e.what();
  }
  if (scenario.contains("description")) {
    RecordProperty("description", scenario["description"].get<std::string>());
  }

  OrdoProcess::Options options;
  bool has_now = false;
  const json env = scenario.value("env", json::object());
  for (const auto& [key, value] : env.items()) {
    options.env.emplace_back(key, value.is_string() ? value.get<std::string>() : value.dump());
    has_now = has_now || key == "ORDO_FAKE_NOW";
  }
  if (!has_now) options.env.emplace_back("ORDO_FAKE_NOW", kDefaultNow);
  auto server = OrdoProcess::Start(options);
  ASSERT_NE(server, nullptr) << "scenario " << file << ": the server did not start";

  Runner runner(file, *server);
  const json users = scenario.value("users", json::array());
  if (!runner.CreateUsers(users)) return;
  for (size_t i = 0; i < steps.size(); ++i) runner.RunStep(i, steps[i]);
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = fs::path(info.param).stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ScenarioTest);
INSTANTIATE_TEST_SUITE_P(Scenario, ScenarioTest, ::testing::ValuesIn(ListScenarios()), TestName);

}  // namespace
}  // namespace ordo::test
