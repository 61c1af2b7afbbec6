#pragma once
// Builds the WHERE clause of a list query from fixed SQL fragments and keeps their
// parameters beside them, so that the page query and its COUNT(*) bind the same values.
// Fragments are written with `?`; Sql() numbers them $first, $first+1, ... in order.
// Values are always bound, never spliced into the text. Thread-compatible.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "storage/postgres/connection.h"

namespace ordo::storage::postgres {

class Where {
 public:
  // Adds "AND (fragment)"; each `?` of the fragment takes the next of params.
  template <typename... Ts>
  Where& And(std::string_view fragment, const Ts&... params) {
    clauses_.emplace_back(fragment);
    (params_.emplace_back(Param(params)), ...);
    return *this;
  }

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

  // " WHERE (a) AND (b)" or "", with the placeholders numbered from $first.
  std::string Sql(int first = 1) const {
    std::string out;
    int n = first;
    for (const auto& c : clauses_) {
      out += out.empty() ? " WHERE (" : " AND (";
      for (char ch : c) {
        if (ch == '?') {
          out += '$';
          out += std::to_string(n++);
        } else {
          out += ch;
        }
      }
      out += ')';
    }
    return out;
  }

  // How many parameters Sql() uses; the next free placeholder is $(count() + first).
  int count() const { return static_cast<int>(params_.size()); }

  // " LIMIT $n OFFSET $n+1", numbered after the parameters of Sql() (from $1).
  std::string LimitSql() const {
    const int n = count() + 1;
    return " LIMIT $" + std::to_string(n) + " OFFSET $" + std::to_string(n + 1);
  }

  void BindTo(Params& p) const {
    for (const auto& v : params_) {
      if (const auto* i = std::get_if<int64_t>(&v)) {
        p.Bind(*i);
      } else if (const auto* b = std::get_if<bool>(&v)) {
        p.Bind(*b);
      } else {
        p.Bind(std::get<std::string>(v));
      }
    }
  }

 private:
  using Value = std::variant<int64_t, bool, std::string>;
  static Value Param(int64_t v) { return v; }
  static Value Param(int v) { return static_cast<int64_t>(v); }
  static Value Param(bool v) { return v; }
  static Value Param(const std::string& v) { return v; }
  static Value Param(std::string_view v) { return std::string(v); }

  std::vector<std::string> clauses_;
  std::vector<Value> params_;
};

}  // namespace ordo::storage::postgres
