#pragma once
// Columns: many rows of an INSERT bound as one array parameter per column (the list
// filters' Where is storage/query.h).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/postgres/connection.h"

namespace ordo::storage::postgres {

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
