#include "storage/postgres/pg_store.h"

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <random>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "storage/postgres/migrate.h"
#include "storage/postgres/pg_tx.h"

namespace ordo::storage::postgres {

namespace {

constexpr int kMaxPoolSize = 1000;
constexpr int kMaxBusyRetries = 5;       // deadlocks, serialization failures
constexpr int kMaxLostRaceRetries = 1;   // check-then-insert lost to a concurrent insert
constexpr int kMaxReconnectRetries = 2;  // connection lost before COMMIT

// The store whose Write this thread is inside of, to refuse a nested Write (it would wait
// for locks its own outer transaction holds).
thread_local const Store* t_writing = nullptr;

class WritingScope {
 public:
  explicit WritingScope(const Store* store) { t_writing = store; }
  ~WritingScope() { t_writing = nullptr; }
  WritingScope(const WritingScope&) = delete;
  WritingScope& operator=(const WritingScope&) = delete;
};

// Sleeps a random time below 2^attempt ms (at most 64 ms), so that the transactions that
// deadlocked do not meet again at once.
void Backoff(int attempt) {
  thread_local std::minstd_rand rng(std::random_device{}());
  const int ceiling_ms = 1 << std::min(attempt, 6);
  std::uniform_int_distribution<int> us(ceiling_ms * 250, ceiling_ms * 1000);
  std::this_thread::sleep_for(std::chrono::microseconds(us(rng)));
}

// Rolls back; a connection that cannot even do that is dropped by the pool.
void AbortQuietly(pqxx::transaction_base& txn, Connection& conn) {
  try {
    txn.abort();
  } catch (const std::exception&) {
    conn.MarkBroken();
  }
}

Result<int> ParsePoolSize(std::string_view text, const char* what) {
  int v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  // Two at least: a Read may wait for a Write that another thread runs meanwhile.
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || v < 2 || v > kMaxPoolSize) {
    return Status::Invalid(what, "pool size must be a whole number from 2 to 1000");
  }
  return v;
}

}  // namespace

Result<PgUrl> ParsePgUrl(const std::string& url, const char* pool_env) {
  if (!url.starts_with("postgresql://") && !url.starts_with("postgres://")) {
    return Status::Invalid("db", "expected postgresql://...");
  }
  PgUrl out;
  if (pool_env != nullptr && *pool_env != '\0') {
    ASSIGN_OR_RETURN(out.pool_size, ParsePoolSize(pool_env, "ORDO_PG_POOL"));
  }
  const size_t q = url.find('?');
  out.conninfo = url.substr(0, q);
  std::vector<std::string> kept;
  bool has_app_name = false;
  bool has_timeout = false;
  if (q != std::string::npos) {
    std::string_view rest(url);
    rest.remove_prefix(q + 1);
    while (!rest.empty()) {
      const size_t amp = rest.find('&');
      const std::string_view param = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
      if (param.empty()) continue;
      const std::string_view key = param.substr(0, param.find('='));
      if (key == "pool_size") {
        const std::string_view value =
            key.size() < param.size() ? param.substr(key.size() + 1) : std::string_view();
        ASSIGN_OR_RETURN(out.pool_size, ParsePoolSize(value, "db"));
        continue;
      }
      has_app_name =
          has_app_name || key == "application_name" || key == "fallback_application_name";
      has_timeout = has_timeout || key == "connect_timeout";
      kept.emplace_back(param);
    }
  }
  if (!has_app_name) kept.emplace_back("fallback_application_name=ordo");
  if (!has_timeout) kept.emplace_back("connect_timeout=10");
  for (size_t i = 0; i < kept.size(); ++i) {
    out.conninfo += i == 0 ? '?' : '&';
    out.conninfo += kept[i];
  }
  return out;
}

struct PgStore::Attempt {
  Status status;
  Failure failure = Failure::kNone;
};

Result<std::unique_ptr<PgStore>> PgStore::Open(const std::string& url) {
  ASSIGN_OR_RETURN(PgUrl parsed, ParsePgUrl(url, std::getenv("ORDO_PG_POOL")));
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, Connection::Open(parsed.conninfo));
  RETURN_IF_ERROR(Migrate(*conn));
  std::unique_ptr<PgStore> store(new PgStore(parsed.conninfo, parsed.pool_size));
  if (!conn->broken()) store->pool_.Adopt(std::move(conn));
  RETURN_IF_ERROR(store->Ping());
  return store;
}

