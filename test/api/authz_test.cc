// The roles the OpenAPI document gives each operation (`x-roles`, read from the running
// server's GET /api/openapi.json) are the roles the server lets act, and no others: every
// operation is called as a user of every role, on a record that role may see and in a
// state where the call can succeed. A role the document lists succeeds; any other role
// gets 403 (API.md: the roles are checked first, a role that may not act gets 403). Also
// checked: `self` (any user on its own user record), `x-department-roles` (who reviews for
// which department) and `x-partner-scope` (a partner user reaches only its own
// partner's records: others are 404, lists hold only its own).
//
// Every operation of the document needs a case below, so a new route cannot be added to
// the document without its roles being checked against the server.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "api/api_fixture.h"

namespace ordo::test {
namespace {

const std::vector<std::string> kRoles = {"admin",     "sales_rep",  "sales_manager", "finance",
                                         "warehouse", "production", "logistics",     "service",
                                         "analyst",   "auditor",    "partner"};
constexpr int64_t kPartnerId = 7;       // the partner user's partner
constexpr int64_t kOtherPartnerId = 8;  // records the partner user must not reach

// One call of an operation as one role.
struct Call {
  Call(std::string target_in, std::string body_in = "", int success_in = 200,
       std::string token_in = "")
      : target(std::move(target_in)),
        body(std::move(body_in)),
        success(success_in),
        token(std::move(token_in)) {}
  std::string target;
  std::string body;  // "" for no body
  int success = 200;
  std::string token;  // "" for the role's own token
};

bool Contains(const json& array, const std::string& value) {
  if (!array.is_array()) return false;
  for (const json& v : array) {
    if (v == value) return true;
  }
  return false;
}

// The path with its {id} replaced.
std::string WithId(const std::string& path, int64_t id) {
  std::string out = path;
  const size_t at = out.find("{id}");
  if (at != std::string::npos) out.replace(at, 4, std::to_string(id));
  return out;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

class AuthzTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    ASSERT_FALSE(HasFatalFailure());
    HttpClient anonymous = server().Client();
    doc_ = ExpectJson(anonymous.Get("/api/openapi.json"), 200, "GET /api/openapi.json");
    ASSERT_TRUE(doc_.is_object() && doc_["paths"].is_object());

    for (const std::string& role : kRoles) {
      json body = {{"username", "authz_" + role},
                   {"password", kUserPassword},
                   {"display_name", "Authz " + role},
                   {"roles", {role}}};
      if (role == "partner") body["partner_id"] = kPartnerId;
      user_ids_[role] = IdOf(AdminPost("/api/v1/users", body));
      tokens_[role] = Login("authz_" + role, kUserPassword);
    }
    bystander_id_ = CreateUser("authz_bystander", {"analyst"});

    warehouse_ = CreateWarehouse();
    product_ = CreateProduct();
    AddStock(product_, warehouse_, "100000");
    direct_customer_ = CreateCustomer();
    partner_customer_ = CreatePartnerCustomer(kPartnerId);
    other_partner_customer_ = CreatePartnerCustomer(kOtherPartnerId);
    ASSERT_FALSE(HasFailure()) << "setting up users and master data failed";
  }

  int64_t CreatePartnerCustomer(int64_t partner_id) {
    const std::string code = UniqueCode("PC");
    return IdOf(AdminPost(
        "/api/v1/customers",
        {{"code", code}, {"name", "Partner customer " + code}, {"partner_id", partner_id}}));
  }

  HttpClient As(const std::string& role) { return ClientWithToken(tokens_.at(role)); }

  // The customer a role orders for: the partner user's own, a direct one for staff.
  int64_t CustomerFor(const std::string& role) const {
    return role == "partner" ? partner_customer_ : direct_customer_;
  }

