#pragma once
// A thin layer over libpqxx 6.4. A Connection owns one pqxx::connection and names the
// prepared statements made on it (keyed by their SQL text); Params renders the parameters
// of one statement as PostgreSQL reads them (always bound, never spliced into the SQL);
// Row reads the columns of a result row the way sqlite::Stmt does; Classify turns an
// exception thrown by libpqxx into a Status and says what it means for the transaction
// around it. Nothing here lets a libpqxx exception escape to the caller of the Store.
//
// Thread-compatible: a Connection is used by one thread at a time (the pool lends it).

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/decimal.h"
#include "common/status.h"
#include "common/time.h"

namespace ordo::storage::postgres {

class Connection {
 public:
  // Connects with a libpq connection string or URI and sets the session up: ISO dates,
  // READ COMMITTED by default, no notices. kUnavailable when the server does not answer.
  static Result<std::unique_ptr<Connection>> Open(const std::string& conninfo);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  pqxx::connection& raw() { return conn_; }

  // The name of the prepared statement for `sql` (its `?` numbered by NumberPlaceholders),
  // registered on first use (libpqxx prepares it with the server when it first runs);
  // nullptr once the cache is full (list queries vary with their filters), when the
  // caller runs it unnamed with bound parameters instead.
  const std::string* Prepared(std::string_view sql);

  // Set when the connection broke; the pool then drops it instead of lending it again.
  bool broken() const { return broken_; }
  void MarkBroken() { broken_ = true; }

 private:
  explicit Connection(const std::string& conninfo) : conn_(conninfo) {}

  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  static constexpr size_t kMaxPrepared = 256;

  pqxx::connection conn_;
  std::unordered_map<std::string, std::string, Hash, std::equal_to<>> names_;
  bool broken_ = false;
};

// The parameters of one statement, in order ($1, $2, ...), as text.
class Params {
 public:
  Params& Bind(int64_t v);
  Params& Bind(int v) { return Bind(static_cast<int64_t>(v)); }
  Params& Bind(bool v);
  Params& Bind(std::string_view v);
  Params& Bind(const std::string& v) { return Bind(std::string_view(v)); }
  Params& Bind(const char* v) { return Bind(std::string_view(v)); }
  Params& Bind(std::nullptr_t);
  Params& Bind(Date d);  // YYYY-MM-DD
  template <int S>
  Params& Bind(Fixed<S> v) {
    return Bind(v.units());
  }
  template <typename T>
  Params& Bind(const std::optional<T>& v) {
    return v ? Bind(*v) : Bind(nullptr);
  }
  template <typename... Ts>
  Params& BindAll(const Ts&... vs) {
    (Bind(vs), ...);
    return *this;
  }

  size_t size() const { return values_.size(); }
  // Forgets every value, keeping the memory for the next statement's.
  void Clear();
  // PostgreSQL text cannot hold NUL characters; SQLite's can.
  bool has_nul() const { return has_nul_; }
  // The values bound so far as one PostgreSQL array literal ({"a","b\"c",NULL}): one
  // column of several rows, for a statement that unnest()s it (query.h: Columns).
  std::string ArrayLiteral() const;
  // One pointer per parameter, nullptr for NULL; valid while this object lives unchanged.
  std::vector<const char*> Pointers() const;

 private:
  std::vector<std::string> values_;
  std::vector<bool> null_;
  bool has_nul_ = false;
};

// The columns of one result row. Decoding problems (a malformed number or date, an unknown
// enum name) are remembered and reported by decode_status(), as sqlite::Stmt does.
class Row {
 public:
  explicit Row(const pqxx::row& row) : row_(row) {}

  bool IsNull(int col) const { return row_[col].is_null(); }
  int64_t Int(int col);
  bool Bool(int col) const;
  std::string Text(int col) const;
  std::optional<int64_t> OptInt(int col);
  template <int S>
  Fixed<S> Dec(int col) {
    return Fixed<S>::FromUnits(Int(col));
  }
  Date AsDate(int col);
  std::optional<Date> OptDate(int col);
  template <typename E>
  E Enum(int col, std::optional<E> (*parse)(std::string_view)) {
    auto v = parse(row_[col].c_str());
    if (!v) {
      Fail("unknown enum value in column");
      return E{};
    }
    return *v;
  }
  void Fail(const char* what);
  Status decode_status() const { return decode_; }

 private:
  pqxx::row row_;
  Status decode_;
};

// What a failed statement means for the transaction it ran in. Whatever the kind, the
// PostgreSQL transaction is aborted: every later statement in it would fail.
enum class Failure {
  kNone,
  kFinal,         // an ordinary error: its Status is the answer
  kRetry,         // deadlock, serialization failure, or a row version that changed since
                  // this transaction read it: the whole transaction may run again
  kLostRace,      // a unique key that a concurrent transaction inserted first, where the
                  // use case checks before it inserts: running it again sees that row
  kDisconnected,  // the connection is gone (and with it the uncommitted transaction)
};

struct Classified {
  Status status;
  Failure failure = Failure::kFinal;
};

// Classifies an exception thrown by libpqxx (or anything else) while a statement, BEGIN or
// COMMIT ran. Unique violations become kConflict "<field> already exists" like SQLite's,
// foreign key violations kNotFound, lost connections and exhausted retries kUnavailable,
// everything else kInternal. Messages carry the server's first line (names, never bound
// values: the DETAIL line, which quotes them, is left out).
Classified Classify(const std::exception& e);

// `sql` with each `?` outside quotes replaced by $1, $2, ... in order; `sql` itself when it
// has none (statements written with $n already).
std::string NumberPlaceholders(std::string_view sql);

// The integer of a field, 0 for NULL; false when its text is not an integer.
bool FieldInt(const pqxx::field& f, int64_t* out);

}  // namespace ordo::storage::postgres
