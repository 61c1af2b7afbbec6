// The storage contract of the master data and settings repositories (customer_repo.h,
// product_repo.h, warehouse_repo.h, settings_repo.h), on every backend
// (storage_contract/fixture.h).

#include <string>
#include <tuple>
#include <vector>

#include "storage/store.h"
#include "storage_contract/fixture.h"

// Filters are written with designated initializers; the fields left out keep their
// defaults, which is the point.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace ordo::storage {
namespace {

class MasterDataStoreContract : public StoreContract {};

// ---- customers, products, warehouses ----

TEST_P(MasterDataStoreContract, CustomerRoundTripsEveryField) {
  Customer c = MakeCustomer(Unique("C"));
  c.id = Must(W<int64_t>([&](Tx& tx) { return tx.customers().Insert(c); }));
  ExpectSameCustomer(Must(Rd<Customer>([&](Tx& tx) { return tx.customers().Get(c.id); })), c);

  // The other end of every optional and enum.
  Customer d = MakeCustomer(Unique("D"));
  d.contacts.clear();
  d.credit_limit.reset();
  d.partner_id.reset();
  d.blocked = false;
  d.uscc = "";
  for (auto method :
       {PaymentMethod::kPrepayment, PaymentMethod::kCashOnDelivery, PaymentMethod::kNet}) {
    for (auto invoice : {InvoiceType::kVatSpecial, InvoiceType::kNone}) {
      d.code = Unique("D" + std::to_string(static_cast<int>(method)) +
                      std::to_string(static_cast<int>(invoice)));
      d.payment_terms = {method, 0, Rate()};
      d.default_invoice_type = invoice;
      d.id = Must(W<int64_t>([&](Tx& tx) { return tx.customers().Insert(d); }));
      ExpectSameCustomer(Must(Rd<Customer>([&](Tx& tx) { return tx.customers().Get(d.id); })), d);
    }
  }
  EXPECT_EQ(
      Rd<Customer>([&](Tx& tx) { return tx.customers().Get(c.id + 1'000'000); }).status().code(),
      Code::kNotFound);
}

TEST_P(MasterDataStoreContract, CustomerCodeIsUniqueAndUpdatesAreVersioned) {
  Customer c = MakeCustomer(Unique("E"));
  c.id = Must(W<int64_t>([&](Tx& tx) { return tx.customers().Insert(c); }));
  auto dup = W<int64_t>([&](Tx& tx) { return tx.customers().Insert(c); });
  EXPECT_EQ(dup.status().code(), Code::kConflict);
  EXPECT_EQ(dup.status().message(), "code already exists");

  c.name = "新名字";
  c.credit_limit.reset();
  c.contacts = {{"n", "p", "e"}};
  c.updated_at += 10;
  ASSERT_OK(Wst([&](Tx& tx) { return tx.customers().Update(c, 1); }));
  c.version = 2;
  ExpectSameCustomer(Must(Rd<Customer>([&](Tx& tx) { return tx.customers().Get(c.id); })), c);

  Status stale = Wst([&](Tx& tx) { return tx.customers().Update(c, 1); });
  EXPECT_EQ(stale.code(), Code::kConflict);
  EXPECT_EQ(stale.message(), "stale version");
  Customer missing = c;
  missing.id += 1'000'000;
  EXPECT_EQ(Wst([&](Tx& tx) { return tx.customers().Update(missing, 1); }).code(), Code::kNotFound);

  Customer other = MakeCustomer(Unique("F"));
  other.id = Must(W<int64_t>([&](Tx& tx) { return tx.customers().Insert(other); }));
  other.code = c.code;
  Status clash = Wst([&](Tx& tx) { return tx.customers().Update(other, 1); });
  EXPECT_EQ(clash.code(), Code::kConflict);
  EXPECT_EQ(clash.message(), "code already exists");
}

TEST_P(MasterDataStoreContract, ListCustomersFilters) {
  const int64_t partner = RandomId();
  Customer base = MakeCustomer("");
  base.partner_id = partner;
  std::vector<int64_t> ids;
  for (const auto& [code, name, blocked] : std::vector<std::tuple<std::string, std::string, bool>>{
           {Unique("ACME"), "Acme 100% Steel", false},
           {Unique("BOLT"), "Bolt_Works", true},
           {Unique("CRANE"), "Crane Co", false}}) {
    Customer c = base;
    c.code = code;
    c.name = name;
    c.blocked = blocked;
    ids.push_back(Must(W<int64_t>([&](Tx& tx) { return tx.customers().Insert(c); })));
  }
  auto list = [&](CustomerFilter f) {
    f.partner_id = partner;
    return Must(Rd<Page<Customer>>([&](Tx& tx) { return tx.customers().List(f); }));
  };
  auto all = list({});
  EXPECT_EQ(all.total, 3);
  ASSERT_EQ(all.items.size(), 3u);
  EXPECT_EQ(all.items[0].id, ids[0]);
  EXPECT_EQ(all.items[0].contacts, base.contacts);

  EXPECT_EQ(list({.q = "bolt"}).total, 1);      // code, any case
  EXPECT_EQ(list({.q = "crane co"}).total, 1);  // name
  EXPECT_EQ(list({.q = "100%"}).total, 1);      // % is literal
  EXPECT_EQ(list({.q = "t_w"}).total, 1);       // _ is literal
  EXPECT_EQ(list({.q = "l_w"}).total, 0);
  EXPECT_EQ(list({.blocked = true}).total, 1);
  EXPECT_EQ(list({.blocked = false}).total, 2);
  auto page2 = list({.page = {2, 2}});
  EXPECT_EQ(page2.total, 3);
  ASSERT_EQ(page2.items.size(), 1u);
  EXPECT_EQ(page2.items[0].id, ids[2]);
}

TEST_P(MasterDataStoreContract, ProductRoundTripUniquenessAndVersions) {
  Product p = MakeProduct(Unique("SKU"));
  p.id = Must(W<int64_t>([&](Tx& tx) { return tx.products().Insert(p); }));
  ExpectSameProduct(Must(Rd<Product>([&](Tx& tx) { return tx.products().Get(p.id); })), p);

  auto dup = W<int64_t>([&](Tx& tx) { return tx.products().Insert(p); });
  EXPECT_EQ(dup.status().code(), Code::kConflict);
  EXPECT_EQ(dup.status().message(), "sku already exists");

  p.list_price = M(2'000'00);
  p.active = true;
  p.make_to_order = false;
  p.updated_at += 1;
  ASSERT_OK(Wst([&](Tx& tx) { return tx.products().Update(p, 1); }));
  p.version = 2;
  ExpectSameProduct(Must(Rd<Product>([&](Tx& tx) { return tx.products().Get(p.id); })), p);
  EXPECT_EQ(Wst([&](Tx& tx) { return tx.products().Update(p, 1); }).message(), "stale version");
  Product missing = p;
  missing.id += 1'000'000;
  EXPECT_EQ(Wst([&](Tx& tx) { return tx.products().Update(missing, 2); }).code(), Code::kNotFound);
  EXPECT_EQ(Rd<Product>([&](Tx& tx) { return tx.products().Get(missing.id); }).status().code(),
            Code::kNotFound);
}

TEST_P(MasterDataStoreContract, ListProductsFilters) {
  const std::string tag = Unique("zq");
  for (const auto& [sku, spec, active] : std::vector<std::tuple<std::string, std::string, bool>>{
           {tag + "-A", "red", true}, {tag + "-B", "blue", false}, {tag + "-C", "red", true}}) {
    Product p = MakeProduct(sku);
    p.spec = spec + " " + tag;
    p.active = active;
    ASSERT_TRUE(W<int64_t>([&](Tx& tx) { return tx.products().Insert(p); }).ok());
  }
  auto list = [&](ProductFilter f) {
    return Must(Rd<Page<Product>>([&](Tx& tx) { return tx.products().List(f); }));
  };
  EXPECT_EQ(list({.q = tag}).total, 3);
  EXPECT_EQ(list({.q = tag + "-b"}).total, 1);
  EXPECT_EQ(list({.q = "red " + tag}).total, 2);  // spec
  EXPECT_EQ(list({.q = tag, .active = true}).total, 2);
  EXPECT_EQ(list({.q = tag, .active = false}).total, 1);
  auto page = list({.q = tag, .page = {1, 2}});
  EXPECT_EQ(page.total, 3);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].sku, tag + "-A");
}

