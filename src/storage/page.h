#pragma once
// A page of a list and the request for one; every list of the storage interface pages.

#include <cstdint>
#include <vector>

namespace ordo::storage {

template <typename T>
struct Page {
  std::vector<T> items;
  int64_t total = 0;
};

struct PageRequest {
  int page = 1;        // 1-based
  int page_size = 50;  // 1..200
  int64_t offset() const { return static_cast<int64_t>(page - 1) * page_size; }
};

}  // namespace ordo::storage
