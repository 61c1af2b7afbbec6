// What the PostgreSQL store does beyond the storage contract (test/storage_contract_test.cc):
// several stores on one database, as several servers are — migrations at the same moment,
// reservations and idempotency keys racing, deadlocks, stale versions and lost connections
// retried. Each test gets a fresh database in the cluster of ORDO_TEST_PG_URL
// (scripts/with-postgres.sh); without it only the URL tests run.

#include "storage/postgres/pg_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "storage/migrations.h"
#include "support/pg_cluster.h"

namespace ordo::storage::postgres {
namespace {

using test::PgDatabase;

std::string Describe(const Status& s) {
  return "code " + std::to_string(static_cast<int>(s.code())) + ": " + s.message();
}

TEST(PgUrl, PoolSizeIsOursTheRestGoesToLibpq) {
  auto u = ParsePgUrl("postgresql://u:p@h:5433/db?sslmode=disable&pool_size=4", nullptr);
  ASSERT_TRUE(u.ok()) << Describe(u.status());
  EXPECT_EQ(u->pool_size, 4);
  EXPECT_EQ(u->conninfo,
            "postgresql://u:p@h:5433/db?sslmode=disable&fallback_application_name=ordo&"
            "connect_timeout=10");

  u = ParsePgUrl("postgres://h/db?application_name=x&connect_timeout=3", "7");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->pool_size, 7);  // ORDO_PG_POOL
  EXPECT_EQ(u->conninfo, "postgres://h/db?application_name=x&connect_timeout=3");

  u = ParsePgUrl("postgresql:///db?pool_size=2", "7");  // the URL wins over the variable
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->pool_size, 2);
  EXPECT_EQ(ParsePgUrl("postgresql://h/db", nullptr)->pool_size, PgStore::kDefaultPoolSize);

  EXPECT_EQ(ParsePgUrl("postgresql://h/db?pool_size=1", nullptr).status().code(),
            Code::kValidationFailed);
  EXPECT_EQ(ParsePgUrl("postgresql://h/db", "many").status().code(), Code::kValidationFailed);
  EXPECT_EQ(ParsePgUrl("mysql://h/db", nullptr).status().code(), Code::kValidationFailed);
}

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::PgTestUrl().empty()) GTEST_SKIP() << "needs ORDO_TEST_PG_URL (with-postgres.sh)";
    std::string error;
    db_ = PgDatabase::Create(&error);
    ASSERT_NE(db_, nullptr) << error;
  }

  // A store on the test's database: each is a pool of its own, as a server is.
  std::unique_ptr<PgStore> OpenOne() {
    auto r = PgStore::Open(db_->url());
    if (!r.ok()) {
      ADD_FAILURE() << Describe(r.status());
      return nullptr;
    }
    return std::move(r).value();
  }

  int64_t Scalar(const std::string& sql) {
    std::vector<std::vector<nlohmann::json>> rows;
    std::string error;
    if (!test::PgQuery(db_->url(), sql, &rows, &error)) {
      ADD_FAILURE() << error;
      return -1;
    }
    return rows.empty() || rows[0].empty() ? -1 : rows[0][0].get<int64_t>();
  }

  // A product and a warehouse with `on_hand` in stock; returns {product, warehouse}.
  std::pair<int64_t, int64_t> Stocked(PgStore& store, const std::string& code, Qty on_hand) {
    int64_t p = 0;
    int64_t w = 0;
    const Status st = store.Write([&](Tx& tx) -> Status {
      Product product;
      product.sku = code;
      product.name = code;
      ASSIGN_OR_RETURN(p, tx.InsertProduct(product));
      Warehouse warehouse;
      warehouse.code = code;
      warehouse.name = code;
      ASSIGN_OR_RETURN(w, tx.InsertWarehouse(warehouse));
      return tx.AdjustOnHand(p, w, on_hand).status();
    });
    EXPECT_TRUE(st.ok()) << Describe(st);
    return {p, w};
  }

  std::unique_ptr<PgDatabase> db_;
};

TEST_F(PgStoreTest, ServersStartingTogetherMigrateOnce) {
  constexpr int kStores = 6;
  std::vector<std::unique_ptr<PgStore>> stores(kStores);
  std::latch start(kStores);
  std::vector<std::thread> threads;
  for (int i = 0; i < kStores; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      stores[i] = OpenOne();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& s : stores) ASSERT_NE(s, nullptr);
  int64_t known = 0;
  for (const auto& m : Migrations()) known += m.dialect == "postgres";
  EXPECT_EQ(Scalar("SELECT count(*) FROM schema_migrations"), known);
  EXPECT_EQ(Scalar("SELECT count(*) FROM schema_migrations WHERE applied_at > 0"), known);
  EXPECT_EQ(Scalar("SELECT min(version) FROM schema_migrations"), 1);
  EXPECT_TRUE(stores[0]->Write([](Tx& tx) { return tx.CountUsers().status(); }).ok());
}