TEST_P(MasterDataStoreContract, Warehouses) {
  const auto before = Must(Rd<Page<Warehouse>>([&](Tx& tx) { return tx.warehouses().List({}); }));
  Warehouse w;
  w.code = Unique("WH");
  w.name = "上海仓";
  w.region = "east";
  w.address = "浦东";
  w.active = false;
  w.created_at = 123;
  w.version = 4;
  w.id = Must(W<int64_t>([&](Tx& tx) { return tx.warehouses().Insert(w); }));
  auto got = Must(Rd<Warehouse>([&](Tx& tx) { return tx.warehouses().Get(w.id); }));
  EXPECT_EQ(got.id, w.id);
  EXPECT_EQ(got.code, w.code);
  EXPECT_EQ(got.name, w.name);
  EXPECT_EQ(got.region, w.region);
  EXPECT_EQ(got.address, w.address);
  EXPECT_EQ(got.active, w.active);
  EXPECT_EQ(got.created_at, w.created_at);
  EXPECT_EQ(got.version, w.version);

  auto dup = W<int64_t>([&](Tx& tx) { return tx.warehouses().Insert(w); });
  EXPECT_EQ(dup.status().message(), "code already exists");
  EXPECT_EQ(
      Rd<Warehouse>([&](Tx& tx) { return tx.warehouses().Get(w.id + 1'000'000); }).status().code(),
      Code::kNotFound);
  const auto after = Must(Rd<Page<Warehouse>>([&](Tx& tx) { return tx.warehouses().List({}); }));
  EXPECT_EQ(after.total, before.total + 1);
  auto last = Must(Rd<Page<Warehouse>>([&](Tx& tx) {
    return tx.warehouses().List({static_cast<int>(after.total), 1});
  }));
  ASSERT_EQ(last.items.size(), 1u);
  EXPECT_EQ(last.items[0].id, w.id);  // oldest first, the new one last
}

