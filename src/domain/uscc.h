#pragma once
// 統一社會信用代碼 (Unified Social Credit Code) per GB 32100-2015: 18 characters from
// 0-9 and A-Z without I, O, Z, S, V; the last is a check character over the first 17
// (weights 3^i mod 31). Pure; thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace ordo::domain {

// The check character for the first 17 characters, or nullopt if they are not valid.
std::optional<char> UsccCheckChar(std::string_view first17);

// Empty when valid; otherwise a reason ("must be 18 characters", "invalid character",
// "check character mismatch").
std::string UsccProblem(std::string_view code);

inline bool IsValidUscc(std::string_view code) { return UsccProblem(code).empty(); }

}  // namespace ordo::domain
