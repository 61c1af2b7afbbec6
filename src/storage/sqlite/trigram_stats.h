#pragma once
// How many orders hold each trigram of the search index (orders_search). Choosing which
// part of a search term to look up needs these counts (sqlite_tx_search.cc), and counting
// a trigram that every order number shares ("so2") takes milliseconds. SqliteStore
// reloads all of them now and then from orders_search_vocab on a thread of its own (at
// a million orders that reads the index once, under half a second); a trigram met
// between two loads is counted on the spot and remembered. Only an estimate steers by
// these numbers: search results never depend on them.
//
// Thread-safe.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace ordo::storage::sqlite {

class TrigramStats {
 public:
  std::optional<int64_t> Get(const std::string& trigram) const;
  void Put(const std::string& trigram, int64_t docs);
  // Replaces every count.
  void Replace(std::unordered_map<std::string, int64_t> counts);

 private:
  static constexpr size_t kMaxEntries = 1000000;

  mutable std::mutex mu_;
  std::unordered_map<std::string, int64_t> counts_;  // guarded by mu_
};

}  // namespace ordo::storage::sqlite
