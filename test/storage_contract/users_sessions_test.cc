// The storage contract of the users and sessions repositories (user_repo.h,
// session_repo.h), on every backend (storage_contract/fixture.h).

#include <string>
#include <vector>

#include "storage/store.h"
#include "storage_contract/fixture.h"

namespace ordo::storage {
namespace {

class UsersSessionsStoreContract : public StoreContract {};

void ExpectSameUser(const User& got, const User& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.username, want.username);
  EXPECT_EQ(got.display_name, want.display_name);
  EXPECT_EQ(got.roles, want.roles);
  EXPECT_EQ(got.partner_id, want.partner_id);
  EXPECT_EQ(got.active, want.active);
  EXPECT_EQ(got.locale, want.locale);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.updated_at, want.updated_at);
  EXPECT_EQ(got.version, want.version);
}

// ---- users and sessions ----

TEST_P(UsersSessionsStoreContract, UserRoundTripsEveryField) {
  User u;
  u.username = Unique("alice");
  u.display_name = "Alice 爱丽丝";
  u.roles = {Role::kSalesRep, Role::kAdmin, Role::kPartner};
  u.partner_id = 42;
  u.active = false;
  u.locale = "en-US";
  u.created_at = 1000;
  u.updated_at = 2000;
  u.version = 3;
  u.id = Must(W<int64_t>([&](Tx& tx) { return tx.users().Insert(u, "argon2-hash"); }));
  ASSERT_GT(u.id, 0);

  auto by_id = Must(Rd<UserRecord>([&](Tx& tx) { return tx.users().Get(u.id); }));
  ExpectSameUser(by_id.user, u);
  EXPECT_EQ(by_id.password_hash, "argon2-hash");
  auto by_name = Must(Rd<UserRecord>([&](Tx& tx) { return tx.users().GetByUsername(u.username); }));
  ExpectSameUser(by_name.user, u);

  // Every role survives, in the order given.
  User all;
  all.username = Unique("all-roles");
  all.roles.assign(std::begin(domain::kAllRoles), std::end(domain::kAllRoles));
  std::reverse(all.roles.begin(), all.roles.end());
  all.id = Must(W<int64_t>([&](Tx& tx) { return tx.users().Insert(all, "h"); }));
  EXPECT_EQ(Must(Rd<UserRecord>([&](Tx& tx) { return tx.users().Get(all.id); })).user.roles,
            all.roles);

  EXPECT_EQ(
      Rd<UserRecord>([&](Tx& tx) { return tx.users().Get(u.id + 1'000'000); }).status().code(),
      Code::kNotFound);
  EXPECT_EQ(Rd<UserRecord>([&](Tx& tx) { return tx.users().GetByUsername(Unique("nobody")); })
                .status()
                .code(),
            Code::kNotFound);
}

