#include "storage/query.h"

#include <algorithm>

namespace ordo::storage {

namespace {
constexpr int kMaxPageSize = 200;
}  // namespace

Where& Where::AndWith(std::string fragment, const std::vector<Value>& params) {
  clauses_.push_back(std::move(fragment));
  params_.insert(params_.end(), params.begin(), params.end());
  return *this;
}

Where& Where::AndWith(std::string fragment, const std::vector<std::string>& params) {
  clauses_.push_back(std::move(fragment));
  for (const auto& p : params) params_.emplace_back(p);
  return *this;
}

Where& Where::AndIn(std::string_view column, const std::vector<std::string>& values) {
  if (values.empty()) return *this;
  std::string clause(column);
  clause += " IN (";
  for (size_t i = 0; i < values.size(); ++i) {
    clause += i == 0 ? "?" : ", ?";
    params_.emplace_back(values[i]);
  }
  clause += ')';
  clauses_.push_back(std::move(clause));
  return *this;
}

std::string Where::Sql() const {
  std::string out;
  for (const auto& c : clauses_) {
    out += out.empty() ? " WHERE (" : " AND (";
    out += c;
    out += ')';
  }
  return out;
}

Window WindowOf(const PageRequest& page) {
  const int64_t size = std::clamp(page.page_size, 1, kMaxPageSize);
  const int64_t number = std::max(page.page, 1);
  return {size, (number - 1) * size};
}

Result<int64_t> CountRows(Sql& sql, std::string_view from, const Where& where) {
  ASSIGN_OR_RETURN(Statement st,
                   sql.Prepare("SELECT COUNT(*) FROM " + std::string(from) + where.Sql()));
  where.BindTo(st);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Internal("count returned no row");
  const int64_t n = st.Int(0);
  RETURN_IF_ERROR(st.decode_status());
  return n;
}

Result<int64_t> InsertedId(Statement& st) {
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Internal("insert returned no id");
  const int64_t id = st.Int(0);
  RETURN_IF_ERROR(st.decode_status());
  return id;
}

Status VersionedUpdateResult(Sql& sql, int64_t changed, std::string_view table, int64_t id,
                             std::string_view what) {
  if (changed > 0) return Status::Ok();
  ASSIGN_OR_RETURN(Statement probe,
                   sql.Prepare("SELECT 1 FROM " + std::string(table) + " WHERE id = ?"));
  probe.Bind(id);
  ASSIGN_OR_RETURN(bool exists, probe.Step());
  if (!exists) return Status::NotFound(std::string(what) + " not found");
  return sql.StaleVersion();
}

std::string Select(std::string_view cols, std::string_view rest) {
  std::string s = "SELECT ";
  s += cols;
  s += ' ';
  s += rest;
  return s;
}

}  // namespace ordo::storage
