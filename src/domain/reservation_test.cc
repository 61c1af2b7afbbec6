#include "domain/reservation.h"

#include <gtest/gtest.h>

namespace ordo::domain {
namespace {

Qty Q(const char* s) { return *Qty::Parse(s); }

StockRow Row(int64_t warehouse_id, const char* on_hand, const char* reserved) {
  StockRow r;
  r.product_id = 7;
  r.warehouse_id = warehouse_id;
  r.on_hand = Q(on_hand);
  r.reserved = Q(reserved);
  return r;
}

TEST(ChooseWarehouse, MostAvailableWins) {
  // Warehouse 1 has the most on hand, but 3 has the most available.
  EXPECT_EQ(ChooseWarehouse({Row(1, "100", "90"), Row(2, "20", "0"), Row(3, "50", "10")}), 3);
}

TEST(ChooseWarehouse, TiesGoToTheLowestId) {
  EXPECT_EQ(ChooseWarehouse({Row(5, "10", "0"), Row(2, "12", "2"), Row(9, "10", "0")}), 2);
  EXPECT_EQ(ChooseWarehouse({Row(9, "0", "0"), Row(4, "0", "0")}), 4);
}

TEST(ChooseWarehouse, NegativeAvailabilityStillChoosesTheLeastShort) {
  EXPECT_EQ(ChooseWarehouse({Row(1, "0", "5"), Row(2, "0", "1")}), 2);
}

TEST(ChooseWarehouse, NoRowsNoWarehouse) { EXPECT_EQ(ChooseWarehouse({}), std::nullopt); }

TEST(PlanLine, Table) {
  const struct {
    const char* qty;
    const char* available;
    bool make_to_order;
    const char* reserve;
    const char* backordered;
  } cases[] = {
      {"10", "100", false, "10", "0"},  // enough stock
      {"10", "10", false, "10", "0"},   // exactly enough
      {"10", "4", false, "4", "6"},     // partly back-ordered
      {"10", "0", false, "0", "10"},    // nothing available
      {"10", "-3", false, "0", "10"},   // over-reserved stock never reserves
      {"2.5", "1.25", false, "1.25", "1.25"},
      {"10", "100", true, "0", "10"},  // make-to-order never takes stock
      {"0.001", "0.001", false, "0.001", "0"},
  };
  for (const auto& c : cases) {
    const LineReservation r = PlanLine(Q(c.qty), Q(c.available), c.make_to_order);
    EXPECT_EQ(r.reserve.ToTrimmed(), c.reserve) << c.qty << " of " << c.available;
    EXPECT_EQ(r.backordered.ToTrimmed(), c.backordered) << c.qty << " of " << c.available;
  }
}

}  // namespace
}  // namespace ordo::domain
