#include "http/errors.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace ordo::http {

int HttpStatusOf(const Status& s) {
  switch (s.code()) {
    case Code::kOk:
      return 200;
    case Code::kInvalidJson:
      return 400;
    case Code::kUnauthenticated:
      return 401;
    case Code::kForbidden:
      return 403;
    case Code::kNotFound:
      return 404;
    case Code::kConflict:
    case Code::kInvalidTransition:
    case Code::kBusinessRule:
      return 409;
    case Code::kPayloadTooLarge:
      return 413;
    case Code::kValidationFailed:
      return 422;
    case Code::kRateLimited:
      return 429;
    case Code::kInternal:
      return 500;
    case Code::kUnavailable:
      return 503;
  }
  return 500;
}

std::string_view ErrorCodeOf(const Status& s) {
  switch (s.code()) {
    case Code::kOk:
      return "ok";
    case Code::kInvalidJson:
      return "invalid_json";
    case Code::kUnauthenticated:
      return "unauthenticated";
    case Code::kForbidden:
      return "forbidden";
    case Code::kNotFound:
      return "not_found";
    case Code::kConflict:
      return "conflict";
    case Code::kInvalidTransition:
      return "invalid_transition";
    case Code::kBusinessRule:
      return s.rule();
    case Code::kPayloadTooLarge:
      return "payload_too_large";
    case Code::kValidationFailed:
      return "validation_failed";
    case Code::kRateLimited:
      return "rate_limited";
    case Code::kInternal:
      return "internal";
    case Code::kUnavailable:
      return "unavailable";
  }
  return "internal";
}

Response ErrorResponse(const Status& s, const std::string& request_id, Lang lang) {
  using nlohmann::json;
  json details = json::object();
  for (const auto& [k, v] : s.details()) details[k] = v;
  if (!s.fields().empty()) {
    json fields = json::object();
    for (const auto& [k, v] : s.fields()) {
      if (!fields.contains(k)) fields[k] = Translate(v, lang);
    }
    details["fields"] = fields;
  }
  std::string message = Translate(s.message(), lang);
  if (s.code() == Code::kBusinessRule) {
    const std::string translated = RuleMessage(s.rule(), lang);
    if (!translated.empty()) message = translated;
  }
  if (s.code() == Code::kInternal || s.code() == Code::kUnavailable) {
    spdlog::error("request {}: {}", request_id, s.message());
    const bool internal = s.code() == Code::kInternal;
    switch (lang) {
      case Lang::kEn:
        message = internal ? "internal error, request id " : "service unavailable, request id ";
        break;
      case Lang::kZhCN:
        message = internal ? "内部错误，请求编号 " : "服务暂不可用，请求编号 ";
        break;
      case Lang::kZhTW:
        message = internal ? "內部錯誤，請求編號 " : "服務暫不可用，請求編號 ";
        break;
    }
    message += request_id;
    details = json::object();
    details["request_id"] = request_id;
  }
  Response r;
  r.status = HttpStatusOf(s);
  r.body = json{{"error", {{"code", ErrorCodeOf(s)}, {"message", message}, {"details", details}}}}
               .dump();
  if (s.code() == Code::kRateLimited) {
    // How long the block lasts, in seconds (details.retry_after), else the longest one.
    const auto it = s.details().find("retry_after");
    r.headers.emplace_back("Retry-After", it != s.details().end() ? it->second : "300");
  }
  return r;
}

}  // namespace ordo::http