  // A draft order the role may see: made by the partner user for its customer (partner),
  // or by the sales rep (staff; channel `partner` when it must wait for confirmation), so
  // that no reviewer below is the order's creator.
  int64_t DraftOrder(const std::string& role, bool needs_confirmation = false) {
    const std::string creator = role == "partner" ? "partner" : "sales_rep";
    json body = {{"customer_id", CustomerFor(role)},
                 {"lines", {{{"product_id", product_}, {"qty", "1"}}}}};
    if (needs_confirmation && role != "partner") body["channel"] = "partner";
    HttpClient client = As(creator);
    return IdOf(ExpectJson(client.Post("/api/v1/orders", body.dump()), 201, "create an order"));
  }

  int64_t PendingOrder(const std::string& role, bool needs_confirmation = false) {
    const int64_t id = DraftOrder(role, needs_confirmation);
    HttpClient client = As(role == "partner" ? "partner" : "sales_rep");
    ExpectJson(client.Post(OrderPath(id, "submit"), ""), 200, "submit");
    return id;
  }

  // Approved by three reviewers, none of them its creator; waits for confirmation.
  int64_t ApprovedOrder(const std::string& role) {
    const int64_t id = PendingOrder(role, true);
    for (const auto& [department, reviewer] : std::vector<std::pair<std::string, std::string>>{
             {"sales", "sales_manager"}, {"finance", "finance"}, {"warehouse", "warehouse"}}) {
      HttpClient client = As(reviewer);
      ExpectJson(client.Post(OrderPath(id, "reviews"),
                             json{{"department", department}, {"decision", "approve"}}.dump()),
                 200, "review " + department);
    }
    const json order = GetOrder(id);
    EXPECT_EQ(order.value("status", ""), "approved") << order.dump();
    return id;
  }

  int64_t HeldOrder(const std::string& role) {
    const int64_t id = DraftOrder(role);
    AdminPost(OrderPath(id, "hold"), {{"reason", "authz test"}}, 200);
    return id;
  }

  static std::string OrderPath(int64_t id, const std::string& action = "") {
    return "/api/v1/orders/" + std::to_string(id) + (action.empty() ? "" : "/" + action);
  }

  // A record for roles that may not act: made once per kind and scope (they must leave
  // it as it is).
  int64_t Shared(const std::string& kind, const std::string& role,
                 const std::function<int64_t(const std::string&)>& make) {
    const std::string key = kind + (role == "partner" ? ":partner" : ":staff");
    auto it = shared_.find(key);
    if (it == shared_.end()) it = shared_.emplace(key, make(role)).first;
    return it->second;
  }
  // A fresh record for a role that may act, a shared one otherwise.
  int64_t Record(const std::string& kind, const std::string& role, bool allowed,
                 const std::function<int64_t(const std::string&)>& make) {
    return allowed ? make(role) : Shared(kind, role, make);
  }

  // The department a role reviews for (from x-department-roles), "sales" when none.
  std::string DepartmentOf(const std::string& role) const {
    const json& by_department =
        doc_["paths"]["/api/v1/orders/{id}/reviews"]["post"]["x-department-roles"];
    if (by_department.is_object()) {
      for (const auto& [department, roles] : by_department.items()) {
        if (Contains(roles, role)) return department;
      }
    }
    return "sales";
  }

