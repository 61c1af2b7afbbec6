#pragma once
// Reservation policy: which warehouse a line draws from, and how much it reserves.
// Pure: the storage layer applies the plan with one conditional update per stock row.

#include <cstdint>
#include <optional>
#include <vector>

#include "common/decimal.h"
#include "domain/entities.h"

namespace ordo::domain {

// A line without a warehouse takes the warehouse with the most available stock of its
// product (ties: lowest warehouse id). nullopt when there is no stock row at all.
std::optional<int64_t> ChooseWarehouse(const std::vector<StockRow>& rows_of_product);

struct LineReservation {
  Qty reserve;      // min(qty, max(available, 0)); 0 for make-to-order lines
  Qty backordered;  // qty − reserve
};

LineReservation PlanLine(Qty qty, Qty available, bool make_to_order);

}  // namespace ordo::domain
