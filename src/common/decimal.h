#pragma once
// Fixed-point decimals for money, quantities and rates. Values are whole numbers of
// the smallest unit (cents, thousandths, ten-thousandths) in an int64; arithmetic that
// needs more precision goes through Exact (a 128-bit mantissa with its own scale) and is
// rounded once, half away from zero (四捨五入), back to a Fixed. No double anywhere.
// Arithmetic on amounts that come from requests or from sums over records is checked:
// the Checked* functions and FromExactChecked answer nullopt when the result does not
// fit, never a wrapped value. The plain operators are for operands already bounded.
// Value types, thread-compatible.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ordo {

using int128 = __int128;

// 10^n for 0 <= n <= 36.
int128 Pow10(int n);

// Rounds a / b to the nearest integer, halves away from zero. b != 0.
int128 DivRoundHalfUp(int128 a, int128 b);

// An exact intermediate value: mantissa × 10^-scale.
struct Exact {
  int128 mantissa = 0;
  int scale = 0;
};

Exact operator*(Exact a, Exact b);
Exact operator+(Exact a, Exact b);
Exact operator-(Exact a, Exact b);

// a × b, or nullopt when the mantissa would not fit in 127 bits.
std::optional<Exact> CheckedMul(Exact a, Exact b);

// v as an int64_t, or nullopt when it does not fit.
std::optional<int64_t> ToInt64(int128 v);

// Parses "-12.345" / "12" into mantissa and scale. Rejects exponents, spaces, "+",
// leading dots and more than max_scale decimals. Errors name the reason only.
Result<Exact> ParseExact(std::string_view text, int max_scale);

// units × 10^-scale as text; trim drops trailing fractional zeros (and a bare dot).
std::string Format(int64_t units, int scale, bool trim);

template <int S>
class Fixed {
 public:
  static constexpr int kScale = S;

  constexpr Fixed() = default;
  static constexpr Fixed FromUnits(int64_t units) { return Fixed(units); }
  static constexpr Fixed FromInt(int64_t whole) { return Fixed(whole * Pow10i(S)); }

  // Parses a decimal string with at most S decimals; more is an error ("at most N
  // decimals"). |value| must stay below 10^(18-S).
  static Result<Fixed> Parse(std::string_view text) {
    auto e = ParseExact(text, S);
    if (!e.ok()) return e.TakeStatus();
    const std::optional<Fixed> v = FromExactChecked(*e);
    if (!v) return Status(Code::kValidationFailed, "too large");
    return *v;
  }

  // Rounds an exact value half up to this scale; nullopt when the result does not fit in
  // an int64 of units (or the value has more than 36 decimals).
  static std::optional<Fixed> FromExactChecked(Exact e) {
    int128 units = 0;
    if (e.scale <= S) {
      if (S - e.scale > 36 || __builtin_mul_overflow(e.mantissa, Pow10(S - e.scale), &units)) {
        return std::nullopt;
      }
    } else {
      if (e.scale - S > 36) return std::nullopt;
      units = DivRoundHalfUp(e.mantissa, Pow10(e.scale - S));
    }
    const std::optional<int64_t> fits = ToInt64(units);
    if (!fits) return std::nullopt;
    return Fixed(*fits);
  }

  constexpr int64_t units() const { return units_; }
  Exact exact() const { return Exact{units_, S}; }
  bool is_zero() const { return units_ == 0; }
  bool is_negative() const { return units_ < 0; }

  // Canonical text: money always with S decimals ("1234.50"); for quantities and
  // rates use ToTrimmed().
  std::string ToString() const { return Format(units_, S, false); }
  // Trailing zeros dropped: "10", "2.5", "0.13".
  std::string ToTrimmed() const { return Format(units_, S, true); }

  friend constexpr Fixed operator+(Fixed a, Fixed b) { return Fixed(a.units_ + b.units_); }
  friend constexpr Fixed operator-(Fixed a, Fixed b) { return Fixed(a.units_ - b.units_); }
  friend constexpr Fixed operator-(Fixed a) { return Fixed(-a.units_); }
  Fixed& operator+=(Fixed o) {
    units_ += o.units_;
    return *this;
  }
  Fixed& operator-=(Fixed o) {
    units_ -= o.units_;
    return *this;
  }
  friend constexpr auto operator<=>(Fixed a, Fixed b) = default;

  // a + b and a − b, or nullopt when the result does not fit.
  friend std::optional<Fixed> CheckedAdd(Fixed a, Fixed b) {
    int64_t r = 0;
    if (__builtin_add_overflow(a.units_, b.units_, &r)) return std::nullopt;
    return Fixed(r);
  }
  friend std::optional<Fixed> CheckedSub(Fixed a, Fixed b) {
    int64_t r = 0;
    if (__builtin_sub_overflow(a.units_, b.units_, &r)) return std::nullopt;
    return Fixed(r);
  }

 private:
  constexpr explicit Fixed(int64_t units) : units_(units) {}
  static constexpr int64_t Pow10i(int n) {
    int64_t r = 1;
    while (n-- > 0) r *= 10;
    return r;
  }
  int64_t units_ = 0;
};

using Money = Fixed<2>;  // yuan with 2 decimals, stored as cents
using Qty = Fixed<3>;    // quantities with up to 3 decimals
using Rate = Fixed<4>;   // tax and discount rates, up to 4 decimals ("0.13", "0.125")

template <int A, int B>
Exact operator*(Fixed<A> a, Fixed<B> b) {
  return a.exact() * b.exact();
}

}  // namespace ordo
