#include "common/decimal.h"

#include <array>

namespace ordo {

int128 Pow10(int n) {
  int128 r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

std::optional<int64_t> ToInt64(int128 v) {
  if (v < INT64_MIN || v > INT64_MAX) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<Exact> CheckedMul(Exact a, Exact b) {
  // The most negative value is refused too, so that every mantissa can be negated.
  constexpr int128 kMin = -static_cast<int128>((static_cast<unsigned __int128>(1) << 127) - 1) - 1;
  int128 m = 0;
  if (__builtin_mul_overflow(a.mantissa, b.mantissa, &m) || m == kMin) return std::nullopt;
  return Exact{m, a.scale + b.scale};
}

int128 DivRoundHalfUp(int128 a, int128 b) {
  if (b < 0) {
    a = -a;
    b = -b;
  }
  const bool neg = a < 0;
  const int128 abs_a = neg ? -a : a;
  int128 q = abs_a / b;
  const int128 r = abs_a % b;
  if (r * 2 >= b) ++q;
  return neg ? -q : q;
}

static Exact Align(Exact e, int scale) { return Exact{e.mantissa * Pow10(scale - e.scale), scale}; }

Exact operator*(Exact a, Exact b) { return Exact{a.mantissa * b.mantissa, a.scale + b.scale}; }

Exact operator+(Exact a, Exact b) {
  const int s = a.scale > b.scale ? a.scale : b.scale;
  return Exact{Align(a, s).mantissa + Align(b, s).mantissa, s};
}

Exact operator-(Exact a, Exact b) {
  b.mantissa = -b.mantissa;
  return a + b;
}

Result<Exact> ParseExact(std::string_view text, int max_scale) {
  const auto bad = [](std::string reason) { return Status(Code::kValidationFailed, reason); };
  if (text.empty()) return bad("must be a decimal number");
  bool neg = false;
  size_t i = 0;
  if (text[0] == '-') {
    neg = true;
    i = 1;
  }
  int128 mantissa = 0;
  int int_digits = 0;
  int frac_digits = 0;
  bool seen_dot = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (seen_dot || int_digits == 0) return bad("must be a decimal number");
      seen_dot = true;
      continue;
    }
    if (c < '0' || c > '9') return bad("must be a decimal number");
    if (seen_dot) {
      ++frac_digits;
    } else {
      ++int_digits;
    }
    if (int_digits + frac_digits > 30) return bad("too many digits");
    mantissa = mantissa * 10 + (c - '0');
  }
  if (int_digits == 0 || (seen_dot && frac_digits == 0)) return bad("must be a decimal number");
  if (frac_digits > max_scale) {
    return bad("at most " + std::to_string(max_scale) + " decimals");
  }
  if (int_digits > 18 - max_scale) return bad("too large");
  return Exact{neg ? -mantissa : mantissa, frac_digits};
}

std::string Format(int64_t units, int scale, bool trim) {
  const bool neg = units < 0;
  // Work in unsigned to format INT64_MIN safely.
  uint64_t u = neg ? (~static_cast<uint64_t>(units) + 1) : static_cast<uint64_t>(units);
  std::string digits = std::to_string(u);
  if (static_cast<int>(digits.size()) <= scale) {
    digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
  }
  std::string out = neg ? "-" : "";
  const size_t int_len = digits.size() - static_cast<size_t>(scale);
  out.append(digits, 0, int_len);
  if (scale > 0) {
    std::string frac = digits.substr(int_len);
    if (trim) {
      while (!frac.empty() && frac.back() == '0') frac.pop_back();
    }
    if (!frac.empty()) {
      out.push_back('.');
      out += frac;
    }
  }
  if (out == "-0") out = "0";
  return out;
}

}  // namespace ordo
