#pragma once
// Builds the WHERE clause of a list query from fixed SQL fragments and keeps their
// parameters beside them, so that the page query and its COUNT(*) bind the same values.
// Fragments are written with `?`; Sql() numbers them $first, $first+1, ... in order.
// Values are always bound, never spliced into the text. Thread-compatible.

#include <array>
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

  // Adds "AND (fragment)" whose `?`s take `params` in order.
  Where& AndWith(std::string fragment, const std::vector<std::string>& params) {
    clauses_.push_back(std::move(fragment));
    for (const auto& p : params) params_.emplace_back(p);
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

// The rows of a multi-row INSERT ... SELECT FROM unnest($1::t1[], $2::t2[], ...): each of
// the N columns gathers its values in one array parameter, so that one statement text
// (prepared once) writes any number of rows in one round trip. Values are bound as Params
// binds them. Thread-compatible.
template <size_t N>
class Columns {
 public:
  template <typename... Ts>
  void AddRow(const Ts&... values) {
    static_assert(sizeof...(Ts) == N, "one value per column");
    size_t i = 0;
    (cols_[i++].Bind(values), ...);
    ++rows_;
  }

  size_t rows() const { return rows_; }
  bool has_nul() const {
    for (const auto& c : cols_) {
      if (c.has_nul()) return true;
    }
    return false;
  }
  // One array parameter per column, in column order.
  void BindTo(Params& p) const {
    for (const auto& c : cols_) p.Bind(c.ArrayLiteral());
  }

 private:
  std::array<Params, N> cols_;
  size_t rows_ = 0;
};

}  // namespace ordo::storage::postgres