TEST_P(UsersSessionsStoreContract, UsernameIsUnique) {
  NewUser(Unique("bob"));
  User again;
  again.username = Unique("bob");
  auto r = W<int64_t>([&](Tx& tx) { return tx.users().Insert(again, "h"); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kConflict);
  EXPECT_EQ(r.status().message(), "username already exists");
}

TEST_P(UsersSessionsStoreContract, UpdateUserChecksVersionAndKeepsOrReplacesThePassword) {
  const int64_t id = NewUser(Unique("carol"));
  const int64_t other = NewUser(Unique("dave"));
  User u = Must(Rd<UserRecord>([&](Tx& tx) { return tx.users().Get(id); })).user;
  u.display_name = "Carol C.";
  u.roles = {Role::kFinance, Role::kAuditor};
  u.partner_id = std::nullopt;
  u.active = false;
  u.locale = "en-US";
  u.updated_at = 5000;
  ASSERT_OK(Wst([&](Tx& tx) { return tx.users().Update(u, 1, ""); }));
  auto rec = Must(Rd<UserRecord>([&](Tx& tx) { return tx.users().Get(id); }));
  u.version = 2;
  ExpectSameUser(rec.user, u);
  EXPECT_EQ(rec.password_hash, "h");  // an empty hash keeps the stored one

  ASSERT_OK(Wst([&](Tx& tx) { return tx.users().Update(u, 2, "new-hash"); }));
  rec = Must(Rd<UserRecord>([&](Tx& tx) { return tx.users().Get(id); }));
  EXPECT_EQ(rec.password_hash, "new-hash");
  EXPECT_EQ(rec.user.version, 3);

  Status stale = Wst([&](Tx& tx) { return tx.users().Update(u, 2, ""); });
  EXPECT_EQ(stale.code(), Code::kConflict);
  EXPECT_EQ(stale.message(), "stale version");

  User missing = u;
  missing.id = id + 1'000'000;
  EXPECT_EQ(Wst([&](Tx& tx) { return tx.users().Update(missing, 1, ""); }).code(), Code::kNotFound);

  User clash = Must(Rd<UserRecord>([&](Tx& tx) { return tx.users().Get(other); })).user;
  clash.username = Unique("carol");
  Status dup = Wst([&](Tx& tx) { return tx.users().Update(clash, 1, ""); });
  EXPECT_EQ(dup.code(), Code::kConflict);
  EXPECT_EQ(dup.message(), "username already exists");
}

TEST_P(UsersSessionsStoreContract, ListUsersPagesThroughEveryone) {
  const int64_t before = Must(Rd<int64_t>([&](Tx& tx) { return tx.users().Count(); }));
  std::set<int64_t> mine;
  for (int i = 0; i < 5; ++i) mine.insert(NewUser(Unique("list" + std::to_string(i))));
  EXPECT_EQ(Must(Rd<int64_t>([&](Tx& tx) { return tx.users().Count(); })), before + 5);

  std::set<int64_t> seen;
  for (int page = 1;; ++page) {
    auto p = Must(Rd<Page<User>>([&](Tx& tx) { return tx.users().List({page, 2}); }));
    EXPECT_EQ(p.total, before + 5);
    if (p.items.empty()) break;
    EXPECT_LE(p.items.size(), 2u);
    for (const auto& u : p.items) {
      EXPECT_TRUE(seen.insert(u.id).second) << "user " << u.id << " on two pages";
      if (mine.count(u.id)) {
        EXPECT_EQ(u.roles, std::vector<Role>{Role::kSalesRep});
      }
    }
    ASSERT_LT(page, 100000);
  }
  for (int64_t id : mine) EXPECT_TRUE(seen.count(id));
}

TEST_P(UsersSessionsStoreContract, SessionsExpireAndCanBeDeleted) {
  const int64_t id = NewUser(Unique("erin"));
  const int64_t other = NewUser(Unique("frank"));
  const std::string t1 = Unique("token1"), t2 = Unique("token2"), t3 = Unique("token3");
  ASSERT_OK(Wst([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.sessions().Insert(t1, id, 1000, 2000));
    RETURN_IF_ERROR(tx.sessions().Insert(t2, id, 1000, 9000));
    return tx.sessions().Insert(t3, other, 1000, 9000);
  }));
  auto session = [&](const std::string& t, Millis now) {
    return Rd<UserRecord>([&](Tx& tx) { return tx.sessions().GetUser(t, now); });
  };
  auto rec = session(t1, 1999);
  ASSERT_TRUE(rec.ok()) << Describe(rec.status());
  EXPECT_EQ(rec->user.id, id);
  EXPECT_EQ(rec->user.roles, std::vector<Role>{Role::kSalesRep});
  EXPECT_EQ(session(t1, 2000).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(session(Unique("unknown"), 1500).status().code(), Code::kUnauthenticated);

  ASSERT_OK(Wst([&](Tx& tx) { return tx.sessions().Delete(t2); }));
  EXPECT_EQ(session(t2, 1500).status().code(), Code::kUnauthenticated);
  ASSERT_OK(Wst([&](Tx& tx) { return tx.sessions().Insert(t2, id, 1500, 9000); }));
  const std::string t4 = Unique("token4");
  ASSERT_OK(Wst([&](Tx& tx) { return tx.sessions().Insert(t4, id, 1500, 9000); }));
  // All but one (a password change keeps the session that made it).
  ASSERT_OK(Wst([&](Tx& tx) { return tx.sessions().DeleteOfUser(id, t4); }));
  EXPECT_EQ(session(t2, 1600).status().code(), Code::kUnauthenticated);
  EXPECT_TRUE(session(t4, 1600).ok());
  ASSERT_OK(Wst([&](Tx& tx) { return tx.sessions().DeleteOfUser(id, ""); }));
  EXPECT_EQ(session(t4, 1600).status().code(), Code::kUnauthenticated);
  EXPECT_TRUE(session(t3, 1600).ok());  // another user's session stays
}

INSTANTIATE_TEST_SUITE_P(Backends, UsersSessionsStoreContract, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ordo::storage