  // How to call each operation as `role`; `allowed` says whether the document lets it.
  Call CallFor(const std::string& operation, const std::string& role, bool allowed) {
    using std::to_string;
    const std::string tag = "authz " + role;
    if (operation == "POST /api/v1/auth/logout") {
      return {"/api/v1/auth/logout", "", 204, Login("authz_" + role, kUserPassword)};
    }
    if (operation == "GET /api/v1/me") return {"/api/v1/me"};
    if (operation == "PATCH /api/v1/me") {
      return {"/api/v1/me", json{{"display_name", "Authz " + role}}.dump()};
    }
    if (operation == "POST /api/v1/users") {
      return {"/api/v1/users",
              json{{"username", UniqueCode("authz_new_")},
                   {"password", kUserPassword},
                   {"roles", {"analyst"}}}
                  .dump(),
              201};
    }
    if (operation == "GET /api/v1/users") return {"/api/v1/users"};
    if (operation == "GET /api/v1/users/{id}") return {"/api/v1/users/" + to_string(bystander_id_)};
    if (operation == "PATCH /api/v1/users/{id}") {
      return {"/api/v1/users/" + to_string(bystander_id_),
              json{{"display_name", "Bystander " + role}}.dump()};
    }
    if (operation == "POST /api/v1/customers") {
      json body = {{"code", UniqueCode("AZC")}, {"name", "Customer of " + tag}};
      if (role == "partner") body["partner_id"] = kPartnerId;
      return {"/api/v1/customers", body.dump(), 201};
    }
    if (operation == "GET /api/v1/customers") return {"/api/v1/customers"};
    if (operation == "GET /api/v1/customers/{id}") {
      return {"/api/v1/customers/" + to_string(CustomerFor(role))};
    }
    if (operation == "PATCH /api/v1/customers/{id}") {
      return {"/api/v1/customers/" + to_string(CustomerFor(role)),
              json{{"name", "Customer edited by " + tag}}.dump()};
    }
    if (operation == "POST /api/v1/products") {
      return {
          "/api/v1/products",
          json{{"sku", UniqueCode("AZP-")}, {"name", "Product of " + tag}, {"unit", "pcs"}}.dump(),
          201};
    }
    if (operation == "GET /api/v1/products") return {"/api/v1/products"};
    if (operation == "GET /api/v1/products/{id}")
      return {"/api/v1/products/" + to_string(product_)};
    if (operation == "PATCH /api/v1/products/{id}") {
      return {"/api/v1/products/" + to_string(product_),
              json{{"name", "Product edited by " + tag}}.dump()};
    }
    if (operation == "POST /api/v1/warehouses") {
      return {"/api/v1/warehouses",
              json{{"code", UniqueCode("AZW")}, {"name", "Warehouse of " + tag}}.dump(), 201};
    }
    if (operation == "GET /api/v1/warehouses") return {"/api/v1/warehouses"};
    if (operation == "GET /api/v1/warehouses/{id}") {
      return {"/api/v1/warehouses/" + to_string(warehouse_)};
    }
    if (operation == "PATCH /api/v1/warehouses/{id}") {
      return {"/api/v1/warehouses/" + to_string(warehouse_),
              json{{"name", "Warehouse edited by " + tag}}.dump()};
    }
    if (operation == "GET /api/v1/stock") return {"/api/v1/stock"};
    if (operation == "POST /api/v1/stock/adjustments") {
      return {"/api/v1/stock/adjustments",
              json{{"product_id", product_},
                   {"warehouse_id", warehouse_},
                   {"qty_delta", "1"},
                   {"reason", tag}}
                  .dump(),
              201};
    }
    if (operation == "GET /api/v1/stock/movements") return {"/api/v1/stock/movements"};
    if (operation == "POST /api/v1/orders") {
      return {"/api/v1/orders",
              json{{"customer_id", CustomerFor(role)},
                   {"lines", {{{"product_id", product_}, {"qty", "1"}}}}}
                  .dump(),
              201};
    }
    if (operation == "GET /api/v1/orders") return {"/api/v1/orders"};
    auto draft = [this](const std::string& r) { return DraftOrder(r); };
    if (operation == "GET /api/v1/orders/{id}") {
      return {OrderPath(Shared("draft", role, draft))};
    }
    if (operation == "GET /api/v1/orders/{id}/events") {
      return {OrderPath(Shared("draft", role, draft), "events")};
    }
    if (operation == "PATCH /api/v1/orders/{id}") {
      return {OrderPath(Record("draft", role, allowed, draft)),
              json{{"notes", "edited by " + tag}}.dump()};
    }
    if (operation == "POST /api/v1/orders/{id}/submit") {
      return {OrderPath(Record("draft", role, allowed, draft), "submit")};
    }
    if (operation == "POST /api/v1/orders/{id}/cancel") {
      return {OrderPath(Record("draft", role, allowed, draft), "cancel"),
              json{{"reason", tag}}.dump()};
    }
    if (operation == "POST /api/v1/orders/{id}/hold") {
      return {OrderPath(Record("draft", role, allowed, draft), "hold"),
              json{{"reason", tag}}.dump()};
    }
    if (operation == "POST /api/v1/orders/{id}/release") {
      const int64_t id =
          Record("held", role, allowed, [this](const std::string& r) { return HeldOrder(r); });
      return {OrderPath(id, "release")};
    }
    if (operation == "POST /api/v1/orders/{id}/reviews") {
      const int64_t id = Record("pending", role, allowed,
                                [this](const std::string& r) { return PendingOrder(r); });
      return {OrderPath(id, "reviews"),
              json{{"department", DepartmentOf(role)}, {"decision", "approve"}}.dump()};
    }
    if (operation == "POST /api/v1/orders/{id}/confirm") {
      const int64_t id = Record("approved", role, allowed,
                                [this](const std::string& r) { return ApprovedOrder(r); });
      return {OrderPath(id, "confirm")};
    }
    if (operation == "GET /api/v1/audit/events") return {"/api/v1/audit/events"};
    if (operation == "GET /api/v1/settings") return {"/api/v1/settings"};
    if (operation == "PATCH /api/v1/settings") {
      return {"/api/v1/settings", json{{"allow_self_review", false}}.dump()};
    }
    return {""};  // no case: the test fails and says so
  }

