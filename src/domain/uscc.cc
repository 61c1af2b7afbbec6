#include "domain/uscc.h"

#include <array>
#include <cstddef>

namespace ordo::domain {

namespace {

// GB 32100-2015 code characters: digits and capitals without I, O, Z, S, V; a
// character's value is its index (0..30).
constexpr std::string_view kCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kModulus = 31;
// Weight of position i is 3^i mod 31.
constexpr std::array<int, 17> kWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                          29, 25, 13, 8,  24, 10, 30, 28};

// Only uppercase counts: the standard defines the code in capitals, and a lowercase code
// stored as typed would not match the registry's spelling.
int ValueOf(char c) {
  const size_t pos = kCharset.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

std::optional<char> UsccCheckChar(std::string_view first17) {
  if (first17.size() != kWeights.size()) return std::nullopt;
  int sum = 0;
  for (size_t i = 0; i < kWeights.size(); ++i) {
    const int v = ValueOf(first17[i]);
    if (v < 0) return std::nullopt;
    sum += v * kWeights[i];
  }
  // 31 − (sum mod 31), where a result of 31 is written as 0.
  const int check = (kModulus - sum % kModulus) % kModulus;
  return kCharset[static_cast<size_t>(check)];
}

std::string UsccProblem(std::string_view code) {
  if (code.size() != 18) return "must be 18 characters";
  for (const char c : code) {
    if (ValueOf(c) < 0) return "invalid character";
  }
  const std::optional<char> check = UsccCheckChar(code.substr(0, 17));
  if (!check || *check != code[17]) return "check character mismatch";
  return "";
}

}  // namespace ordo::domain
