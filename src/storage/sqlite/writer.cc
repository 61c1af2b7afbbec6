#include "storage/sqlite/writer.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "storage/sqlite/sqlite_tx.h"

namespace ordo::storage::sqlite {

namespace {
// Past this many WAL pages (32 MiB) the checkpointer is asked to copy them back. A page
// that many commits change (an index page per product) is copied once per checkpoint,
// so rarer checkpoints copy much less than SQLite's default of every 1,000 pages.
constexpr int kCheckpointFrames = 8192;
// Past this many (128 MiB) the writer makes the WAL start over (MaybeRestartWal).
constexpr int kRestartFrames = 32768;
// The longest the writer waits after a commit for the next batch to fill (see Loop).
constexpr auto kMaxGather = std::chrono::microseconds(2000);
}  // namespace

Writer::Writer(std::unique_ptr<Connection> conn, std::unique_ptr<Connection> checkpoint_conn,
               size_t max_batch)
    : conn_(std::move(conn)), max_batch_(max_batch) {
  if (checkpoint_conn) {
    checkpointer_ = std::make_unique<Checkpointer>(std::move(checkpoint_conn));
    sqlite3_wal_autocheckpoint(conn_->handle(), 0);  // replaces SQLite's own hook
    sqlite3_wal_hook(conn_->handle(), &Writer::OnWalCommit, this);
  }
  thread_ = std::thread([this] { Loop(); });
}

int Writer::OnWalCommit(void* self, sqlite3* /*db*/, const char* /*name*/, int frames) {
  auto* w = static_cast<Writer*>(self);
  w->wal_frames_ = frames;
  if (frames >= kCheckpointFrames) w->checkpointer_->Poke();
  return SQLITE_OK;
}

void Writer::MaybeRestartWal() {
  if (!checkpointer_ || wal_frames_ < kRestartFrames) return;
  // The checkpointer has copied nearly everything; this copies the rest (PASSIVE: if the
  // checkpointer is busy right now, this returns at once and the next batch tries).
  int log_frames = 0;
  int copied_frames = 0;
  const int rc = sqlite3_wal_checkpoint_v2(conn_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                           &log_frames, &copied_frames);
  if (rc == SQLITE_OK && log_frames == copied_frames) wal_frames_ = 0;
}

Writer::~Writer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  thread_.join();
  checkpointer_.reset();  // before the connection closes (and checkpoints) the WAL
}

Status Writer::Submit(const Fn& fn) {
  if (std::this_thread::get_id() == thread_.get_id()) {
    return Status::Internal("Store::Write called from inside a write transaction");
  }
  Job job{&fn, Status::Ok(), false};
  std::unique_lock<std::mutex> lock(mu_);
  if (stopping_) return Status(Code::kUnavailable, "the store is closing");
  queue_.push_back(&job);
  // Wake the writer only when it waits for exactly this: a busy writer takes the job
  // with the next batch anyway.
  if (queue_.size() == wake_at_) work_cv_.notify_one();
  while (!job.done) {
    // A queued job goes into the batch after the last one taken (or a later one, when
    // that batch was full: then this wakes early and waits again).
    const uint64_t batch = job.batch != 0 ? job.batch : batches_taken_ + 1;
    done_cv_[batch % 2].wait(lock);
  }
  return std::move(job.result);
}

void Writer::Loop() {
  using Clock = std::chrono::steady_clock;
  std::vector<Job*> batch;
  size_t released = 0;  // jobs of the last batch, whose callers are coming back
  Clock::time_point committed_at;
  Clock::duration gather{};  // how long the next batch may wait to fill
  for (;;) {
    batch.clear();
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_at_ = 1;
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      // Gather. The callers released by the last commit need a moment (their answer,
      // the client, the next request) to come back; when fewer jobs are waiting than
      // that batch held, starting at once would commit a thin batch and pay a whole
      // fsync for it. So wait, briefly, until as many are queued as the last batch
      // held: at most half as long as the last commit took (waiting longer than a
      // commit costs more than the commit it saves), and never more than kMaxGather.
      // Under steady load the queue is already that long (the callers take turns in two
      // halves, one in the batch while the other is answered): no wait at all.
      const size_t target = std::min(max_batch_, released);
      if (!stopping_ && queue_.size() < target && gather.count() > 0) {
        wake_at_ = target;
        work_cv_.wait_until(lock, committed_at + gather,
                            [&] { return stopping_ || queue_.size() >= target; });
      }
      wake_at_ = 0;                // busy: nobody needs to wake the writer
      if (queue_.empty()) return;  // stopping, and every job is done
      ++batches_taken_;
      while (!queue_.empty() && batch.size() < max_batch_) {
        queue_.front()->batch = batches_taken_;
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    MaybeRestartWal();
    RunBatch(batch);
    uint64_t number = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      number = batch.front()->batch;
      for (Job* job : batch) job->done = true;  // a caller may return as soon as this is set
      released = batch.size();
    }
    committed_at = Clock::now();
    gather = std::min<Clock::duration>(kMaxGather, last_commit_ / 2);
    done_cv_[number % 2].notify_all();
  }
}

Status Writer::RunJob(const Fn& fn) {
  RETURN_IF_ERROR(conn_->Run("SAVEPOINT job"));
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
    Status released = conn_->Run("RELEASE job");
    if (released.ok()) return st;
    st = std::move(released);
  }
  const Status undone = conn_->Exec("ROLLBACK TO job");
  const Status released = conn_->Run("RELEASE job");
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
      Status begin = conn_->Run("BEGIN IMMEDIATE");
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
  const auto t1 = std::chrono::steady_clock::now();
  Status commit = conn_->Run("COMMIT");
  last_commit_ = std::chrono::steady_clock::now() - t1;
  if (!commit.ok()) {
    if (conn_->in_transaction()) (void)conn_->Exec("ROLLBACK");
    fail_pending(commit);
  }
}

}  // namespace ordo::storage::sqlite