TEST_F(PgStoreTest, ReservationsFromTwoStoresNeverOversell) {
  auto a = OpenOne();
  auto b = OpenOne();
  ASSERT_TRUE(a && b);
  const auto [p, w] = Stocked(*a, "R1", Qty::FromUnits(100'000));
  const int64_t product = p;  // lambdas capture variables, not structured bindings
  const int64_t warehouse = w;
  constexpr int kThreads = 24;
  std::vector<Qty> got(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      PgStore& store = i % 2 == 0 ? *a : *b;
      start.arrive_and_wait();
      for (int k = 0; k < 5; ++k) {
        const Status st = store.Write([&, i](Tx& tx) -> Status {
          ASSIGN_OR_RETURN(Qty q, tx.Reserve(product, warehouse, Qty::FromUnits(1'000 + 7 * i)));
          got[i] += q;
          return Status::Ok();
        });
        EXPECT_TRUE(st.ok()) << Describe(st);
      }
    });
  }
  for (auto& t : threads) t.join();
  Qty total;
  for (const Qty& q : got) total += q;
  EXPECT_EQ(total, Qty::FromUnits(100'000));  // far more was asked: all of it, no more
  EXPECT_EQ(Scalar("SELECT reserved FROM stock"), 100'000);
  EXPECT_EQ(Scalar("SELECT on_hand FROM stock"), 100'000);
}

TEST_F(PgStoreTest, SameIdempotencyKeyOnTwoStoresOneWinsTheOtherReplays) {
  auto a = OpenOne();
  auto b = OpenOne();
  ASSERT_TRUE(a && b);
  constexpr size_t kKeys = 12;
  std::atomic<int> runs{0};
  std::vector<std::string> answers(2 * kKeys);
  std::latch start(2 * kKeys);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < 2 * kKeys; ++i) {
    threads.emplace_back([&, i] {
      PgStore& store = i % 2 == 0 ? *a : *b;
      const std::string key = "key-" + std::to_string(i / 2);
      start.arrive_and_wait();
      const Status st = store.Write([&, i](Tx& tx) -> Status {
        ++runs;
        ASSIGN_OR_RETURN(auto prior, tx.GetIdempotency(1, key));
        if (prior) {
          answers[i] = "replayed " + prior->body;
          return Status::Ok();
        }
        // Both look before either inserts.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        answers[i] = "first " + std::to_string(i);
        return tx.PutIdempotency(1, key, {"h", 201, std::to_string(i)}, 1);
      });
      EXPECT_TRUE(st.ok()) << Describe(st);
    });
  }
  for (auto& t : threads) t.join();
  for (size_t k = 0; k < kKeys; ++k) {
    const std::string& x = answers[2 * k];
    const std::string& y = answers[2 * k + 1];
    // One created it; the other, run again after its INSERT lost, replays that one's body.
    const bool x_first = x.rfind("first ", 0) == 0;
    const std::string& first = x_first ? x : y;
    const std::string& second = x_first ? y : x;
    EXPECT_EQ(first.rfind("first ", 0), 0u) << x << " / " << y;
    EXPECT_EQ(second, "replayed " + first.substr(6)) << x << " / " << y;
  }
  EXPECT_EQ(Scalar("SELECT count(*) FROM idempotency_keys"), static_cast<int64_t>(kKeys));
  EXPECT_GT(runs.load(),
            static_cast<int>(2 * kKeys));  // the race was lost and retried at least once
}

TEST_F(PgStoreTest, DeadlockIsRetried) {
  auto a = OpenOne();
  auto b = OpenOne();
  ASSERT_TRUE(a && b);
  const std::pair<int64_t, int64_t> one = Stocked(*a, "D1", Qty::FromUnits(1'000));
  const std::pair<int64_t, int64_t> two = Stocked(*a, "D2", Qty::FromUnits(1'000));
  // Two transactions take the same two rows in opposite orders; PostgreSQL breaks the
  // deadlock by aborting one, which runs again and commits.
  std::latch both_hold_one(2);
  std::atomic<int> runs{0};
  auto crosswise = [&](PgStore& store, int64_t first_p, int64_t first_w, int64_t second_p,
                       int64_t second_w) {
    bool waited = false;
    return store.Write([&](Tx& tx) -> Status {
      ++runs;
      RETURN_IF_ERROR(tx.AdjustOnHand(first_p, first_w, Qty::FromUnits(1)).status());
      if (!waited) {
        waited = true;
        both_hold_one.arrive_and_wait();
      }
      return tx.AdjustOnHand(second_p, second_w, Qty::FromUnits(1)).status();
    });
  };
  Status sa, sb;
  std::thread ta([&] { sa = crosswise(*a, one.first, one.second, two.first, two.second); });
  std::thread tb([&] { sb = crosswise(*b, two.first, two.second, one.first, one.second); });
  ta.join();
  tb.join();
  EXPECT_TRUE(sa.ok()) << Describe(sa);
  EXPECT_TRUE(sb.ok()) << Describe(sb);
  // One of them was aborted and ran again (under load it may be aborted twice).
  EXPECT_GE(runs.load(), 3);
  EXPECT_EQ(Scalar("SELECT sum(on_hand) FROM stock"), 2'004);
}

TEST_F(PgStoreTest, UpdateThatLostToAConcurrentOneRunsAgain) {
  auto a = OpenOne();
  auto b = OpenOne();
  ASSERT_TRUE(a && b);
  int64_t id = 0;
  ASSERT_TRUE(a->Write([&](Tx& tx) -> Status {
                 Customer c;
                 c.code = "V1";
                 c.name = "v";
                 ASSIGN_OR_RETURN(id, tx.InsertCustomer(c));
                 return Status::Ok();
               }).ok());
  // Both read version 1 before either writes; the second UPDATE finds version 2 and its
  // use case runs again from the read.
  std::latch both_read(2);
  std::atomic<int> runs{0};
  auto rename = [&](PgStore& store, const std::string& name) {
    bool waited = false;
    return store.Write([&](Tx& tx) -> Status {
      ++runs;
      ASSIGN_OR_RETURN(Customer c, tx.GetCustomer(id));
      if (!waited) {
        waited = true;
        both_read.arrive_and_wait();
      }
      const int64_t version = c.version;
      c.name += name;
      return tx.UpdateCustomer(c, version);
    });
  };
  Status sa, sb;
  std::thread ta([&] { sa = rename(*a, "a"); });
  std::thread tb([&] { sb = rename(*b, "b"); });
  ta.join();
  tb.join();
  EXPECT_TRUE(sa.ok()) << Describe(sa);
  EXPECT_TRUE(sb.ok()) << Describe(sb);
  EXPECT_EQ(runs.load(), 3);
  Customer c;
  ASSERT_TRUE(a->Read([&](Tx& tx) -> Status {
                 ASSIGN_OR_RETURN(c, tx.GetCustomer(id));
                 return Status::Ok();
               }).ok());
  EXPECT_EQ(c.version, 3);
  EXPECT_TRUE(c.name == "vab" || c.name == "vba") << c.name;  // neither change lost
}

TEST_F(PgStoreTest, LostConnectionsAreReplacedTransparently) {
  auto store = OpenOne();
  ASSERT_NE(store, nullptr);
  // Put a few connections in the pool, then have the server end them all.
  std::latch start(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      EXPECT_TRUE(store
                      ->Read([](Tx& tx) {
                        std::this_thread::sleep_for(std::chrono::milliseconds(50));
                        return tx.CountUsers().status();
                      })
                      .ok());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GE(Scalar("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                   "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                   "AND application_name = 'ordo'"),
            2);
  for (int i = 0; i < 6; ++i) {
    const Status ping = store->Ping();
    EXPECT_TRUE(ping.ok()) << Describe(ping);
    EXPECT_TRUE(store->Read([](Tx& tx) { return tx.CountUsers().status(); }).ok());
    const Status st = store->Write([&](Tx& tx) {
      Warehouse w;
      w.code = "L" + std::to_string(i);
      w.name = "l";
      return tx.InsertWarehouse(w).status();
    });
    EXPECT_TRUE(st.ok()) << Describe(st);
  }
  EXPECT_EQ(Scalar("SELECT count(*) FROM warehouses"), 6);
}

TEST_F(PgStoreTest, EventsAreAppendOnlyAndBackupPointsToPgDump) {
  auto store = OpenOne();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store
                  ->Write([](Tx& tx) {
                    return tx.InsertEvent({0, "order", 1, "create", 1, "admin", "{}", 1});
                  })
                  .ok());
  std::vector<std::vector<nlohmann::json>> rows;
  std::string error;
  EXPECT_FALSE(
      test::PgQuery(db_->url(), "UPDATE events SET action = 'x' RETURNING 1", &rows, &error));
  EXPECT_NE(error.find("append-only"), std::string::npos) << error;
  EXPECT_FALSE(test::PgQuery(db_->url(), "DELETE FROM events RETURNING 1", &rows, &error));
  const Status backup = store->Backup("/tmp/x.db");
  EXPECT_EQ(backup.code(), Code::kValidationFailed);
  EXPECT_EQ(backup.message(), "use pg_dump for PostgreSQL");
}

}  // namespace
}  // namespace ordo::storage::postgres
