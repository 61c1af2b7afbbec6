#include "domain/pricing.h"

namespace ordo::domain {

namespace {

// 1 − rate as an exact value at the rate's scale.
Exact OneMinus(Rate rate) { return Exact{Pow10(Rate::kScale) - rate.units(), Rate::kScale}; }

}  // namespace

LineAmounts PriceLine(PriceMode mode, Qty qty, Money unit_price, Rate discount_rate,
                      Rate tax_rate) {
  // The product is kept exact and rounded once, so the result does not depend on the
  // order of the factors.
  const Money amount = Money::FromExactRounded(qty * unit_price * OneMinus(discount_rate));
  LineAmounts out;
  if (mode == PriceMode::kTaxExclusive) {
    out.net = amount;
    out.tax = Money::FromExactRounded(out.net * tax_rate);
    out.gross = out.net + out.tax;
    return out;
  }
  // net = gross ÷ (1 + rate): in cents, gross_cents × 10^4 ÷ (10^4 + rate_units).
  const int128 one = Pow10(Rate::kScale);
  out.gross = amount;
  out.net = Money::FromUnits(static_cast<int64_t>(
      DivRoundHalfUp(static_cast<int128>(out.gross.units()) * one, one + tax_rate.units())));
  // The tax is the remainder so that net + tax == gross to the cent.
  out.tax = out.gross - out.net;
  return out;
}

Money EffectiveUnitPrice(Money unit_price, Rate discount_rate) {
  return Money::FromExactRounded(unit_price.exact() * OneMinus(discount_rate));
}

void PriceOrder(Order& order) {
  Money net;
  Money tax;
  Money gross;
  for (OrderLine& line : order.lines) {
    const LineAmounts a =
        PriceLine(order.price_mode, line.qty, line.unit_price, line.discount_rate, line.tax_rate);
    line.net = a.net;
    line.tax = a.tax;
    line.gross = a.gross;
    net += a.net;
    tax += a.tax;
    gross += a.gross;
  }
  // Freight and the order discount are set by the caller and kept as they are.
  order.totals.net = net;
  order.totals.tax = tax;
  order.totals.gross = gross + order.totals.freight - order.totals.discount;
}

}  // namespace ordo::domain
