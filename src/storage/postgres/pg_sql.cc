#include "storage/postgres/pg_sql.h"

#include <utility>

namespace ordo::storage::postgres {

// One execution: the parameters are gathered as text, the statement runs at the first
// Step, and its rows are read from the result.
class PgStatement final : public storage::Statement::Impl {
 public:
  explicit PgStatement(PgSql& sql) : sql_(sql) {}

  void Start(std::string_view text) {
    text_.assign(text);
    params_.Clear();
    executed_ = false;
    next_ = 0;
  }

  void BindInt(int64_t v) override { params_.Bind(v); }
  void BindBool(bool v) override { params_.Bind(v); }
  void BindText(std::string_view v) override { params_.Bind(v); }
  void BindNull() override { params_.Bind(nullptr); }

  Result<bool> Step() override {
    if (!executed_) {
      executed_ = true;
      ASSIGN_OR_RETURN(result_, sql_.Exec(text_, params_));
    }
    if (next_ >= result_.size()) return false;
    row_ = next_++;
    return true;
  }
  int64_t Changes() const override { return result_.affected_rows(); }

  bool IsNull(int col) const override { return Field(col).is_null(); }
  int64_t Int(int col) override {
    int64_t v = 0;
    if (!FieldInt(Field(col), &v)) Fail("malformed integer in column");
    return v;
  }
  bool Bool(int col) const override {
    const pqxx::field f = Field(col);
    return !f.is_null() && f.c_str()[0] == 't';
  }
  std::string_view Text(int col) const override {
    const pqxx::field f = Field(col);
    return std::string_view(f.c_str(), f.size());
  }

  void Finish() override {
    result_ = pqxx::result();
    sql_.idle_statements_.push_back(this);
  }

 private:
  pqxx::field Field(int col) const {
    return result_[static_cast<pqxx::result::size_type>(row_)][col];
  }

  PgSql& sql_;
  std::string text_;
  Params params_;
  pqxx::result result_;
  bool executed_ = false;
  size_t next_ = 0;  // the row the next Step reads
  size_t row_ = 0;   // the current row
};

PgSql::PgSql(Connection& conn, pqxx::transaction_base& txn, bool writable)
    : conn_(conn), txn_(txn), writable_(writable) {}

PgSql::~PgSql() = default;

Result<storage::Statement> PgSql::Prepare(std::string_view sql) {
  if (idle_statements_.empty()) {
    statements_.push_back(std::make_unique<PgStatement>(*this));
    idle_statements_.push_back(statements_.back().get());
  }
  PgStatement* impl = idle_statements_.back();
  idle_statements_.pop_back();
  impl->Start(sql);
  return storage::Statement(impl);
}

Status PgSql::StaleVersion() {
  // The use cases update with the version they read in this transaction; a concurrent
  // transaction committed a newer one since. Running the use case again reads that
  // version and answers what SQLite would have: an invalid transition, or a stale
  // If-Match; when it keeps losing, this Status.
  return Fail(Failure::kRetry, Status::Conflict("stale version"));
}

Status PgSql::Fail(Failure failure, Status status) {
  failure_ = failure;
  failure_status_ = std::move(status);
  return failure_status_;
}

Result<pqxx::result> PgSql::Exec(std::string_view sql, const Params& params) {
  if (failure_ != Failure::kNone) return failure_status_;
  RETURN_IF_ERROR(Flush());
  return Run(sql, params);
}

Result<pqxx::result> PgSql::Run(std::string_view sql, const Params& params) {
  if (failure_ != Failure::kNone) return failure_status_;
  if (params.has_nul()) {
    // Refused before it reaches the server, so the transaction goes on as SQLite's would.
    return Status(Code::kValidationFailed, "text may not contain NUL characters");
  }
  try {
    const std::vector<const char*> values = params.Pointers();
    const auto dynamic = pqxx::prepare::make_dynamic_params(values);
    if (const std::string* name = conn_.Prepared(sql)) return txn_.exec_prepared(*name, dynamic);
    return txn_.exec_params(NumberPlaceholders(sql), dynamic);
  } catch (const std::exception& e) {
    Classified c = Classify(e);
    if (c.failure == Failure::kDisconnected) conn_.MarkBroken();
    return Fail(c.failure, std::move(c.status));
  }
}

Result<int64_t> PgSql::ExecInt(std::string_view sql, const Params& params, const char* what) {
  ASSIGN_OR_RETURN(pqxx::result r, Exec(sql, params));
  if (r.empty()) return Status::Internal(std::string(what) + " returned no row");
  Row row(r[0]);
  const int64_t v = row.Int(0);
  RETURN_IF_ERROR(row.decode_status());
  return v;
}

Result<int64_t> PgSql::CountRows(std::string_view from, const Where& where) {
  Params params;
  where.BindTo(params);
  return ExecInt("SELECT COUNT(*) FROM " + std::string(from) + where.Sql(), params, "count");
}

}  // namespace ordo::storage::postgres
