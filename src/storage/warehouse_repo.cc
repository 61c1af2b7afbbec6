#include "storage/warehouse_repo.h"

#include "storage/query.h"

namespace ordo::storage {

using domain::Warehouse;

namespace {

constexpr std::string_view kColumns =
    "id, code, name, region, address, active, created_at, version";

Warehouse Read(Statement& st) {
  Warehouse w;
  w.id = st.Int(0);
  w.code = st.Text(1);
  w.name = st.Text(2);
  w.region = st.Text(3);
  w.address = st.Text(4);
  w.active = st.Bool(5);
  w.created_at = st.Int(6);
  w.version = st.Int(7);
  return w;
}

}  // namespace

Result<int64_t> WarehouseRepo::Insert(const Warehouse& w) {
  RETURN_IF_ERROR(sql_.CheckWritable());
  ASSIGN_OR_RETURN(Statement st, sql_.Prepare("INSERT INTO warehouses (code, name, region, "
                                              "address, active, created_at, version) "
                                              "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"));
  st.BindAll(w.code, w.name, w.region, w.address, w.active, w.created_at, w.version);
  return InsertedId(st);
}

Result<Warehouse> WarehouseRepo::Get(int64_t id) {
  // Built once: the intake reads these records for every order.
  static const std::string sql = Select(kColumns, "FROM warehouses WHERE id = ?");
  ASSIGN_OR_RETURN(Statement st, sql_.Prepare(sql));
  st.Bind(id);
  return ReadOne<Warehouse>(st, "warehouse not found", Read);
}

Status WarehouseRepo::Update(const Warehouse& w, int64_t expected_version) {
  RETURN_IF_ERROR(sql_.CheckWritable());
  ASSIGN_OR_RETURN(Statement st,
                   sql_.Prepare("UPDATE warehouses SET code = ?, name = ?, region = ?, "
                                "address = ?, active = ?, version = version + 1 "
                                "WHERE id = ? AND version = ?"));
  st.BindAll(w.code, w.name, w.region, w.address, w.active, w.id, expected_version);
  RETURN_IF_ERROR(st.Run());
  return VersionedUpdateResult(sql_, st.changes(), "warehouses", w.id, "warehouse");
}

Result<Page<Warehouse>> WarehouseRepo::List(const PageRequest& page) {
  const Where none;
  Page<Warehouse> out;
  ASSIGN_OR_RETURN(out.total, CountRows(sql_, "warehouses", none));
  ASSIGN_OR_RETURN(
      out.items,
      ReadPage<Warehouse>(sql_, Select(kColumns, "FROM warehouses ORDER BY id LIMIT ? OFFSET ?"),
                          none, page, Read));
  return out;
}

}  // namespace ordo::storage
