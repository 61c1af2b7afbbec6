#include "storage/sql.h"

#include <string>

namespace ordo::storage {

void Statement::Impl::Fail(const char* what) {
  if (decode_.ok()) decode_ = Status::Internal(std::string("decoding a row: ") + what);
}

Statement::~Statement() {
  if (impl_ == nullptr) return;
  if (!impl_->decode_.ok()) impl_->decode_ = Status();
  impl_->Finish();
}

Status Statement::Run() {
  for (;;) {
    ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

Date Statement::AsDate(int col) {
  auto d = ParseDate(TextView(col));
  if (!d.ok()) {
    Fail("malformed date in column");
    return Date{};
  }
  return *d;
}

std::optional<Date> Statement::OptDate(int col) {
  if (IsNull(col)) return std::nullopt;
  return AsDate(col);
}

std::string ContainsPattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  out += '%';
  return out;
}

}  // namespace ordo::storage
