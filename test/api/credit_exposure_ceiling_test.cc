// A submit that would take a customer's credit exposure past 10^16 CNY (domain::
// kMaxExposure) is 422 naming customer_id, and stores nothing. Reaching the ceiling
// through the API takes ten thousand orders at the order ceiling, so the test raises one
// order's gross in the database file instead (the triggers keep the running exposure),
// which needs SQLite; the PostgreSQL store's exposure sum is covered by the storage
// contract test (CreditExposureIsExactUpToTheInt64RangeAndNeverWraps).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <string>

#include "api/api_fixture.h"

namespace ordo::test {
namespace {

class CreditExposureCeilingTest : public ApiTest {
 protected:
  void SetUp() override {
    const char* backend = std::getenv("ORDO_TEST_BACKEND");
    if (backend != nullptr && std::string(backend) == "postgres") {
      GTEST_SKIP() << "writes the SQLite file";
    }
    ApiTest::SetUp();
  }

  void Exec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    const std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << msg;
  }
};

TEST_F(CreditExposureCeilingTest, SubmitPastTheCeilingIsRefusedAndStoresNothing) {
  ASSERT_EQ(server().backend(), "sqlite");
  const int64_t product = CreateProduct("1.00", "0.00");
  const int64_t customer = CreateCustomer();
  const json line = {{"product_id", product}, {"qty", "1"}};
  const int64_t big = IdOf(AdminPost(
      "/api/v1/orders", {{"customer_id", customer}, {"lines", {line}}, {"submit", true}}));
  const int64_t draft =
      IdOf(AdminPost("/api/v1/orders", {{"customer_id", customer}, {"lines", {line}}}));
  ASSERT_FALSE(HasFailure());
  // The pending order now owes 10^16 CNY − 1.13: the ceiling less the draft's gross.
  Exec("UPDATE orders SET gross = 1000000000000000000 - 113 WHERE id = " + std::to_string(big));
  const std::string body =
      json{{"customer_id", customer}, {"lines", {line}}, {"submit", true}}.dump();

  // Exactly at the ceiling: allowed.
  const Reply at = admin().Post("/api/v1/orders/" + std::to_string(draft) + "/submit", "");
  ASSERT_EQ(at.status, 200) << at;
  // A cent past it: refused, in the three languages, and nothing is stored.
  const int64_t orders = DbCount("SELECT count(*) FROM orders");
  const Reply past = admin().Post("/api/v1/orders", body);
  EXPECT_EQ(past.status, 422) << past;
  EXPECT_EQ(ErrorCode(past), "validation_failed");
  EXPECT_EQ(ErrorDetails(past)["fields"], json({{"customer_id", "credit exposure too large"}}));
  const Reply cn = admin().Post("/api/v1/orders", body, {{"Accept-Language", "zh-CN"}});
  EXPECT_EQ(ErrorDetails(cn)["fields"]["customer_id"], "客户信用占用金额过大，超出系统上限");
  const Reply tw = admin().Post("/api/v1/orders", body, {{"Accept-Language", "zh-TW"}});
  EXPECT_EQ(ErrorDetails(tw)["fields"]["customer_id"], "客戶信用占用金額過大，超出系統上限");
  EXPECT_EQ(DbCount("SELECT count(*) FROM orders"), orders);
  EXPECT_EQ(DbCount("SELECT amount FROM customer_exposure WHERE customer_id = " +
                    std::to_string(customer)),
            1'000'000'000'000'000'000);
  // The same order as a draft is fine: drafts commit no credit.
  const json body_draft = {{"customer_id", customer}, {"lines", {line}}};
  AdminPost("/api/v1/orders", body_draft);
}

}  // namespace
}  // namespace ordo::test
