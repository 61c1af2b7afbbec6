#include "storage/postgres/connection.h"

#include <array>
#include <charconv>
#include <string>
#include <utility>

namespace ordo::storage::postgres {

namespace {

// The server's first line of an error ("ERROR:  duplicate key value violates ..."),
// without the "ERROR:" prefix. The DETAIL and QUERY lines that libpqxx adds are dropped:
// DETAIL may quote request data.
std::string FirstLine(std::string_view what) {
  what = what.substr(0, what.find('\n'));
  for (std::string_view prefix : {"ERROR:", "FATAL:"}) {
    if (what.starts_with(prefix)) what.remove_prefix(prefix.size());
  }
  while (!what.empty() && what.front() == ' ') what.remove_prefix(1);
  return std::string(what);
}

bool IsIdentChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

// True when `name` appears in `text` as a whole identifier. Constraint names are never
// translated, so this works whatever lc_messages the server uses.
bool Mentions(std::string_view text, std::string_view name) {
  for (size_t at = text.find(name); at != std::string_view::npos; at = text.find(name, at + 1)) {
    const bool starts = at == 0 || !IsIdentChar(text[at - 1]);
    const size_t end = at + name.size();
    const bool ends = end == text.size() || !IsIdentChar(text[end]);
    if (starts && ends) return true;
  }
  return false;
}

struct UniqueKey {
  std::string_view constraint;
  std::string_view field;  // what SQLite's message names: the last column of the key
  bool checked_first;      // the use cases look for the row before they insert it
};

// The unique keys of migrations/001_initial.postgres.sql.
constexpr std::array<UniqueKey, 12> kUniqueKeys = {{
    {"users_username_key", "username", true},  // the first admin, by two servers at once
    {"customers_code_key", "code", false},
    {"products_sku_key", "sku", false},
    {"warehouses_code_key", "code", false},
    {"orders_number_key", "number", false},
    {"idempotency_keys_pkey", "key", true},  // the same Idempotency-Key, twice at once
    {"sessions_pkey", "token_hash", false},
    {"stock_pkey", "warehouse_id", false},
    {"order_lines_pkey", "line_no", false},
    {"order_flags_pkey", "position", false},
    {"user_roles_pkey", "role", false},
    {"order_counters_pkey", "business_date", false},
}};

Classified Unavailable(std::string message, Failure failure) {
  return {Status(Code::kUnavailable, std::move(message)), failure};
}

Classified FromSqlState(const std::string& state, const std::string& first_line) {
  if (state == "40001" || state == "40P01") {
    return Unavailable("the database is busy; try again", Failure::kRetry);
  }
  if (state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03") {
    return Unavailable("the database connection was lost", Failure::kDisconnected);
  }
  if (state == "53300") return Unavailable("the database has no free connection", Failure::kFinal);
  if (state == "55P03" || state == "57014") {
    return Unavailable("the database is busy", Failure::kFinal);
  }
  if (state == "25006") return {Status::Internal("read-only transaction"), Failure::kFinal};
  return {Status::Internal("postgresql: " + (state.empty() ? "" : state + ": ") + first_line),
          Failure::kFinal};
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& conninfo) {
  std::unique_ptr<Connection> conn;
  try {
    conn.reset(new Connection(conninfo));
    // Dates as YYYY-MM-DD whatever the server's DateStyle; writes READ COMMITTED whatever
    // its default_transaction_isolation; CREATE ... IF NOT EXISTS and friends silent.
    // set_variable, unlike a plain SET, survives libpqxx's reconnection of an idle
    // connection that broke.
    conn->conn_.set_variable("DateStyle", "ISO");
    conn->conn_.set_variable("default_transaction_isolation", "'read committed'");
    conn->conn_.set_variable("client_min_messages", "warning");
  } catch (const std::exception& e) {
    // libpq's message names the host and port (configuration, never the password).
    return Status(Code::kUnavailable, "cannot connect to PostgreSQL: " + FirstLine(e.what()));
  }
  return conn;
}

const std::string* Connection::Prepared(std::string_view sql) {
  auto it = names_.find(sql);
  if (it != names_.end()) return &it->second;
  if (names_.size() >= kMaxPrepared) return nullptr;
  std::string name = "ordo_" + std::to_string(names_.size() + 1);
  conn_.prepare(name, NumberPlaceholders(sql));
  auto [ins, ok] = names_.emplace(std::string(sql), std::move(name));
  return &ins->second;
}

void Params::Clear() {
  values_.clear();
  null_.clear();
  has_nul_ = false;
}

Params& Params::Bind(int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  values_.emplace_back(buf, r.ptr);
  null_.push_back(false);
  return *this;
}

Params& Params::Bind(bool v) {
  values_.emplace_back(v ? "true" : "false");
  null_.push_back(false);
  return *this;
}

Params& Params::Bind(std::string_view v) {
  if (v.find('\0') != std::string_view::npos) has_nul_ = true;
  values_.emplace_back(v);
  null_.push_back(false);
  return *this;
}

Params& Params::Bind(std::nullptr_t) {
  values_.emplace_back();
  null_.push_back(true);
  return *this;
}

Params& Params::Bind(Date d) { return Bind(std::string_view(FormatDate(d))); }

std::vector<const char*> Params::Pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (size_t i = 0; i < values_.size(); ++i) {
    out.push_back(null_[i] ? nullptr : values_[i].c_str());
  }
  return out;
}

std::string Params::ArrayLiteral() const {
  std::string out = "{";
  for (size_t i = 0; i < values_.size(); ++i) {
    if (i > 0) out += ',';
    if (null_[i]) {
      out += "NULL";
      continue;
    }
    // Every element quoted, so that no text (empty, "NULL", braces, commas) is read as
    // anything but itself.
    out += '"';
    for (char c : values_[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

bool FieldInt(const pqxx::field& f, int64_t* out) {
  *out = 0;
  if (f.is_null()) return true;
  const char* begin = f.c_str();
  const char* end = begin + f.size();
  const auto r = std::from_chars(begin, end, *out);
  return r.ec == std::errc() && r.ptr == end;
}

int64_t Row::Int(int col) {
  int64_t v = 0;
  if (!FieldInt(row_[col], &v)) Fail("malformed integer in column");
  return v;
}

bool Row::Bool(int col) const {
  const pqxx::field f = row_[col];
  return !f.is_null() && f.c_str()[0] == 't';
}

std::string Row::Text(int col) const {
  const pqxx::field f = row_[col];
  return std::string(f.c_str(), f.size());
}

std::optional<int64_t> Row::OptInt(int col) {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

Date Row::AsDate(int col) {
  auto d = ParseDate(row_[col].c_str());
  if (!d.ok()) {
    Fail("malformed date in column");
    return Date{};
  }
  return *d;
}

std::optional<Date> Row::OptDate(int col) {
  if (IsNull(col)) return std::nullopt;
  return AsDate(col);
}

void Row::Fail(const char* what) {
  if (decode_.ok()) decode_ = Status::Internal(std::string("postgresql decode: ") + what);
}

Classified Classify(const std::exception& e) {
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    // COMMIT was sent and the connection broke before its answer: it may have committed.
    return Unavailable("the database connection was lost during COMMIT; the outcome is unknown",
                       Failure::kFinal);
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return Unavailable("the database connection was lost", Failure::kDisconnected);
  }
  if (dynamic_cast<const pqxx::deadlock_detected*>(&e) != nullptr ||
      dynamic_cast<const pqxx::serialization_failure*>(&e) != nullptr) {
    return Unavailable("the database is busy; try again", Failure::kRetry);
  }
  if (dynamic_cast<const pqxx::statement_completion_unknown*>(&e) != nullptr) {
    return Unavailable("the database connection was lost; the outcome is unknown", Failure::kFinal);
  }
  if (dynamic_cast<const pqxx::unique_violation*>(&e) != nullptr) {
    const std::string line = FirstLine(e.what());
    for (const UniqueKey& k : kUniqueKeys) {
      if (Mentions(line, k.constraint)) {
        return {Status::Conflict(std::string(k.field) + " already exists"),
                k.checked_first ? Failure::kLostRace : Failure::kFinal};
      }
    }
    return {Status::Conflict("key already exists"), Failure::kFinal};
  }
  if (dynamic_cast<const pqxx::foreign_key_violation*>(&e) != nullptr) {
    return {Status::NotFound("a referenced record does not exist"), Failure::kFinal};
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    return FromSqlState(sql->sqlstate(), FirstLine(e.what()));
  }
  return {Status::Internal("postgresql: " + FirstLine(e.what())), Failure::kFinal};
}

std::string NumberPlaceholders(std::string_view sql) {
  if (sql.find('?') == std::string_view::npos) return std::string(sql);
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;  // the quote character of the literal or identifier we are in
  for (char c : sql) {
    if (quote != 0) {
      if (c == quote) quote = 0;  // a doubled quote reopens at once: '' and "" are fine
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace ordo::storage::postgres
