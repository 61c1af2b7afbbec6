#pragma once
// Method + path-pattern routing ("/api/v1/orders/{id}/submit"). Patterns are matched
// segment by segment; {name} captures one segment. Built at start-up, then read-only
// (thread-safe for lookups).

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "http/server.h"

namespace ordo::http {

struct RouteMatch {
  const void* route = nullptr;  // opaque; see Router::Lookup
  std::map<std::string, std::string> params;
  bool path_known = false;  // the path exists with another method
};

template <typename H>
class Router {
 public:
  struct Route {
    std::string method;
    std::string pattern;
    H handler;
    std::vector<std::string> segments;
  };

  void Add(std::string method, std::string pattern, H handler) {
    Route r{std::move(method), pattern, std::move(handler), Split(pattern)};
    routes_.push_back(std::move(r));
  }

  // The route for this method and path, with its captured parameters.
  const Route* Lookup(const std::string& method, const std::string& path,
                      std::map<std::string, std::string>* params, bool* path_known) const {
    const auto segs = Split(path);
    *path_known = false;
    for (const auto& r : routes_) {
      std::map<std::string, std::string> p;
      if (!Match(r.segments, segs, &p)) continue;
      if (r.method != method && !(method == "HEAD" && r.method == "GET")) {
        *path_known = true;
        continue;
      }
      *params = std::move(p);
      return &r;
    }
    return nullptr;
  }

  const std::vector<Route>& routes() const { return routes_; }

 private:
  static std::vector<std::string> Split(const std::string& path) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < path.size()) {
      if (path[i] == '/') {
        ++i;
        continue;
      }
      size_t j = path.find('/', i);
      if (j == std::string::npos) j = path.size();
      out.push_back(path.substr(i, j - i));
      i = j;
    }
    return out;
  }
  static bool Match(const std::vector<std::string>& pattern, const std::vector<std::string>& segs,
                    std::map<std::string, std::string>* params) {
    if (pattern.size() != segs.size()) return false;
    for (size_t i = 0; i < pattern.size(); ++i) {
      const auto& p = pattern[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        (*params)[p.substr(1, p.size() - 2)] = segs[i];
      } else if (p != segs[i]) {
        return false;
      }
    }
    return true;
  }
  std::vector<Route> routes_;
};

}  // namespace ordo::http
