// The storage contract of the events and idempotency repositories (event_repo.h,
// idempotency_repo.h), on every backend (storage_contract/fixture.h).

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/store.h"
#include "storage_contract/fixture.h"

// Filters are written with designated initializers; the fields left out keep their
// defaults, which is the point.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace ordo::storage {
namespace {

class EventsIdempotencyStoreContract : public StoreContract {};

// ---- events and idempotency ----

TEST_P(EventsIdempotencyStoreContract, EventsComeBackInOrderPerEntity) {
  const int64_t entity = RandomId();
  ASSERT_OK(Wst([&](Tx& tx) -> Status {
    for (int i = 0; i < 3; ++i) {
      RETURN_IF_ERROR(tx.events().Insert({0, "order", entity, "a" + std::to_string(i), 5, "u5",
                                          "{\"i\":" + std::to_string(i) + "}", 100 - i}));
      RETURN_IF_ERROR(tx.events().Insert({0, "customer", entity, "x", 5, "u5", "{}", 1}));
      RETURN_IF_ERROR(tx.events().Insert({0, "order", entity + 1, "y", 5, "u5", "{}", 1}));
    }
    return Status::Ok();
  }));
  auto events =
      Must(Rd<std::vector<Event>>([&](Tx& tx) { return tx.events().List("order", entity); }));
  ASSERT_EQ(events.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(events[i].action, "a" + std::to_string(i));  // by id, not by created_at
    EXPECT_EQ(events[i].entity, "order");
    EXPECT_EQ(events[i].entity_id, entity);
    EXPECT_EQ(events[i].user_id, 5);
    EXPECT_EQ(events[i].username, "u5");
    EXPECT_EQ(events[i].data, "{\"i\":" + std::to_string(i) + "}");
    EXPECT_EQ(events[i].created_at, 100 - i);
    if (i > 0) {
      EXPECT_GT(events[i].id, events[i - 1].id);
    }
  }
  EXPECT_EQ(Must(Rd<std::vector<Event>>([&](Tx& tx) {
              return tx.events().List("customer", entity);
            })).size(),
            3u);
  if (sqlite()) {
    // Append-only: the database itself refuses changes.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path_.c_str(), &db), SQLITE_OK);
    EXPECT_NE(sqlite3_exec(db, "UPDATE events SET action = 'z'", nullptr, nullptr, nullptr),
              SQLITE_OK);
    EXPECT_NE(sqlite3_exec(db, "DELETE FROM events", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
}

TEST_P(EventsIdempotencyStoreContract, AuditLogIsNewestFirstWithEveryFilter) {
  const int64_t e = RandomId();  // every query names it: the PostgreSQL database is shared
  ASSERT_OK(Wst([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.events().Insert({0, "order", e, "create", 7, "u7", "{}", 1000}));
    RETURN_IF_ERROR(tx.events().Insert({0, "order", e, "submit", 8, "u8", "{}", 2000}));
    RETURN_IF_ERROR(tx.events().Insert({0, "order", e, "submit", 7, "u7", "{}", 3000}));
    return tx.events().Insert({0, "customer", e, "update", 7, "u7", "{}", 2500});
  }));
  auto audit = [&](EventFilter f) {
    f.entity_id = e;
    auto page = Must(Rd<Page<Event>>([&](Tx& tx) { return tx.events().ListAudit(f); }));
    std::vector<Millis> at;
    for (const Event& ev : page.items) at.push_back(ev.created_at);
    return std::pair(page.total, at);
  };
  using Got = std::pair<int64_t, std::vector<Millis>>;
  EXPECT_EQ(audit({}), (Got{4, {2500, 3000, 2000, 1000}}));  // by id, newest first
  EXPECT_EQ(audit({.entity = "order"}), (Got{3, {3000, 2000, 1000}}));
  EXPECT_EQ(audit({.user_id = 7}), (Got{3, {2500, 3000, 1000}}));
  EXPECT_EQ(audit({.action = "submit"}), (Got{2, {3000, 2000}}));
  EXPECT_EQ(audit({.from = 2000, .to = 3000}), (Got{2, {2500, 2000}}));  // [from, to)
  EXPECT_EQ(audit({.entity = "order", .user_id = 8, .action = "submit"}), (Got{1, {2000}}));
  EXPECT_EQ(audit({.page = {.page = 2, .page_size = 3}}), (Got{4, {1000}}));
  EXPECT_EQ(audit({.entity = "product"}), (Got{0, {}}));
}

TEST_P(EventsIdempotencyStoreContract, IdempotencyKeysRoundTripPerUser) {
  const int64_t user = RandomId();
  const std::string key = Unique("key");
  auto get = [&](int64_t u) {
    return Must(
        Rd<std::optional<IdempotencyRecord>>([&](Tx& tx) { return tx.idempotency().Get(u, key); }));
  };
  EXPECT_FALSE(get(user).has_value());
  ASSERT_OK(Wst([&](Tx& tx) {
    return tx.idempotency().Put(user, key, {"sha256:abc", 201, "{\"id\":5}"}, 1000);
  }));
  auto rec = get(user);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->request_hash, "sha256:abc");
  EXPECT_EQ(rec->status, 201);
  EXPECT_EQ(rec->body, "{\"id\":5}");
  EXPECT_FALSE(get(user + 1).has_value());
  EXPECT_EQ(Wst([&](Tx& tx) {
              return tx.idempotency().Put(user, key, {"other", 201, ""}, 2000);
            }).code(),
            Code::kConflict);
  EXPECT_OK(Wst([&](Tx& tx) { return tx.idempotency().Put(user + 1, key, {"x", 200, ""}, 2000); }));
}

INSTANTIATE_TEST_SUITE_P(Backends, EventsIdempotencyStoreContract, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ordo::storage
