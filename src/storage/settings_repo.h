#pragma once
// Settings (the settings table): stored (key, JSON text) pairs; a key without a row keeps
// its default (service/settings_service.h). Written once for both databases.
//
// Not thread-safe: reached through its Tx (tx.settings()) and belongs to it.

#include <string>
#include <utility>
#include <vector>

#include "storage/sql.h"

namespace ordo::storage {

class SettingsRepo {
 public:
  explicit SettingsRepo(Sql& sql) : sql_(sql) {}

  // Every stored pair, by key.
  Result<std::vector<std::pair<std::string, std::string>>> All();
  // Stores value under key, replacing what was there.
  Status Put(const std::string& key, const std::string& value);

 private:
  Sql& sql_;
};

}  // namespace ordo::storage
