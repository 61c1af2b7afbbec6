#pragma once
// The statement interface that the repositories (customer_repo.h, product_repo.h, ...)
// are written on, once for both databases. Each backend implements it over its own
// driver: sqlite/sqlite_sql.h over the SQLite C API, postgres/pg_sql.h over libpqxx.
//
// SQL is written in what SQLite and PostgreSQL both understand, with `?` placeholders
// bound in order (PostgreSQL's side numbers them $1..$n, once per SQL text). Values are
// bound and read as both schemas store them: integers (Money, Qty and Rate as their minor
// units, instants as milliseconds), booleans (SQLite 0/1, PostgreSQL BOOLEAN), text,
// dates as YYYY-MM-DD (SQLite TEXT, PostgreSQL DATE), an empty optional as NULL. Every
// driver error becomes a Status in one place per backend: a unique violation is
// kConflict "<column> already exists", a missing referenced row kNotFound, a busy or lost
// database kUnavailable, anything else kInternal; messages never quote bound values.
//
// Where the dialects genuinely differ, Sql has a small named hook the backend answers
// (Contains, StaleVersion, KeepEvent); nothing else in a repository knows which database it is on.
//
// Not thread-safe: an Sql and its Statements belong to the one transaction they serve.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/decimal.h"
#include "common/status.h"
#include "common/time.h"

namespace ordo::domain {
struct Event;
}  // namespace ordo::domain

namespace ordo::storage {

// One execution of a prepared statement: bind the parameters in order, step through the
// rows, read the columns of the current row. Binding errors are reported by the first
// Step; decoding problems of a row (a malformed date, an unknown enum name) are
// remembered and reported by decode_status(). Move-only; the statement goes back to its
// connection's cache when the handle dies.
class Statement {
 public:
  // What a backend implements. Column numbers are 0-based.
  class Impl {
   public:
    virtual void BindInt(int64_t v) = 0;
    virtual void BindBool(bool v) = 0;
    virtual void BindText(std::string_view v) = 0;
    virtual void BindNull() = 0;
    // The first call executes; true when a row is ready, false when there are no more.
    virtual Result<bool> Step() = 0;
    // Rows changed by this INSERT, UPDATE or DELETE, once Step has returned false.
    virtual int64_t Changes() const = 0;
    virtual bool IsNull(int col) const = 0;
    // 0 for NULL. A backend that parses text reports a malformed number with Fail.
    virtual int64_t Int(int col) = 0;
    virtual bool Bool(int col) const = 0;
    // Empty for NULL; valid until the next Step.
    virtual std::string_view Text(int col) const = 0;
    // Ends this execution; the backend may hand this Impl out again.
    virtual void Finish() = 0;

    // Remembers the first decoding problem of this execution.
    void Fail(const char* what);

   protected:
    ~Impl() = default;

   private:
    friend class Statement;
    Status decode_;
  };

  explicit Statement(Impl* impl) : impl_(impl) {}
  Statement(Statement&& other) noexcept : impl_(other.impl_) { other.impl_ = nullptr; }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  Statement& Bind(int64_t v) {
    impl_->BindInt(v);
    return *this;
  }
  Statement& Bind(int v) { return Bind(static_cast<int64_t>(v)); }
  Statement& Bind(bool v) {
    impl_->BindBool(v);
    return *this;
  }
  Statement& Bind(std::string_view v) {
    impl_->BindText(v);
    return *this;
  }
  Statement& Bind(const std::string& v) { return Bind(std::string_view(v)); }
  Statement& Bind(const char* v) { return Bind(std::string_view(v)); }
  Statement& Bind(std::nullptr_t) {
    impl_->BindNull();
    return *this;
  }
  Statement& Bind(Date d) { return Bind(std::string_view(FormatDate(d))); }
  template <int S>
  Statement& Bind(Fixed<S> v) {
    return Bind(v.units());
  }
  template <typename T>
  Statement& Bind(const std::optional<T>& v) {
    return v ? Bind(*v) : Bind(nullptr);
  }
  template <typename... Ts>
  Statement& BindAll(const Ts&... vs) {
    (Bind(vs), ...);
    return *this;
  }

  Result<bool> Step() { return impl_->Step(); }
  // Steps to the end, ignoring any rows.
  Status Run();
  int64_t changes() const { return impl_->Changes(); }

  bool IsNull(int col) const { return impl_->IsNull(col); }
  int64_t Int(int col) { return impl_->Int(col); }
  bool Bool(int col) const { return impl_->Bool(col); }
  std::string Text(int col) const { return std::string(impl_->Text(col)); }
  std::string_view TextView(int col) const { return impl_->Text(col); }
  std::optional<int64_t> OptInt(int col) {
    if (IsNull(col)) return std::nullopt;
    return Int(col);
  }
  template <int S>
  Fixed<S> Dec(int col) {
    return Fixed<S>::FromUnits(Int(col));
  }
  Date AsDate(int col);
  std::optional<Date> OptDate(int col);
  template <typename E>
  E Enum(int col, std::optional<E> (*parse)(std::string_view)) {
    auto v = parse(TextView(col));
    if (!v) {
      Fail("unknown enum value in column");
      return E{};
    }
    return *v;
  }
  void Fail(const char* what) { impl_->Fail(what); }
  const Status& decode_status() const { return impl_->decode_; }

 private:
  Impl* impl_;
};

// One transaction's statements, as the repositories see them.
class Sql {
 public:
  virtual ~Sql() = default;

  // `sql` (one statement, `?` placeholders) ready for binding: prepared once per
  // connection and SQL text, then taken from the connection's cache.
  virtual Result<Statement> Prepare(std::string_view sql) = 0;
  // Ok in a write transaction; kInternal "read-only transaction" in a Read.
  virtual Status CheckWritable() const = 0;

  // ---- hooks: the pieces a backend spells its own way ----

  // A condition that `column` contains the text bound to its one `?` (the caller binds
  // ContainsPattern(text)), ignoring case: SQLite's LIKE, which ignores ASCII case;
  // PostgreSQL's ILIKE (its LIKE minds case; a pg_trgm index serves ILIKE, migration 004).
  virtual std::string Contains(std::string_view column) const = 0;
  // The answer when a versioned UPDATE found its row at another version: kConflict "stale
  // version". PostgreSQL also marks the transaction for a rerun (a concurrent transaction
  // committed that version since this one read it; SQLite's single writer never
  // interleaves two use cases so, and the rerun answers what SQLite would have).
  virtual Status StaleVersion() = 0;
  // Takes an audit event to write later, batched, or declines (nullopt) and the caller
  // inserts it now. PostgreSQL keeps it and writes every event and stock movement kept
  // in one statement before the transaction's next statement or its COMMIT, saving a
  // round trip per event while an order's stock rows are locked (postgres/pg_tx.h); the
  // answer is then the Status of keeping it (a NUL in its text is refused at once).
  // SQLite, where a statement costs no round trip, declines.
  virtual std::optional<Status> KeepEvent(const domain::Event& e) {
    (void)e;
    return std::nullopt;
  }
};

// Escapes % _ and \ for LIKE ... ESCAPE '\' and wraps the text in %...%.
std::string ContainsPattern(std::string_view text);

}  // namespace ordo::storage