  Reply Send(const std::string& method, const Call& call, const std::string& role) {
    HttpClient client = ClientWithToken(call.token.empty() ? tokens_.at(role) : call.token);
    return client.Request(method, call.target, call.body);
  }

  // Every operation of the document: {"METHOD", "/path", operation object}.
  struct Operation {
    std::string method;
    std::string path;
    json spec;
    std::string name() const { return method + " " + path; }
  };
  std::vector<Operation> Operations() const {
    std::vector<Operation> out;
    static const std::set<std::string> kMethods = {"get", "put", "post", "delete", "patch"};
    for (const auto& [path, item] : doc_["paths"].items()) {
      for (const auto& [method, spec] : item.items()) {
        if (kMethods.count(method)) out.push_back({Upper(method), path, spec});
      }
    }
    return out;
  }

  json doc_;
  std::map<std::string, std::string> tokens_;
  std::map<std::string, int64_t> user_ids_;
  int64_t bystander_id_ = 0;
  int64_t warehouse_ = 0;
  int64_t product_ = 0;
  int64_t direct_customer_ = 0;
  int64_t partner_customer_ = 0;
  int64_t other_partner_customer_ = 0;
  std::map<std::string, int64_t> shared_;
};

TEST_F(AuthzTest, EveryOperationNamesItsRoles) {
  std::set<std::string> known(kRoles.begin(), kRoles.end());
  known.insert({"public", "self"});
  for (const Operation& op : Operations()) {
    const json& roles = op.spec["x-roles"];
    ASSERT_TRUE(roles.is_array() && !roles.empty()) << op.name() << " has no x-roles";
    for (const json& role : roles) {
      EXPECT_TRUE(role.is_string() && known.count(role.get<std::string>()))
          << op.name() << ": unknown role " << role;
    }
    if (Contains(roles, "public")) {
      EXPECT_EQ(roles.size(), 1u) << op.name() << ": public and roles";
      EXPECT_FALSE(op.spec["security"].is_array() && !op.spec["security"].empty())
          << op.name() << " is public but asks for a token";
    }
  }
}

TEST_F(AuthzTest, DocumentedRolesAreTheRolesTheServerLetsAct) {
  int checked = 0;
  for (const Operation& op : Operations()) {
    const json& roles = op.spec["x-roles"];
    if (Contains(roles, "public")) continue;
    // Without a token: 401, whatever the operation.
    {
      HttpClient anonymous = server().Client();
      const Reply reply = anonymous.Request(op.method, WithId(op.path, 1), "{}");
      EXPECT_EQ(reply.status, 401) << op.name() << " without a token: " << reply;
    }
    for (const std::string& role : kRoles) {
      const bool allowed = Contains(roles, role);
      const Call call = CallFor(op.name(), role, allowed);
      ASSERT_FALSE(call.target.empty())
          << op.name() << ": no case in authz_test.cc; add one so its roles are checked";
      ASSERT_FALSE(HasFatalFailure());
      const Reply reply = Send(op.method, call, role);
      if (allowed) {
        EXPECT_EQ(reply.status, call.success)
            << op.name() << " as " << role << " (x-roles lets it act): " << reply;
      } else {
        EXPECT_EQ(reply.status, 403)
            << op.name() << " as " << role << " (not in x-roles " << roles.dump() << "): " << reply;
        EXPECT_EQ(ErrorCode(reply), "forbidden") << op.name() << " as " << role;
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 30 * static_cast<int>(kRoles.size()));
}

// API.md: the caller's roles are checked before the body is read; a role that may not act
// gets 403 whatever it sent: an empty object, a body that is not JSON, one too deep.
TEST_F(AuthzTest, RolesAreCheckedBeforeTheBody) {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "{\"a\":";
  deep += "1" + std::string(100, '}');
  const std::vector<std::string> bodies = {"{}", "not json", "[]", deep};
  int checked = 0;
  for (const Operation& op : Operations()) {
    const json& roles = op.spec["x-roles"];
    if (Contains(roles, "public") || op.method == "GET") continue;
    for (const std::string& role : kRoles) {
      if (Contains(roles, role)) continue;
      Call call = CallFor(op.name(), role, false);
      ASSERT_FALSE(call.target.empty()) << op.name() << ": no case in authz_test.cc";
      for (const std::string& body : bodies) {
        call.body = body;
        const Reply reply = Send(op.method, call, role);
        EXPECT_EQ(reply.status, 403) << op.name() << " as " << role << " with the body "
                                     << body.substr(0, 20) << ": " << reply;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 100);
}

TEST_F(AuthzTest, PublicOperationsNeedNoToken) {
  HttpClient anonymous = server().Client();
  for (const Operation& op : Operations()) {
    if (!Contains(op.spec["x-roles"], "public")) continue;
    Reply reply;
    if (op.name() == "POST /api/v1/auth/login") {
      reply = anonymous.Post(
          op.path, json{{"username", "authz_analyst"}, {"password", kUserPassword}}.dump());
    } else {
      reply = anonymous.Request(op.method, op.path);
    }
    EXPECT_EQ(reply.status, 200) << op.name() << " without a token: " << reply;
  }
}

// `self` in x-roles: any user may call the operation on its own user record.
TEST_F(AuthzTest, SelfMeansAnyUserOnItsOwnRecord) {
  int checked = 0;
  for (const Operation& op : Operations()) {
    if (!Contains(op.spec["x-roles"], "self")) continue;
    ASSERT_NE(op.path.find("/users/{id}"), std::string::npos) << op.name();
    for (const std::string& role : kRoles) {
      Call call{"/api/v1/users/" + std::to_string(user_ids_.at(role))};
      if (op.method == "PATCH") call.body = json{{"display_name", "Myself " + role}}.dump();
      const Reply reply = Send(op.method, call, role);
      EXPECT_EQ(reply.status, 200) << op.name() << " as " << role << " on itself: " << reply;
      ++checked;
    }
  }
  EXPECT_GT(checked, 0) << "no operation says self";
}

// x-department-roles of the reviews: each role reviews exactly for the departments the
// document gives it.
TEST_F(AuthzTest, EachDepartmentIsReviewedByItsRoles) {
  const json& by_department =
      doc_["paths"]["/api/v1/orders/{id}/reviews"]["post"]["x-department-roles"];
  ASSERT_TRUE(by_department.is_object() && by_department.size() == 3) << by_department.dump();
  const json& roles = doc_["paths"]["/api/v1/orders/{id}/reviews"]["post"]["x-roles"];
  std::set<std::string> union_of_departments;
  for (const auto& [department, allowed_roles] : by_department.items()) {
    for (const std::string& role : kRoles) {
      const bool allowed = Contains(allowed_roles, role);
      if (allowed) union_of_departments.insert(role);
      const int64_t id = allowed ? PendingOrder(role)
                                 : Shared("pending", role,
                                          [this](const std::string& r) { return PendingOrder(r); });
      const Reply reply = Send("POST",
                               {OrderPath(id, "reviews"),
                                json{{"department", department}, {"decision", "approve"}}.dump()},
                               role);
      EXPECT_EQ(reply.status, allowed ? 200 : 403)
          << role << " reviewing for " << department << ": " << reply;
    }
  }
  EXPECT_EQ(union_of_departments, std::set<std::string>(roles.begin(), roles.end()))
      << "x-roles of the reviews must be every role of x-department-roles";
}

// x-partner-scope: the partner user reaches only its own partner's records. Another
// partner's record answers 404 (never 403, so ids do not leak); lists hold only its own.
TEST_F(AuthzTest, PartnerScopeHidesOtherPartnersRecords) {
  const int64_t foreign_order = [this] {
    const json body = {{"customer_id", other_partner_customer_},
                       {"lines", {{{"product_id", product_}, {"qty", "1"}}}}};
    return IdOf(AdminPost("/api/v1/orders", body));
  }();
  DraftOrder("partner");  // so that the partner's lists are not empty
  int checked = 0;
  for (const Operation& op : Operations()) {
    if (!op.spec.contains("x-partner-scope")) continue;
    ASSERT_TRUE(Contains(op.spec["x-roles"], "partner"))
        << op.name() << ": x-partner-scope on an operation partners may not call";
    if (op.path.find("{id}") == std::string::npos && op.method != "GET") {
      // A body naming another partner's customer: 422 customer_id.
      Call call = CallFor(op.name(), "partner", true);
      json body = json::parse(call.body);
      ASSERT_TRUE(body.contains("customer_id")) << op.name() << ": " << call.body;
      body["customer_id"] = other_partner_customer_;
      call.body = body.dump();
      const Reply reply = Send(op.method, call, "partner");
      EXPECT_EQ(reply.status, 422) << op.name() << " for another partner's customer: " << reply;
      EXPECT_TRUE(ErrorDetails(reply)["fields"].contains("customer_id")) << reply;
      ++checked;
      continue;
    }
    if (op.path.find("{id}") == std::string::npos) {
      const json body = ExpectJson(Send("GET", {op.path}, "partner"), 200, op.name());
      ASSERT_TRUE(body.is_object() && body["items"].is_array()) << op.name();
      EXPECT_FALSE(body["items"].empty()) << op.name();
      for (const json& item : body["items"]) {
        EXPECT_EQ(item.value("partner_id", json()), kPartnerId) << op.name() << ": " << item;
      }
      ++checked;
      continue;
    }
    Call call = CallFor(op.name(), "partner", false);  // for its body
    const bool customer = op.path.rfind("/api/v1/customers/", 0) == 0;
    call.target = WithId(op.path, customer ? other_partner_customer_ : foreign_order);
    const Reply reply = Send(op.method, call, "partner");
    EXPECT_EQ(reply.status, 404) << op.name() << " as partner on another partner's record "
                                 << call.target << ": " << reply;
    ++checked;
  }
  EXPECT_GT(checked, 0) << "no operation has x-partner-scope";
}

}  // namespace
}  // namespace ordo::test
