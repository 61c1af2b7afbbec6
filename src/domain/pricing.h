#pragma once
// Line and order pricing in both price modes (API.md "Line amounts"). Pure.

#include <cstddef>
#include <optional>

#include "common/decimal.h"
#include "domain/order.h"

namespace ordo::domain {

// The ceiling on every amount of an order (API.md "Money"): 10^12 CNY. Each line's net,
// tax and gross, and the order's goods (Σ line gross) plus freight, may not pass it; so
// neither can the totals (net and tax are parts of gross; gross is goods + freight −
// discount). Far below what an int64 of cents holds (9.2 × 10^16 CNY), so that sums of
// orders (a customer's credit exposure) have room too.
inline constexpr Money kMaxOrderAmount = Money::FromUnits(100'000'000'000'000);

struct LineAmounts {
  Money net;
  Money tax;
  Money gross;
};

// tax_exclusive: net = round(qty × price × (1 − discount)), tax = round(net × rate),
//                gross = net + tax.
// tax_inclusive: gross = round(qty × price × (1 − discount)),
//                net = round(gross ÷ (1 + rate)), tax = gross − net.
// nullopt when an amount would pass kMaxOrderAmount (in either direction).
std::optional<LineAmounts> PriceLine(PriceMode mode, Qty qty, Money unit_price, Rate discount_rate,
                                     Rate tax_rate);

// The unit price after the line discount, rounded to cents; compared with min_price.
Money EffectiveUnitPrice(Money unit_price, Rate discount_rate);

// What PriceOrder found too large: the first line whose own amounts, or whose gross added
// to the lines before it, pass the ceiling; no line when the lines fit and the freight
// takes their sum past it.
struct TooLarge {
  std::optional<size_t> line;  // index into Order::lines
};

// Fills net/tax/gross of every line and the order totals:
// totals.net = Σ net, totals.tax = Σ tax, totals.gross = Σ gross + freight − discount.
// When an amount would pass kMaxOrderAmount the order is left as it was and the answer
// says where.
[[nodiscard]] std::optional<TooLarge> PriceOrder(Order& order);

}  // namespace ordo::domain