TEST_P(MasterDataStoreContract, WarehouseUpdatesAreVersioned) {
  Warehouse w;
  w.code = Unique("WU");
  w.name = "旧仓";
  w.created_at = 1'700'000'000'000;
  w.id = Must(W<int64_t>([&](Tx& tx) { return tx.warehouses().Insert(w); }));

  Warehouse changed = w;
  changed.code = Unique("WV");
  changed.name = "新仓";
  changed.region = "south";
  changed.address = "广州";
  changed.active = false;
  changed.created_at = 1;  // never written by an update
  ASSERT_OK(Wst([&](Tx& tx) { return tx.warehouses().Update(changed, 1); }));
  auto got = Must(Rd<Warehouse>([&](Tx& tx) { return tx.warehouses().Get(w.id); }));
  EXPECT_EQ(got.code, changed.code);
  EXPECT_EQ(got.name, "新仓");
  EXPECT_EQ(got.region, "south");
  EXPECT_EQ(got.address, "广州");
  EXPECT_FALSE(got.active);
  EXPECT_EQ(got.created_at, w.created_at);
  EXPECT_EQ(got.version, 2);

  Status stale = Wst([&](Tx& tx) { return tx.warehouses().Update(changed, 1); });
  EXPECT_EQ(stale.code(), Code::kConflict);
  EXPECT_EQ(stale.message(), "stale version");
  Warehouse missing = changed;
  missing.id += 1'000'000;
  EXPECT_EQ(Wst([&](Tx& tx) { return tx.warehouses().Update(missing, 1); }).code(),
            Code::kNotFound);

  Warehouse other;
  other.code = Unique("WX");
  other.name = "另一仓";
  other.id = Must(W<int64_t>([&](Tx& tx) { return tx.warehouses().Insert(other); }));
  other.code = changed.code;
  Status clash = Wst([&](Tx& tx) { return tx.warehouses().Update(other, 1); });
  EXPECT_EQ(clash.code(), Code::kConflict);
  EXPECT_EQ(clash.message(), "code already exists");
}

// ---- settings ----

TEST_P(MasterDataStoreContract, SettingsAreStoredByKeyAndReplaced) {
  // Keys of this test only: a PostgreSQL database is shared by the tests.
  const std::string a = Unique("a.setting"), b = Unique("b.setting");
  auto mine = [&] {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& kv : Must(Rd<std::vector<std::pair<std::string, std::string>>>(
             [&](Tx& tx) { return tx.settings().All(); }))) {
      if (kv.first == a || kv.first == b) out.push_back(kv);
    }
    return out;
  };
  EXPECT_TRUE(mine().empty());
  ASSERT_OK(Wst([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.settings().Put(b, "true"));
    return tx.settings().Put(a, R"({"x": "引号\"与"})");
  }));
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(mine(), (Pairs{{a, R"({"x": "引号\"与"})"}, {b, "true"}}));  // by key
  ASSERT_OK(Wst([&](Tx& tx) { return tx.settings().Put(b, "false"); }));
  EXPECT_EQ(mine(), (Pairs{{a, R"({"x": "引号\"与"})"}, {b, "false"}}));
}

INSTANTIATE_TEST_SUITE_P(Backends, MasterDataStoreContract, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ordo::storage
