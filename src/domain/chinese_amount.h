#pragma once
// Amounts in Chinese capitals (大寫金額) following the People's Bank of China rules for
// writing amounts: 零 for inner zeros (one 零 for a run of zeros), 整 after 元 when there
// are no 角 and 分, 元零X分 when 角 is zero but 分 is not, 零元整 for zero, 負 before a
// negative amount. Pure; thread-safe.

#include <string>

#include "common/decimal.h"

namespace ordo::domain {

enum class Script { kSimplified, kTraditional };

// e.g. 16409.02 → 壹万陆仟肆佰零玖元零贰分 (simplified),
//                 壹萬陸仟肆佰零玖元零貳分 (traditional).
std::string AmountInWords(Money amount, Script script);

}  // namespace ordo::domain
