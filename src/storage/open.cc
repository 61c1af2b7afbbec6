// OpenStore: picks the backend from the URL.

#include <filesystem>
#include <string_view>
#include <system_error>

#include "storage/postgres/pg_store.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/store.h"

namespace ordo::storage {

namespace {

constexpr std::string_view kSqlitePrefix = "sqlite:";

Result<std::unique_ptr<Store>> OpenSqlite(std::string_view rest) {
  // "sqlite:PATH"; "sqlite://PATH" is accepted too ("sqlite:///abs/path").
  if (rest.starts_with("//")) rest.remove_prefix(2);
  const std::string path(rest);
  if (path.empty() || path == ":memory:") {
    return Status::Invalid("db", "sqlite: needs the path of a database file");
  }
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return Status(Code::kUnavailable,
                    "cannot create the directory " + parent.string() + ": " + ec.message());
    }
  }
  auto store = sqlite::SqliteStore::Open(path);
  if (!store.ok()) return store.TakeStatus();
  return std::unique_ptr<Store>(std::move(store).value());
}

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(const std::string& url) {
  const std::string_view u(url);
  if (u.starts_with(kSqlitePrefix)) return OpenSqlite(u.substr(kSqlitePrefix.size()));
  if (u.starts_with("postgresql://") || u.starts_with("postgres://")) {
    auto store = postgres::PgStore::Open(url);
    if (!store.ok()) return store.TakeStatus();
    return std::unique_ptr<Store>(std::move(store).value());
  }
  return Status::Invalid("db", "expected sqlite:PATH or postgresql://...");
}

}  // namespace ordo::storage
