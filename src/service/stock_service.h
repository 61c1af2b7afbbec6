#pragma once
// Stock levels, adjustments and the movement log. Thread-safe.

#include "domain/entities.h"
#include "service/deps.h"

namespace ordo::service {

struct StockAdjustment {
  int64_t product_id = 0;
  int64_t warehouse_id = 0;
  Qty qty_delta;
  std::string reason;
};

class StockService {
 public:
  explicit StockService(const Deps& deps) : deps_(deps) {}
  Result<storage::Page<domain::StockRow>> List(const domain::Actor& actor,
                                               const storage::StockFilter& f);
  // warehouse, admin. on_hand may never go below reserved nor below zero
  // (409 insufficient_stock).
  Result<domain::StockRow> Adjust(const domain::Actor& actor, const StockAdjustment& adj);
  Result<storage::Page<domain::StockMovement>> Movements(const domain::Actor& actor,
                                                         const storage::MovementFilter& f);

 private:
  const Deps& deps_;
};

}  // namespace ordo::service
