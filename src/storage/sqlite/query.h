#pragma once
// Builds the WHERE clause of a list query from fixed SQL fragments and keeps their
// parameters beside them, so that the page query and its COUNT(*) bind the same values.
// Values are always bound, never spliced into the text. Thread-compatible.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "storage/sqlite/statement.h"

namespace ordo::storage::sqlite {

class Where {
 public:
  using Value = std::variant<int64_t, std::string>;

  // Adds "AND (fragment)"; each `?` of the fragment takes the next of params.
  template <typename... Ts>
  Where& And(std::string_view fragment, const Ts&... params) {
    clauses_.emplace_back(fragment);
    (params_.emplace_back(Param(params)), ...);
    return *this;
  }

  // Adds "AND (fragment)" whose `?`s take `params` in order.
  Where& AndWith(std::string fragment, std::vector<Value> params) {
    clauses_.push_back(std::move(fragment));
    for (auto& p : params) params_.push_back(std::move(p));
    return *this;
  }

  bool empty() const { return clauses_.empty(); }

  // Adds "AND column IN (?, ?, ...)" with one parameter per value; nothing when empty.
  Where& AndIn(std::string_view column, const std::vector<std::string>& values) {
    if (values.empty()) return *this;
    std::string clause(column);
    clause += " IN (";
    for (size_t i = 0; i < values.size(); ++i) {
      clause += i == 0 ? "?" : ", ?";
      params_.emplace_back(values[i]);
    }
    clause += ')';
    clauses_.push_back(std::move(clause));
    return *this;
  }

  // " WHERE a AND b" or "".
  std::string Sql() const {
    std::string out;
    for (const auto& c : clauses_) {
      out += out.empty() ? " WHERE (" : " AND (";
      out += c;
      out += ')';
    }
    return out;
  }

  void BindTo(Stmt& st) const {
    for (const auto& p : params_) {
      if (const auto* i = std::get_if<int64_t>(&p)) {
        st.Bind(*i);
      } else {
        st.Bind(std::get<std::string>(p));
      }
    }
  }

 private:
  static Value Param(int64_t v) { return v; }
  static Value Param(int v) { return static_cast<int64_t>(v); }
  static Value Param(const std::string& v) { return v; }
  static Value Param(std::string_view v) { return std::string(v); }

  std::vector<std::string> clauses_;
  std::vector<Value> params_;
};

// SELECT COUNT(*) FROM <from><where>.
inline Result<int64_t> CountRows(Connection& conn, std::string_view from, const Where& where) {
  const std::string sql = "SELECT COUNT(*) FROM " + std::string(from) + where.Sql();
  ASSIGN_OR_RETURN(Stmt st, conn.Prepare(sql));
  where.BindTo(st);
  ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

}  // namespace ordo::storage::sqlite
