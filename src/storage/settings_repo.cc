#include "storage/settings_repo.h"

namespace ordo::storage {

Result<std::vector<std::pair<std::string, std::string>>> SettingsRepo::All() {
  ASSIGN_OR_RETURN(Statement st, sql_.Prepare("SELECT key, value FROM settings ORDER BY key"));
  std::vector<std::pair<std::string, std::string>> out;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.emplace_back(st.Text(0), st.Text(1));
  }
}

Status SettingsRepo::Put(const std::string& key, const std::string& value) {
  RETURN_IF_ERROR(sql_.CheckWritable());
  ASSIGN_OR_RETURN(Statement st,
                   sql_.Prepare("INSERT INTO settings (key, value) VALUES (?, ?) "
                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
  st.BindAll(key, value);
  return st.Run();
}

}  // namespace ordo::storage
