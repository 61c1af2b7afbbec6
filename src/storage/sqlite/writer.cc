#include "storage/sqlite/writer.h"

#include <utility>

#include "storage/sqlite/sqlite_tx.h"

namespace ordo::storage::sqlite {

Writer::Writer(std::unique_ptr<Connection> conn, size_t max_batch)
    : conn_(std::move(conn)), max_batch_(max_batch), thread_([this] { Loop(); }) {}

Writer::~Writer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  thread_.join();
}

Status Writer::Submit(const Fn& fn) {
  if (std::this_thread::get_id() == thread_.get_id()) {
    return Status::Internal("Store::Write called from inside a write transaction");
  }
  Job job{&fn, Status::Ok(), false};
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Status(Code::kUnavailable, "the store is closing");
    queue_.push_back(&job);
  }
  work_cv_.notify_one();
  std::unique_lock<std::mutex> lock(mu_);
  done_cv_.wait(lock, [&] { return job.done; });
  return std::move(job.result);
}

void Writer::Loop() {
  std::vector<Job*> batch;
  for (;;) {
    batch.clear();
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and every job is done
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    RunBatch(batch);
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (Job* job : batch) job->done = true;  // a caller may return as soon as this is set
    }
    done_cv_.notify_all();
  }
}

Status Writer::RunJob(const Fn& fn) {
  RETURN_IF_ERROR(conn_->Exec("SAVEPOINT job"));
  Status st;
  try {
    SqliteTx tx(*conn_, /*writable=*/true);
    st = fn(tx);
  } catch (...) {
    // The exception's text may carry request data; the client gets a plain 500.
    st = Status::Internal("unexpected exception in a write transaction");
  }
  if (!conn_->in_transaction()) {
    return st.ok() ? Status::Internal("the transaction was rolled back by the database") : st;
  }
  if (st.ok()) {
    Status released = conn_->Exec("RELEASE job");
    if (released.ok()) return st;
    st = std::move(released);
  }
  const Status undone = conn_->Exec("ROLLBACK TO job");
  const Status released = conn_->Exec("RELEASE job");
  if (!undone.ok() || !released.ok()) {
    // The job's writes could not be taken back alone: take back the whole batch.
    (void)conn_->Exec("ROLLBACK");
  }
  return st;
}

void Writer::RunBatch(const std::vector<Job*>& batch) {
  std::vector<Job*> pending;  // succeeded; their writes wait for the COMMIT
  auto fail_pending = [&](const Status& st) {
    for (Job* job : pending) job->result = st;
    pending.clear();
  };
  bool open = false;
  for (Job* job : batch) {
    if (!open) {
      Status begin = conn_->Exec("BEGIN IMMEDIATE");
      if (!begin.ok()) {
        job->result = std::move(begin);
        continue;
      }
      open = true;
    }
    Status st = RunJob(*job->fn);
    if (!conn_->in_transaction()) {
      // The whole transaction is gone (an I/O error, a full disk, a failed rollback):
      // so are the writes of the jobs before this one. The rest start a new one.
      fail_pending(Status::Internal("the transaction was rolled back by the database"));
      open = false;
    }
    if (st.ok() && open) {
      pending.push_back(job);
    } else {
      job->result = st.ok() ? Status::Internal("the transaction was rolled back by the database")
                            : std::move(st);
    }
  }
  if (!open) return;
  Status commit = conn_->Exec("COMMIT");
  if (!commit.ok()) {
    if (conn_->in_transaction()) (void)conn_->Exec("ROLLBACK");
    fail_pending(commit);
  }
}

}  // namespace ordo::storage::sqlite
