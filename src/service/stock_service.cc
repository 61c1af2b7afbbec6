#include "service/stock_service.h"

#include "service/access.h"
#include "service/audit.h"

namespace ordo::service {

using domain::Role;

namespace {

// The ceiling on a stock row's on hand, and so on one adjustment: 10^12 of the product's
// unit (10^15 thousandths). Reserved quantities stay within on hand, and an int64 still
// holds on hand summed over 9,000 warehouses.
const Qty kMaxOnHand = Qty::FromInt(1'000'000'000'000);

}  // namespace

Result<storage::Page<domain::StockRow>> StockService::List(const domain::Actor& actor,
                                                           const storage::StockFilter& f) {
  storage::Page<domain::StockRow> out;
  RETURN_IF_ERROR(deps_.store->Read([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.ListStock(f));
    return Status::Ok();
  }));
  return out;
}

Result<domain::StockRow> StockService::Adjust(const domain::Actor& actor,
                                              const StockAdjustment& adj) {
  RETURN_IF_ERROR(Require(actor, {Role::kAdmin, Role::kWarehouse}));
  FieldErrors errors;
  if (adj.qty_delta.is_zero()) errors.Add("qty_delta", "must not be zero");
  if (adj.qty_delta > kMaxOnHand || adj.qty_delta < -kMaxOnHand) {
    errors.Add("qty_delta", "must be between -1000000000000 and 1000000000000");
  }
  if (adj.reason.empty()) errors.Add("reason", "required");
  if (adj.reason.size() > 500) errors.Add("reason", "at most 500 bytes");
  if (!errors.empty()) return errors.Finish();
  domain::StockRow row;
  RETURN_IF_ERROR(deps_.store->Write([&](storage::Tx& tx) -> Status {
    FieldErrors missing;
    if (!tx.products().Get(adj.product_id).ok()) missing.Add("product_id", "no such product");
    if (!tx.warehouses().Get(adj.warehouse_id).ok())
      missing.Add("warehouse_id", "no such warehouse");
    if (!missing.empty()) return missing.Finish();
    ASSIGN_OR_RETURN(const auto rows, tx.StockOfProduct(adj.product_id));
    for (const domain::StockRow& r : rows) {
      // Both are at most the ceiling, so the sum fits.
      if (r.warehouse_id == adj.warehouse_id && r.on_hand + adj.qty_delta > kMaxOnHand) {
        return Status::Invalid("qty_delta", "on hand would pass 1000000000000");
      }
    }
    ASSIGN_OR_RETURN(row, tx.AdjustOnHand(adj.product_id, adj.warehouse_id, adj.qty_delta));
    domain::StockMovement m;
    m.product_id = adj.product_id;
    m.warehouse_id = adj.warehouse_id;
    m.kind = "adjustment";
    m.qty_delta = adj.qty_delta;
    m.reason = adj.reason;
    m.user_id = actor.user_id;
    m.created_at = deps_.Now();
    RETURN_IF_ERROR(tx.InsertMovement(m));
    return Audit(tx, deps_, actor, "stock", adj.product_id, "adjust",
                 {{"warehouse_id", adj.warehouse_id},
                  {"qty_delta", adj.qty_delta.ToTrimmed()},
                  {"on_hand", row.on_hand.ToTrimmed()},
                  {"reason", adj.reason}});
  }));
  return row;
}

Result<storage::Page<domain::StockMovement>> StockService::Movements(
    const domain::Actor& actor, const storage::MovementFilter& f) {
  RETURN_IF_ERROR(RequireStaff(actor));
  storage::Page<domain::StockMovement> out;
  RETURN_IF_ERROR(deps_.store->Read([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.ListMovements(f));
    return Status::Ok();
  }));
  return out;
}

}  // namespace ordo::service
