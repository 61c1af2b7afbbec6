#include "domain/reservation.h"

#include <algorithm>

namespace ordo::domain {

std::optional<int64_t> ChooseWarehouse(const std::vector<StockRow>& rows_of_product) {
  const StockRow* best = nullptr;
  for (const StockRow& row : rows_of_product) {
    // Ties go to the lowest id so that the choice does not depend on the rows' order.
    if (best == nullptr || row.available() > best->available() ||
        (row.available() == best->available() && row.warehouse_id < best->warehouse_id)) {
      best = &row;
    }
  }
  if (best == nullptr) return std::nullopt;
  return best->warehouse_id;
}

LineReservation PlanLine(Qty qty, Qty available, bool make_to_order) {
  LineReservation plan;
  // Make-to-order lines are produced for the order; stock of the product is left for
  // others.
  if (!make_to_order) plan.reserve = std::min(qty, std::max(available, Qty()));
  plan.backordered = qty - plan.reserve;
  return plan;
}

}  // namespace ordo::domain
