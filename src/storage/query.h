#pragma once
// What the repositories' queries share: the WHERE builder of list filters, pages, counts,
// and the answer of a versioned UPDATE. Written on storage/sql.h, so once for both
// databases; Where also serves the backends' own statements (its BindTo takes any
// binder with Bind(int64_t), Bind(bool) and Bind(const std::string&)).
//
// Thread-compatible.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "storage/page.h"
#include "storage/sql.h"

namespace ordo::storage {

// The WHERE clause of a list query, from fixed SQL fragments with `?` placeholders, and
// their parameters beside them, so that the page query and its COUNT(*) bind the same
// values. Values are always bound, never spliced into the text.
class Where {
 public:
  using Value = std::variant<int64_t, bool, std::string>;

  // Adds "AND (fragment)"; each `?` of the fragment takes the next of params.
  template <typename... Ts>
  Where& And(std::string_view fragment, const Ts&... params) {
    clauses_.emplace_back(fragment);
    (params_.emplace_back(Param(params)), ...);
    return *this;
  }
  // Adds "AND (fragment)" whose `?`s take `params` in order.
  Where& AndWith(std::string fragment, const std::vector<Value>& params);
  Where& AndWith(std::string fragment, const std::vector<std::string>& params);
  // Adds "AND column IN (?, ?, ...)" with one parameter per value; nothing when empty.
  Where& AndIn(std::string_view column, const std::vector<std::string>& values);

  bool empty() const { return clauses_.empty(); }
  // " WHERE (a) AND (b)" or "".
  std::string Sql() const;

  template <typename Binder>
  void BindTo(Binder& b) const {
    for (const auto& p : params_) std::visit([&b](const auto& v) { b.Bind(v); }, p);
  }

 private:
  static Value Param(int64_t v) { return v; }
  static Value Param(int v) { return static_cast<int64_t>(v); }
  static Value Param(bool v) { return v; }
  static Value Param(const std::string& v) { return v; }
  static Value Param(std::string_view v) { return std::string(v); }
  static Value Param(const char* v) { return std::string(v); }

  std::vector<std::string> clauses_;
  std::vector<Value> params_;
};

// The LIMIT and OFFSET of a page, clamped to 1..200 rows and page >= 1.
struct Window {
  int64_t limit;
  int64_t offset;
};
Window WindowOf(const PageRequest& page);

// SELECT COUNT(*) FROM <from><where>.
Result<int64_t> CountRows(Sql& sql, std::string_view from, const Where& where);

// Runs `select` (a query ending in LIMIT ? OFFSET ?) with where's parameters and the
// page's window, decoding each row with read(Statement&) -> T.
template <typename T, typename Read>
Result<std::vector<T>> ReadPage(Sql& sql, const std::string& select, const Where& where,
                                const PageRequest& page, Read read) {
  ASSIGN_OR_RETURN(Statement st, sql.Prepare(select));
  where.BindTo(st);
  const Window w = WindowOf(page);
  st.BindAll(w.limit, w.offset);
  std::vector<T> out;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(read(st));
    RETURN_IF_ERROR(st.decode_status());
  }
  return out;
}

// The one row of a statement (bound by the caller), decoded with read; kNotFound with
// `not_found` when there is none.
template <typename T, typename Read>
Result<T> ReadOne(Statement& st, std::string_view not_found, Read read) {
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound(std::string(not_found));
  T out = read(st);
  RETURN_IF_ERROR(st.decode_status());
  return out;
}

// The id of an INSERT ... RETURNING id (bound by the caller).
Result<int64_t> InsertedId(Statement& st);

// The answer of an UPDATE ... WHERE id = ? AND version = ? that changed `changed` rows:
// Ok when it changed one; otherwise a missing row (kNotFound "<what> not found") or one
// at another version (Sql::StaleVersion).
Status VersionedUpdateResult(Sql& sql, int64_t changed, std::string_view table, int64_t id,
                             std::string_view what);

// "SELECT <cols> <rest>".
std::string Select(std::string_view cols, std::string_view rest);

}  // namespace ordo::storage
