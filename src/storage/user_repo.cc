#include "storage/user_repo.h"

#include <string>
#include <utility>
#include <vector>

#include "storage/query.h"

namespace ordo::storage {

using domain::User;

namespace {

UserRecord Read(Statement& st) {
  UserRecord r;
  r.user.id = st.Int(0);
  r.user.username = st.Text(1);
  r.user.display_name = st.Text(2);
  r.user.partner_id = st.OptInt(3);
  r.user.active = st.Bool(4);
  r.user.locale = st.Text(5);
  r.user.created_at = st.Int(6);
  r.user.updated_at = st.Int(7);
  r.user.version = st.Int(8);
  r.password_hash = st.Text(9);
  return r;
}

}  // namespace

std::string_view UserColumns() {
  return "u.id, u.username, u.display_name, u.partner_id, u.active, u.locale, u.created_at, "
         "u.updated_at, u.version, u.password_hash";
}

Result<std::vector<domain::Role>> UserRepo::LoadRoles(int64_t user_id) {
  ASSIGN_OR_RETURN(Statement st,
                   sql_.Prepare("SELECT role FROM user_roles WHERE user_id = ? ORDER BY position"));
  st.Bind(user_id);
  std::vector<domain::Role> roles;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    roles.push_back(st.Enum(0, domain::ParseRole));
    RETURN_IF_ERROR(st.decode_status());
  }
  return roles;
}

Status UserRepo::WriteRoles(int64_t user_id, const std::vector<domain::Role>& roles) {
  {
    ASSIGN_OR_RETURN(Statement del, sql_.Prepare("DELETE FROM user_roles WHERE user_id = ?"));
    del.Bind(user_id);
    RETURN_IF_ERROR(del.Run());
  }
  int position = 0;
  for (domain::Role role : roles) {
    // A role given twice is kept once, at its first position.
    ASSIGN_OR_RETURN(Statement ins, sql_.Prepare("INSERT INTO user_roles (user_id, position, role) "
                                                 "VALUES (?, ?, ?) ON CONFLICT DO NOTHING"));
    ins.BindAll(user_id, position++, domain::RoleName(role));
    RETURN_IF_ERROR(ins.Run());
  }
  return Status::Ok();
}

Result<UserRecord> UserRepo::ReadUser(Statement& st, Status not_found) {
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return not_found;
  UserRecord rec = Read(st);
  RETURN_IF_ERROR(st.decode_status());
  ASSIGN_OR_RETURN(rec.user.roles, LoadRoles(rec.user.id));
  return rec;
}

Result<int64_t> UserRepo::Insert(const User& user, const std::string& password_hash) {
  RETURN_IF_ERROR(sql_.CheckWritable());
  int64_t id = 0;
  {
    ASSIGN_OR_RETURN(Statement st,
                     sql_.Prepare("INSERT INTO users (username, display_name, password_hash, "
                                  "partner_id, active, locale, created_at, updated_at, version) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    st.BindAll(user.username, user.display_name, password_hash, user.partner_id, user.active,
               user.locale, user.created_at, user.updated_at, user.version);
    ASSIGN_OR_RETURN(id, InsertedId(st));
  }
  RETURN_IF_ERROR(WriteRoles(id, user.roles));
  return id;
}

Result<UserRecord> UserRepo::Get(int64_t id) {
  static const std::string sql = Select(UserColumns(), "FROM users u WHERE u.id = ?");
  ASSIGN_OR_RETURN(Statement st, sql_.Prepare(sql));
  st.Bind(id);
  return ReadUser(st, Status::NotFound("user not found"));
}

Result<UserRecord> UserRepo::GetByUsername(const std::string& username) {
  static const std::string sql = Select(UserColumns(), "FROM users u WHERE u.username = ?");
  ASSIGN_OR_RETURN(Statement st, sql_.Prepare(sql));
  st.Bind(username);
  return ReadUser(st, Status::NotFound("user not found"));
}

Status UserRepo::Update(const User& user, int64_t expected_version,
                        const std::string& password_hash) {
  RETURN_IF_ERROR(sql_.CheckWritable());
  {
    ASSIGN_OR_RETURN(
        Statement st,
        sql_.Prepare("UPDATE users SET username = ?, display_name = ?, partner_id = ?, "
                     "active = ?, locale = ?, updated_at = ?, version = version + 1, "
                     "password_hash = CASE WHEN ? = '' THEN password_hash ELSE ? END "
                     "WHERE id = ? AND version = ?"));
    st.BindAll(user.username, user.display_name, user.partner_id, user.active, user.locale,
               user.updated_at, password_hash, password_hash, user.id, expected_version);
    RETURN_IF_ERROR(st.Run());
    RETURN_IF_ERROR(VersionedUpdateResult(sql_, st.changes(), "users", user.id, "user"));
  }
  return WriteRoles(user.id, user.roles);
}

Result<Page<User>> UserRepo::List(const PageRequest& page) {
  Page<User> out;
  ASSIGN_OR_RETURN(out.total, Count());
  const Where none;
  ASSIGN_OR_RETURN(auto records,
                   ReadPage<UserRecord>(
                       sql_, Select(UserColumns(), "FROM users u ORDER BY u.id LIMIT ? OFFSET ?"),
                       none, page, Read));
  for (auto& rec : records) {
    ASSIGN_OR_RETURN(rec.user.roles, LoadRoles(rec.user.id));
    out.items.push_back(std::move(rec.user));
  }
  return out;
}

Result<int64_t> UserRepo::Count() { return CountRows(sql_, "users", Where()); }

}  // namespace ordo::storage
