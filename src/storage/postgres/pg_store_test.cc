// What the PostgreSQL store does beyond the storage contract (test/storage_contract*):
// several stores on one database, as several servers are — migrations at the same moment,
// reservations and idempotency keys racing, deadlocks, stale versions and lost connections
// retried. Each test gets a fresh database in the cluster of ORDO_TEST_PG_URL
// (scripts/with-postgres.sh); without it only the URL tests run.

#include "storage/postgres/pg_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <latch>
#include <memory>
#include <set>
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

// The repositories write `?`; PostgreSQL reads $1..$n. A `?` inside a quoted literal or
// identifier is text, not a parameter.
TEST(NumberPlaceholders, NumbersEachPlaceholderOutsideQuotes) {
  EXPECT_EQ(NumberPlaceholders("SELECT 1"), "SELECT 1");
  EXPECT_EQ(NumberPlaceholders("SELECT a FROM t WHERE id = $1"), "SELECT a FROM t WHERE id = $1");
  EXPECT_EQ(NumberPlaceholders("INSERT INTO t (a, b) VALUES (?, ?) RETURNING id"),
            "INSERT INTO t (a, b) VALUES ($1, $2) RETURNING id");
  EXPECT_EQ(NumberPlaceholders("SELECT * FROM t WHERE a LIKE ? ESCAPE '\\' AND b = ?"),
            "SELECT * FROM t WHERE a LIKE $1 ESCAPE '\\' AND b = $2");
  EXPECT_EQ(NumberPlaceholders("SELECT '?', 'it''s ?', \"odd?col\" FROM t WHERE c = ?"),
            "SELECT '?', 'it''s ?', \"odd?col\" FROM t WHERE c = $1");
  std::string many = "VALUES (";
  for (int i = 0; i < 12; ++i) many += i == 0 ? "?" : ", ?";
  EXPECT_EQ(NumberPlaceholders(many + ")"),
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
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
      ASSIGN_OR_RETURN(p, tx.products().Insert(product));
      Warehouse warehouse;
      warehouse.code = code;
      warehouse.name = code;
      ASSIGN_OR_RETURN(w, tx.warehouses().Insert(warehouse));
      return tx.AdjustOnHand(p, w, on_hand).status();
    });
    EXPECT_TRUE(st.ok()) << Describe(st);
    return {p, w};
  }

  std::unique_ptr<PgDatabase> db_;
};

// The order search (ILIKE '%q%' on four columns) can be answered from trigram indexes
// (migration 4) instead of reading every order.
TEST_F(PgStoreTest, OrderSearchHasTrigramIndexes) {
  auto store = OpenOne();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Scalar("SELECT count(*) FROM pg_indexes WHERE tablename = 'orders' AND indexdef "
                   "LIKE '%gin_trgm_ops%'"),
            4);
  std::vector<std::vector<nlohmann::json>> rows;
  std::string error;
  // With sequential scans priced out, the planner must have an index for every branch.
  ASSERT_TRUE(test::PgQuery(db_->url(),
                            "SET enable_seqscan = off; EXPLAIN SELECT id FROM orders WHERE "
                            "number ILIKE '%abc%' OR customer_code ILIKE '%abc%' OR "
                            "customer_name ILIKE '%abc%' OR external_ref ILIKE '%abc%'",
                            &rows, &error))
      << error;
  std::string plan;
  for (const auto& row : rows) plan += row[0].get<std::string>() + "\n";
  ASSERT_TRUE(test::PgQuery(db_->url(), "RESET enable_seqscan; SELECT 1", &rows, &error)) << error;
  for (const char* index : {"orders_number_trgm", "orders_customer_code_trgm",
                            "orders_customer_name_trgm", "orders_external_ref_trgm"}) {
    EXPECT_NE(plan.find(index), std::string::npos) << index << " not in\n" << plan;
  }
}

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
  EXPECT_TRUE(stores[0]->Write([](Tx& tx) { return tx.users().Count().status(); }).ok());
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
        ASSIGN_OR_RETURN(auto prior, tx.idempotency().Get(1, key));
        if (prior) {
          answers[i] = "replayed " + prior->body;
          return Status::Ok();
        }
        // Both look before either inserts.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        answers[i] = "first " + std::to_string(i);
        return tx.idempotency().Put(1, key, {"h", 201, std::to_string(i)}, 1);
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
                 ASSIGN_OR_RETURN(id, tx.customers().Insert(c));
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
      ASSIGN_OR_RETURN(Customer c, tx.customers().Get(id));
      if (!waited) {
        waited = true;
        both_read.arrive_and_wait();
      }
      const int64_t version = c.version;
      c.name += name;
      return tx.customers().Update(c, version);
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
                 ASSIGN_OR_RETURN(c, tx.customers().Get(id));
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
                        return tx.users().Count().status();
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
    EXPECT_TRUE(store->Read([](Tx& tx) { return tx.users().Count().status(); }).ok());
    const Status st = store->Write([&](Tx& tx) {
      Warehouse w;
      w.code = "L" + std::to_string(i);
      w.name = "l";
      return tx.warehouses().Insert(w).status();
    });
    EXPECT_TRUE(st.ok()) << Describe(st);
  }
  EXPECT_EQ(Scalar("SELECT count(*) FROM warehouses"), 6);
}

