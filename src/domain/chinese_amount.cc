#include "domain/chinese_amount.h"

#include <cstdint>
#include <string>

namespace ordo::domain {

namespace {

struct Glyphs {
  const char* digits[10];
  const char* small_units[4];  // "", 拾, 佰, 仟 within a group of four digits
  const char* wan;
  const char* yi;
  const char* yuan;
  const char* jiao;
  const char* fen;
  const char* zheng;
  const char* negative;
};

constexpr Glyphs kSimplified = {
    {"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"},
    {"", "拾", "佰", "仟"},
    "万",
    "亿",
    "元",
    "角",
    "分",
    "整",
    "负",
};

constexpr Glyphs kTraditional = {
    {"零", "壹", "貳", "叁", "肆", "伍", "陸", "柒", "捌", "玖"},
    {"", "拾", "佰", "仟"},
    "萬",
    "億",
    "元",
    "角",
    "分",
    "整",
    "負",
};

// 1 <= n <= 9999. A run of inner zeros is one 零; trailing zeros are dropped. A leading
// 壹拾 stays in full as the PBoC rules require for amounts (壹拾元, not 拾元).
void AppendGroup(const Glyphs& g, uint64_t n, std::string& out) {
  static constexpr uint64_t kPlace[] = {1000, 100, 10, 1};
  bool started = false;
  bool zero_pending = false;
  for (int i = 0; i < 4; ++i) {
    const uint64_t d = n / kPlace[i] % 10;
    if (d == 0) {
      if (started) zero_pending = true;
      continue;
    }
    if (zero_pending) out += g.digits[0];
    out += g.digits[d];
    out += g.small_units[3 - i];
    started = true;
    zero_pending = false;
  }
}

// n >= 1. Splits at 亿 (recursively, so 万亿 and 亿亿 work) and then at 万; a lower part
// that does not fill its places is joined with one 零 (壹亿零壹万, 壹仟万零壹佰).
void AppendInteger(const Glyphs& g, uint64_t n, std::string& out) {
  constexpr uint64_t kYi = 100000000;
  constexpr uint64_t kWan = 10000;
  if (n >= kYi) {
    AppendInteger(g, n / kYi, out);
    out += g.yi;
    const uint64_t low = n % kYi;
    if (low == 0) return;
    if (low < kYi / 10) out += g.digits[0];
    AppendInteger(g, low, out);
    return;
  }
  if (n >= kWan) {
    AppendGroup(g, n / kWan, out);
    out += g.wan;
    const uint64_t low = n % kWan;
    if (low == 0) return;
    if (low < kWan / 10) out += g.digits[0];
    AppendGroup(g, low, out);
    return;
  }
  AppendGroup(g, n, out);
}

}  // namespace

std::string AmountInWords(Money amount, Script script) {
  const Glyphs& g = script == Script::kTraditional ? kTraditional : kSimplified;
  const int64_t units = amount.units();
  if (units == 0) return std::string(g.digits[0]) + g.yuan + g.zheng;

  std::string out;
  if (units < 0) out += g.negative;
  // Unsigned so that the most negative value has a magnitude too.
  const uint64_t cents =
      units < 0 ? ~static_cast<uint64_t>(units) + 1 : static_cast<uint64_t>(units);
  const uint64_t yuan = cents / 100;
  const uint64_t jiao = cents / 10 % 10;
  const uint64_t fen = cents % 10;

  if (yuan > 0) {
    AppendInteger(g, yuan, out);
    out += g.yuan;
    if (jiao == 0 && fen == 0) {
      out += g.zheng;
      return out;
    }
    // 元零X分: the 零 marks the missing 角. With a 角 we write 元X角 (PBoC allows both
    // 元零X角 and 元X角 after an integer ending in zero; we always use the shorter).
    if (jiao == 0) out += g.digits[0];
  }
  // No 整 after 角 (壹拾元伍角), and no 元 when there are no whole yuan (伍角陆分).
  if (jiao != 0) {
    out += g.digits[jiao];
    out += g.jiao;
  }
  if (fen != 0) {
    out += g.digits[fen];
    out += g.fen;
  }
  return out;
}

}  // namespace ordo::domain
