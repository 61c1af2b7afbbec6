#pragma once
// Status and Result<T>: expected failures as values. Each code maps one to one to an
// error code of the API (see docs/api.md); http/ is the only place that turns a Status
// into an HTTP answer. Thread-compatible value types.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ordo {

enum class Code {
  kOk,
  kInvalidJson,        // 400 invalid_json
  kUnauthenticated,    // 401 unauthenticated
  kForbidden,          // 403 forbidden
  kNotFound,           // 404 not_found
  kConflict,           // 409 conflict
  kInvalidTransition,  // 409 invalid_transition
  kBusinessRule,       // 409 <flag code>, e.g. below_min_price
  kPayloadTooLarge,    // 413 payload_too_large
  kValidationFailed,   // 422 validation_failed
  kRateLimited,        // 429 rate_limited
  kInternal,           // 500 internal
  kUnavailable,        // 503 unavailable (database unreachable)
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status NotFound(std::string what) { return {Code::kNotFound, std::move(what)}; }
  static Status Forbidden(std::string what = "not allowed for your role") {
    return {Code::kForbidden, std::move(what)};
  }
  static Status Conflict(std::string what) { return {Code::kConflict, std::move(what)}; }
  static Status Internal(std::string what) { return {Code::kInternal, std::move(what)}; }
  static Status Unauthenticated(std::string what) {
    return {Code::kUnauthenticated, std::move(what)};
  }
  static Status InvalidTransition(std::string status, std::string action) {
    Status s(Code::kInvalidTransition, "cannot " + action + " an order in status " + status);
    s.details_["status"] = std::move(status);
    s.details_["action"] = std::move(action);
    return s;
  }
  // A business rule refused the action; `rule` is the API error code (the flag's name).
  static Status Rule(std::string rule, std::string message) {
    Status s(Code::kBusinessRule, std::move(message));
    s.rule_ = std::move(rule);
    return s;
  }
  // One bad field; add more with AddField.
  static Status Invalid(std::string field, std::string reason) {
    Status s(Code::kValidationFailed, "validation failed");
    s.AddField(std::move(field), std::move(reason));
    return s;
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& rule() const { return rule_; }
  // Bad field path → reason, in the order they were found.
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }
  const std::map<std::string, std::string>& details() const { return details_; }

  Status& AddField(std::string field, std::string reason) {
    code_ = Code::kValidationFailed;
    if (message_.empty()) message_ = "validation failed";
    fields_.emplace_back(std::move(field), std::move(reason));
    return *this;
  }
  Status& AddDetail(std::string key, std::string value) {
    details_[std::move(key)] = std::move(value);
    return *this;
  }

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::string rule_;
  std::vector<std::pair<std::string, std::string>> fields_;
  std::map<std::string, std::string> details_;
};

// Collects field errors during validation; Finish() is Ok when none were added.
class FieldErrors {
 public:
  void Add(std::string field, std::string reason) {
    status_.AddField(std::move(field), std::move(reason));
  }
  bool empty() const { return status_.ok(); }
  Status Finish() { return std::move(status_); }

 private:
  Status status_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  Status TakeStatus() { return ok() ? Status() : std::move(std::get<Status>(v_)); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace ordo

#define ORDO_CONCAT_INNER(a, b) a##b
#define ORDO_CONCAT(a, b) ORDO_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)    \
  do {                           \
    ::ordo::Status _st = (expr); \
    if (!_st.ok()) return _st;   \
  } while (0)

#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.TakeStatus();     \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) ASSIGN_OR_RETURN_IMPL(ORDO_CONCAT(_res_, __LINE__), lhs, expr)
