#pragma once
// Line and order pricing in both price modes (API.md "Line amounts"). Pure.

#include "common/decimal.h"
#include "domain/order.h"

namespace ordo::domain {

struct LineAmounts {
  Money net;
  Money tax;
  Money gross;
};

// tax_exclusive: net = round(qty × price × (1 − discount)), tax = round(net × rate),
//                gross = net + tax.
// tax_inclusive: gross = round(qty × price × (1 − discount)),
//                net = round(gross ÷ (1 + rate)), tax = gross − net.
LineAmounts PriceLine(PriceMode mode, Qty qty, Money unit_price, Rate discount_rate, Rate tax_rate);

// The unit price after the line discount, rounded to cents; compared with min_price.
Money EffectiveUnitPrice(Money unit_price, Rate discount_rate);

// Fills net/tax/gross of every line and the order totals:
// totals.net = Σ net, totals.tax = Σ tax, totals.gross = Σ gross + freight − discount.
void PriceOrder(Order& order);

}  // namespace ordo::domain
