#pragma once
// Error messages in the caller's language. The API speaks English by default; a request
// with Accept-Language zh-CN (or zh, zh-Hans) gets simplified Chinese messages and field
// reasons, zh-TW / zh-HK / zh-Hant traditional Chinese. Codes and field paths never
// change. Thread-safe.

#include <string>
#include <string_view>

#include "http/server.h"

namespace ordo::http {

enum class Lang { kEn, kZhCN, kZhTW };

Lang LangOf(const Request& req);

// The message in `lang`; text without a translation is returned as it is.
std::string Translate(std::string_view english, Lang lang);

// The message of a business-rule refusal (409 below_min_price ...) in `lang`, or "" when
// the rule has no translation.
std::string RuleMessage(std::string_view rule, Lang lang);

}  // namespace ordo::http