// Order serials come from blocks each store reserves on its own connection: unique
// across stores, increasing per store, 1 first on a fresh date; rolled-back and rerun
// transactions leave theirs unused, never handed out twice.
TEST_F(PgStoreTest, SerialsFromTwoStoresAreUniqueIncreasingAndStartAtOne) {
  auto a = OpenOne();
  auto b = OpenOne();
  ASSERT_TRUE(a && b);
  auto serial = [](PgStore& store, Date day, bool commit) {
    int64_t got = 0;
    const Status st = store.Write([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(got, tx.NextOrderSerial(day));
      return commit ? Status::Ok() : Status::Conflict("rolls back");
    });
    EXPECT_EQ(st.code(), commit ? Code::kOk : Code::kConflict) << Describe(st);
    return got;
  };

  // One thread: the first serial of a fresh date is 1, whichever store asks first, and
  // each store's sequence increases while the two interleave.
  const Date day = DateFromYmd(2031, 5, 17);
  EXPECT_EQ(serial(*b, day, true), 1);
  std::vector<int64_t> seq_a;
  std::vector<int64_t> seq_b = {1};
  std::set<int64_t> seen = {1};
  for (int k = 0; k < 40; ++k) {
    seq_a.push_back(serial(*a, day, k % 5 != 2));
    seq_b.push_back(serial(*b, day, k % 3 != 1));
    EXPECT_TRUE(seen.insert(seq_a.back()).second) << seq_a.back();
    EXPECT_TRUE(seen.insert(seq_b.back()).second) << seq_b.back();
  }
  EXPECT_TRUE(std::is_sorted(seq_a.begin(), seq_a.end()));
  EXPECT_TRUE(std::is_sorted(seq_b.begin(), seq_b.end()));

  // Many threads on both stores at once, on another fresh date.
  const Date busy = DateFromYmd(2031, 5, 18);
  constexpr int kThreadsPerStore = 8;
  constexpr int kPerThread = 60;
  std::vector<std::vector<int64_t>> got(2 * kThreadsPerStore);
  std::latch start(2 * kThreadsPerStore);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2 * kThreadsPerStore; ++i) {
    threads.emplace_back([&, i] {
      PgStore& store = i % 2 == 0 ? *a : *b;
      start.arrive_and_wait();
      for (int k = 0; k < kPerThread; ++k) got[i].push_back(serial(store, busy, (i + k) % 4 != 0));
    });
  }
  for (auto& t : threads) t.join();
  std::set<int64_t> all;
  for (const auto& one : got) {
    ASSERT_EQ(one.size(), static_cast<size_t>(kPerThread));
    // Strictly: a store hands its serials out in increasing order.
    EXPECT_TRUE(std::adjacent_find(one.begin(), one.end(), std::greater_equal<int64_t>()) ==
                one.end());
    for (int64_t s : one) EXPECT_TRUE(all.insert(s).second) << "serial " << s << " twice";
  }
  ASSERT_EQ(all.size(), static_cast<size_t>(2 * kThreadsPerStore * kPerThread));
  EXPECT_EQ(*all.begin(), 1);
  // Gaps are what two stores' unused blocks leave: fewer than 2 blocks each.
  const int64_t last = Scalar(
      "SELECT last_serial FROM order_counters "
      "WHERE business_date = '2031-05-18'");
  EXPECT_GE(last, *all.rbegin());
  EXPECT_LT(last, static_cast<int64_t>(all.size()) + 2 * 2 * OrderSerials::kBlockSize);
}

TEST_F(PgStoreTest, AnOpenOrderTransactionDoesNotHoldUpAnotherStoresSerials) {
  auto a = OpenOne();
  auto b = OpenOne();
  ASSERT_TRUE(a && b);
  const Date day = DateFromYmd(2031, 6, 1);
  int64_t first = 0;
  int64_t second = 0;
  bool second_in_time = false;
  const Status st = a->Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(first, tx.NextOrderSerial(day));
    // This transaction stays open while the other store takes a serial of the same day.
    auto other = std::async(std::launch::async, [&] {
      return b->Write([&](Tx& tx2) -> Status {
        ASSIGN_OR_RETURN(second, tx2.NextOrderSerial(day));
        return Status::Ok();
      });
    });
    second_in_time = other.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
    return other.get();
  });
  EXPECT_TRUE(st.ok()) << Describe(st);
  EXPECT_TRUE(second_in_time) << "the other store waited for this transaction";
  EXPECT_EQ(first, 1);
  EXPECT_GT(second, OrderSerials::kBlockSize);  // the next block
}

