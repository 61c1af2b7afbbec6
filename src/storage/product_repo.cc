#include "storage/product_repo.h"

#include <string>

#include "storage/query.h"

namespace ordo::storage {

using domain::Product;

namespace {

constexpr std::string_view kColumns =
    "id, sku, name, spec, unit, list_price, min_price, tax_rate, make_to_order, "
    "lead_time_days, safety_stock, active, created_at, updated_at, version";

Product Read(Statement& st) {
  Product p;
  p.id = st.Int(0);
  p.sku = st.Text(1);
  p.name = st.Text(2);
  p.spec = st.Text(3);
  p.unit = st.Text(4);
  p.list_price = st.Dec<2>(5);
  p.min_price = st.Dec<2>(6);
  p.tax_rate = st.Dec<4>(7);
  p.make_to_order = st.Bool(8);
  p.lead_time_days = static_cast<int>(st.Int(9));
  p.safety_stock = st.Dec<3>(10);
  p.active = st.Bool(11);
  p.created_at = st.Int(12);
  p.updated_at = st.Int(13);
  p.version = st.Int(14);
  return p;
}

// Binds the columns of kColumns from sku to active, in order.
void BindFields(Statement& st, const Product& p) {
  st.BindAll(p.sku, p.name, p.spec, p.unit, p.list_price, p.min_price, p.tax_rate, p.make_to_order,
             p.lead_time_days, p.safety_stock, p.active);
}

}  // namespace

Result<int64_t> ProductRepo::Insert(const Product& p) {
  RETURN_IF_ERROR(sql_.CheckWritable());
  ASSIGN_OR_RETURN(Statement st, sql_.Prepare("INSERT INTO products (sku, name, spec, unit, "
                                              "list_price, min_price, tax_rate, make_to_order, "
                                              "lead_time_days, safety_stock, active, created_at, "
                                              "updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, "
                                              "?, ?, ?, ?, ?, ?, ?) RETURNING id"));
  BindFields(st, p);
  st.BindAll(p.created_at, p.updated_at, p.version);
  return InsertedId(st);
}

Result<Product> ProductRepo::Get(int64_t id) {
  // Built once: the intake reads these records for every order.
  static const std::string sql = Select(kColumns, "FROM products WHERE id = ?");
  ASSIGN_OR_RETURN(Statement st, sql_.Prepare(sql));
  st.Bind(id);
  return ReadOne<Product>(st, "product not found", Read);
}

Status ProductRepo::Update(const Product& p, int64_t expected_version) {
  RETURN_IF_ERROR(sql_.CheckWritable());
  ASSIGN_OR_RETURN(Statement st,
                   sql_.Prepare("UPDATE products SET sku = ?, name = ?, spec = ?, unit = ?, "
                                "list_price = ?, min_price = ?, tax_rate = ?, "
                                "make_to_order = ?, lead_time_days = ?, safety_stock = ?, "
                                "active = ?, updated_at = ?, version = version + 1 "
                                "WHERE id = ? AND version = ?"));
  BindFields(st, p);
  st.BindAll(p.updated_at, p.id, expected_version);
  RETURN_IF_ERROR(st.Run());
  return VersionedUpdateResult(sql_, st.changes(), "products", p.id, "product");
}

Result<Page<Product>> ProductRepo::List(const ProductFilter& f) {
  Where where;
  if (!f.q.empty()) {
    const std::string pattern = ContainsPattern(f.q);
    where.And(
        sql_.Contains("sku") + " OR " + sql_.Contains("name") + " OR " + sql_.Contains("spec"),
        pattern, pattern, pattern);
  }
  if (f.active) where.And("active = ?", *f.active);
  Page<Product> out;
  ASSIGN_OR_RETURN(out.total, CountRows(sql_, "products", where));
  ASSIGN_OR_RETURN(out.items, ReadPage<Product>(sql_,
                                                Select(kColumns, "FROM products") + where.Sql() +
                                                    " ORDER BY id LIMIT ? OFFSET ?",
                                                where, f.page, Read));
  return out;
}

}  // namespace ordo::storage
