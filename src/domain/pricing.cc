#include "domain/pricing.h"

#include <vector>

namespace ordo::domain {

namespace {

// 1 − rate as an exact value at the rate's scale.
Exact OneMinus(Rate rate) { return Exact{Pow10(Rate::kScale) - rate.units(), Rate::kScale}; }

bool Within(Money m) { return m <= kMaxOrderAmount && m >= -kMaxOrderAmount; }

// The exact value rounded to cents, when it fits under the ceiling.
std::optional<Money> Amount(std::optional<Exact> e) {
  if (!e) return std::nullopt;
  const std::optional<Money> m = Money::FromExactChecked(*e);
  if (!m || !Within(*m)) return std::nullopt;
  return m;
}

// a + b when it fits under the ceiling.
std::optional<Money> Add(Money a, Money b) {
  const std::optional<Money> sum = CheckedAdd(a, b);
  if (!sum || !Within(*sum)) return std::nullopt;
  return sum;
}

}  // namespace

std::optional<LineAmounts> PriceLine(PriceMode mode, Qty qty, Money unit_price, Rate discount_rate,
                                     Rate tax_rate) {
  // The product is kept exact and rounded once, so the result does not depend on the
  // order of the factors.
  std::optional<Exact> product = CheckedMul(qty.exact(), unit_price.exact());
  if (product) product = CheckedMul(*product, OneMinus(discount_rate));
  const std::optional<Money> amount = Amount(product);
  if (!amount) return std::nullopt;
  LineAmounts out;
  if (mode == PriceMode::kTaxExclusive) {
    const std::optional<Money> tax = Amount(CheckedMul(amount->exact(), tax_rate.exact()));
    if (!tax) return std::nullopt;
    const std::optional<Money> gross = Add(*amount, *tax);
    if (!gross) return std::nullopt;
    out.net = *amount;
    out.tax = *tax;
    out.gross = *gross;
    return out;
  }
  // net = gross ÷ (1 + rate): in cents, gross_cents × 10^4 ÷ (10^4 + rate_units). The
  // factors are an int64 and 10^4, so the product fits in 128 bits.
  const int128 one = Pow10(Rate::kScale);
  const int128 divisor = one + tax_rate.units();
  if (divisor <= 0) return std::nullopt;  // a rate of −100 % or less has no net
  const std::optional<int64_t> net =
      ToInt64(DivRoundHalfUp(static_cast<int128>(amount->units()) * one, divisor));
  if (!net || !Within(Money::FromUnits(*net))) return std::nullopt;
  out.gross = *amount;
  out.net = Money::FromUnits(*net);
  // The tax is the remainder so that net + tax == gross to the cent; both are within the
  // ceiling, so their difference fits in an int64.
  out.tax = out.gross - out.net;
  if (!Within(out.tax)) return std::nullopt;
  return out;
}

Money EffectiveUnitPrice(Money unit_price, Rate discount_rate) {
  // Lines hold 0 ≤ discount < 1, so |price × (1 − discount)| ≤ |price| always fits; the
  // fallback is for rates no line can hold.
  const std::optional<Exact> e = CheckedMul(unit_price.exact(), OneMinus(discount_rate));
  const std::optional<Money> m = e ? Money::FromExactChecked(*e) : std::nullopt;
  return m.value_or(unit_price);
}

std::optional<TooLarge> PriceOrder(Order& order) {
  std::vector<LineAmounts> amounts;
  amounts.reserve(order.lines.size());
  Money net;
  Money tax;
  Money goods;
  for (size_t i = 0; i < order.lines.size(); ++i) {
    const OrderLine& line = order.lines[i];
    const std::optional<LineAmounts> a =
        PriceLine(order.price_mode, line.qty, line.unit_price, line.discount_rate, line.tax_rate);
    const std::optional<Money> next_net = a ? Add(net, a->net) : std::nullopt;
    const std::optional<Money> next_tax = a ? Add(tax, a->tax) : std::nullopt;
    const std::optional<Money> next_goods = a ? Add(goods, a->gross) : std::nullopt;
    if (!next_net || !next_tax || !next_goods) return TooLarge{i};
    amounts.push_back(*a);
    net = *next_net;
    tax = *next_tax;
    goods = *next_goods;
  }
  // Freight and the order discount are set by the caller and kept as they are.
  const std::optional<Money> with_freight = Add(goods, order.totals.freight);
  const std::optional<Money> gross =
      with_freight ? CheckedSub(*with_freight, order.totals.discount) : std::nullopt;
  if (!gross || !Within(*gross)) return TooLarge{};
  for (size_t i = 0; i < order.lines.size(); ++i) {
    order.lines[i].net = amounts[i].net;
    order.lines[i].tax = amounts[i].tax;
    order.lines[i].gross = amounts[i].gross;
  }
  order.totals.net = net;
  order.totals.tax = tax;
  order.totals.gross = *gross;
  return std::nullopt;
}

}  // namespace ordo::domain
