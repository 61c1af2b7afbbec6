#include "storage/sqlite/trigram_stats.h"

#include <utility>

namespace ordo::storage::sqlite {

std::optional<int64_t> TrigramStats::Get(const std::string& trigram) const {
  std::lock_guard lock(mu_);
  auto it = counts_.find(trigram);
  if (it == counts_.end()) return std::nullopt;
  return it->second;
}

void TrigramStats::Put(const std::string& trigram, int64_t docs) {
  std::lock_guard lock(mu_);
  if (counts_.size() >= kMaxEntries) return;
  counts_[trigram] = docs;
}

void TrigramStats::Replace(std::unordered_map<std::string, int64_t> counts) {
  std::lock_guard lock(mu_);
  counts_ = std::move(counts);
}

}  // namespace ordo::storage::sqlite