TEST_F(PgStoreTest, SerialsSurviveALostConnection) {
  auto store = OpenOne();
  ASSERT_NE(store, nullptr);
  const Date day = DateFromYmd(2031, 7, 1);
  auto serial = [&] {
    int64_t got = 0;
    const Status st = store->Write([&](Tx& tx) -> Status {
      ASSIGN_OR_RETURN(got, tx.NextOrderSerial(day));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << Describe(st);
    return got;
  };
  // Use up the first block, so that the next serial needs the serials' own connection.
  int64_t prev = 0;
  for (int i = 0; i < OrderSerials::kBlockSize; ++i) prev = serial();
  EXPECT_EQ(prev, OrderSerials::kBlockSize);
  EXPECT_GE(Scalar("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                   "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                   "AND application_name = 'ordo'"),
            1);
  for (int i = 0; i < 3 * OrderSerials::kBlockSize; ++i) {
    const int64_t next = serial();
    EXPECT_GT(next, prev);
    prev = next;
  }
}

// Order parts, movements and events travel as array parameters (one statement per
// table, not per row): text that means something in an array literal comes back as it
// was, rows keep the order they were given in, and the kept movements and events are
// written before anything in the same transaction reads them.
TEST_F(PgStoreTest, RowsWrittenTogetherKeepTheirTextAndOrder) {
  auto store = OpenOne();
  ASSERT_NE(store, nullptr);
  const auto [p, w] = Stocked(*store, "ARR", Qty::FromUnits(10'000));
  const int64_t product = p;
  const int64_t warehouse = w;
  const std::vector<std::string> texts = {"",         "NULL",       "null",        "a,b",
                                          "{x}",      "say \"hi\"", "back\\slash", "\\\"",
                                          " padded ", "泵 {台}",    "line\nbreak", "'quoted'"};
  Order o;
  o.number = "SO-ARR";
  o.customer_id = 0;
  o.created_by = 1;
  for (size_t i = 0; i < texts.size(); ++i) {
    domain::OrderLine l;
    l.line_no = static_cast<int>(i) + 1;
    l.product_id = product;
    l.sku = texts[i];
    l.name = texts[(i + 1) % texts.size()];
    l.spec = texts[(i + 2) % texts.size()];
    l.qty = Qty::FromUnits(1'000 + static_cast<int64_t>(i));
    if (i % 2 == 0) l.warehouse_id = warehouse;
    l.make_to_order = i % 3 == 0;
    o.lines.push_back(l);
    domain::Flag f;
    f.code = "c" + std::to_string(i);
    f.message = texts[i];
    if (i % 2 == 1) f.line_no = static_cast<int>(i);
    o.flags.push_back(f);
    domain::Review r;
    r.round = 1;
    r.comment = texts[i];
    r.reviewer = texts[(i + 3) % texts.size()];
    if (i % 2 == 0) r.restock_date = DateFromYmd(2031, 1, 1 + static_cast<int>(i));
    r.approved = i % 2 == 0;
    o.reviews.push_back(r);
  }
  std::vector<StockMovement> movements;
  std::vector<Event> events;
  const Status st = store->Write([&](Tx& tx) -> Status {
    Customer c;
    c.code = "ARR";
    c.name = "arr";
    ASSIGN_OR_RETURN(o.customer_id, tx.customers().Insert(c));
    ASSIGN_OR_RETURN(o.id, tx.InsertOrder(o));
    for (size_t i = 0; i < texts.size(); ++i) {
      StockMovement m;
      m.product_id = product;
      m.warehouse_id = warehouse;
      m.kind = "reserve";
      m.qty_delta = Qty::FromUnits(static_cast<int64_t>(i) + 1);
      m.reason = texts[i];
      if (i % 2 == 0) m.order_id = o.id;
      m.user_id = 1;
      RETURN_IF_ERROR(tx.InsertMovement(m));
      RETURN_IF_ERROR(tx.events().Insert({0, "order", o.id, texts[i], 1, texts[i], texts[i], 1}));
    }
    // Read in the same transaction: the kept rows are written first.
    MovementFilter f;
    f.product_id = product;
    ASSIGN_OR_RETURN(auto page, tx.ListMovements(f));
    movements = page.items;
    ASSIGN_OR_RETURN(events, tx.events().List("order", o.id));
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << Describe(st);
  // Newest first.
  ASSERT_EQ(movements.size(), texts.size());
  ASSERT_EQ(events.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    const StockMovement& m = movements[texts.size() - 1 - i];
    EXPECT_EQ(m.reason, texts[i]);
    EXPECT_EQ(m.qty_delta, Qty::FromUnits(static_cast<int64_t>(i) + 1));
    EXPECT_EQ(m.order_id.has_value(), i % 2 == 0);
    EXPECT_EQ(events[i].action, texts[i]);
    EXPECT_EQ(events[i].data, texts[i]);
  }
  Order got;
  ASSERT_TRUE(store
                  ->Read([&](Tx& tx) -> Status {
                    ASSIGN_OR_RETURN(got, tx.GetOrder(o.id));
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(got.lines.size(), o.lines.size());
  ASSERT_EQ(got.flags.size(), o.flags.size());
  ASSERT_EQ(got.reviews.size(), o.reviews.size());
  for (size_t i = 0; i < o.lines.size(); ++i) {
    SCOPED_TRACE("row " + std::to_string(i));
    EXPECT_EQ(got.lines[i].line_no, o.lines[i].line_no);
    EXPECT_EQ(got.lines[i].sku, o.lines[i].sku);
    EXPECT_EQ(got.lines[i].name, o.lines[i].name);
    EXPECT_EQ(got.lines[i].spec, o.lines[i].spec);
    EXPECT_EQ(got.lines[i].qty, o.lines[i].qty);
    EXPECT_EQ(got.lines[i].warehouse_id, o.lines[i].warehouse_id);
    EXPECT_EQ(got.lines[i].make_to_order, o.lines[i].make_to_order);
    EXPECT_EQ(got.flags[i].code, o.flags[i].code);
    EXPECT_EQ(got.flags[i].message, o.flags[i].message);
    EXPECT_EQ(got.flags[i].line_no, o.flags[i].line_no);
    EXPECT_EQ(got.reviews[i].comment, o.reviews[i].comment);
    EXPECT_EQ(got.reviews[i].reviewer, o.reviews[i].reviewer);
    EXPECT_EQ(got.reviews[i].restock_date, o.reviews[i].restock_date);
    EXPECT_EQ(got.reviews[i].approved, o.reviews[i].approved);
  }
}

// A kept movement that the database refuses fails the Write that kept it, at its next
// statement or at COMMIT, and takes the rest of the transaction with it; text with NUL is
// refused at once, and the transaction goes on.
TEST_F(PgStoreTest, KeptRowsThatFailFailTheirWrite) {
  auto store = OpenOne();
  ASSERT_NE(store, nullptr);
  const auto [p, w] = Stocked(*store, "KEPT", Qty::FromUnits(10'000));
  StockMovement bad;
  bad.product_id = p + 1'000;  // no such product
  bad.warehouse_id = w;
  bad.kind = "reserve";
  bad.qty_delta = Qty::FromUnits(1);
  bad.user_id = 1;
  Status st = store->Write([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.events().Insert({0, "order", 77, "kept", 1, "u", "{}", 1}));
    return tx.InsertMovement(bad);
  });
  EXPECT_EQ(st.code(), Code::kNotFound) << Describe(st);
  st = store->Write([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.InsertMovement(bad));
    return tx.events().Insert({0, "order", 77, "after", 1, "u", "{}", 1});
  });
  EXPECT_EQ(st.code(), Code::kNotFound) << Describe(st);
  st = store->Write([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.InsertMovement(bad));
    return tx.users().Count().status();  // the next statement answers the failure
  });
  EXPECT_EQ(st.code(), Code::kNotFound) << Describe(st);
  EXPECT_EQ(Scalar("SELECT count(*) FROM events WHERE entity_id = 77"), 0);

  st = store->Write([&](Tx& tx) -> Status {
    StockMovement nul = bad;
    nul.product_id = p;
    nul.reason = std::string("a\0b", 3);
    EXPECT_EQ(tx.InsertMovement(nul).code(), Code::kValidationFailed);
    EXPECT_EQ(tx.events().Insert({0, "order", 78, std::string("x\0", 2), 1, "u", "{}", 1}).code(),
              Code::kValidationFailed);
    return tx.events().Insert({0, "order", 78, "fine", 1, "u", "{}", 1});
  });
  EXPECT_TRUE(st.ok()) << Describe(st);
  EXPECT_EQ(Scalar("SELECT count(*) FROM events WHERE entity_id = 78"), 1);
  EXPECT_EQ(Scalar("SELECT count(*) FROM stock_movements WHERE reason <> ''"), 0);
}

TEST_F(PgStoreTest, EventsAreAppendOnlyAndBackupPointsToPgDump) {
  auto store = OpenOne();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store
                  ->Write([](Tx& tx) {
                    return tx.events().Insert({0, "order", 1, "create", 1, "admin", "{}", 1});
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