Status PgStore::Write(const std::function<Status(Tx&)>& fn) {
  if (t_writing == this) {
    return Status::Internal("Store::Write called from inside a write transaction");
  }
  int busy = 0;
  int lost_race = 0;
  int reconnect = 0;
  for (;;) {
    Attempt a = WriteOnce(fn);
    if (a.failure == Failure::kRetry && busy < kMaxBusyRetries) {
      Backoff(++busy);
      continue;
    }
    if (a.failure == Failure::kLostRace && lost_race < kMaxLostRaceRetries) {
      ++lost_race;
      continue;
    }
    if (a.failure == Failure::kDisconnected && reconnect < kMaxReconnectRetries) {
      ++reconnect;
      pool_.DropIdle();
      continue;
    }
    return std::move(a.status);
  }
}

PgStore::Attempt PgStore::WriteOnce(const std::function<Status(Tx&)>& fn) {
  auto lease = pool_.Acquire();
  if (!lease.ok()) return {lease.TakeStatus(), Failure::kFinal};
  Connection& conn = **lease;
  try {
    pqxx::work txn(conn.raw());  // BEGIN (READ COMMITTED: the session's default)
    Status st;
    Failure failure = Failure::kNone;
    Status failure_status;
    {
      PgTx tx(conn, txn, /*writable=*/true, &serials_);
      WritingScope scope(this);
      try {
        st = fn(tx);
      } catch (...) {
        // The exception's text may carry request data; the client gets a plain 500.
        st = Status::Internal("unexpected exception in a write transaction");
      }
      // The movements and events the Tx kept back go in before COMMIT; a failure there
      // is the transaction's like any statement's.
      if (st.ok()) (void)tx.Flush();
      failure = tx.failure();
      failure_status = tx.failure_status();
    }
    if (failure != Failure::kNone) {
      // The server aborted the transaction at the failed statement, whatever fn returned.
      AbortQuietly(txn, conn);
      return {st.ok() ? std::move(failure_status) : std::move(st), failure};
    }
    if (!st.ok()) {
      AbortQuietly(txn, conn);
      return {std::move(st), Failure::kNone};
    }
    txn.commit();
    return {Status::Ok(), Failure::kNone};
  } catch (const std::exception& e) {
    Classified c = Classify(e);
    if (c.failure == Failure::kDisconnected) conn.MarkBroken();
    return {std::move(c.status), c.failure};
  }
}

Status PgStore::Read(const std::function<Status(Tx&)>& fn) {
  for (int reconnect = 0;; ++reconnect) {
    Attempt a = ReadOnce(fn);
    // A read may always run again; only a stale connection is worth it.
    if (a.failure == Failure::kDisconnected && reconnect < kMaxReconnectRetries) {
      pool_.DropIdle();
      continue;
    }
    return std::move(a.status);
  }
}

PgStore::Attempt PgStore::ReadOnce(const std::function<Status(Tx&)>& fn) {
  auto lease = pool_.Acquire();
  if (!lease.ok()) return {lease.TakeStatus(), Failure::kFinal};
  Connection& conn = **lease;
  try {
    // BEGIN; SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY: one snapshot,
    // taken at the first statement.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> txn(conn.raw());
    Status st;
    Failure failure = Failure::kNone;
    {
      PgTx tx(conn, txn, /*writable=*/false);
      try {
        st = fn(tx);
      } catch (...) {
        st = Status::Internal("unexpected exception in a read transaction");
      }
      failure = tx.failure();
      if (failure != Failure::kNone && st.ok()) st = tx.failure_status();
    }
    if (failure != Failure::kNone) {
      AbortQuietly(txn, conn);
      return {std::move(st), failure};
    }
    txn.commit();
    return {std::move(st), Failure::kNone};
  } catch (const std::exception& e) {
    Classified c = Classify(e);
    if (c.failure == Failure::kDisconnected) conn.MarkBroken();
    return {std::move(c.status), c.failure};
  }
}

Status PgStore::Ping() {
  for (int reconnect = 0;; ++reconnect) {
    auto lease = pool_.Acquire();
    if (!lease.ok()) return lease.TakeStatus();
    Connection& conn = **lease;
    try {
      pqxx::nontransaction n(conn.raw());
      const pqxx::result r = n.exec("SELECT 1");
      n.commit();
      if (r.size() != 1 || r[0][0].as<int>() != 1) {
        return Status(Code::kUnavailable, "the database does not answer");
      }
      return Status::Ok();
    } catch (const std::exception& e) {
      Classified c = Classify(e);
      if (c.failure == Failure::kDisconnected) {
        conn.MarkBroken();
        pool_.DropIdle();
        if (reconnect < kMaxReconnectRetries) continue;
      }
      return std::move(c.status);
    }
  }
}

Status PgStore::Backup(const std::string& path) {
  // pg_dump takes a consistent snapshot without stopping the servers, and restores into
  // any PostgreSQL; a second way of doing the same here would only be a worse one.
  return Status(Code::kValidationFailed, "use pg_dump for PostgreSQL");
}

}  // namespace ordo::storage::postgres
