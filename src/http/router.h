#pragma once
// Method + path-pattern routing ("/api/v1/orders/{id}/submit"). Patterns are matched
// segment by segment; {name} captures one segment. A path matches only as written: an
// empty segment ("/orders//1", a trailing "/") matches no literal and no parameter is
// allowed to be empty, so each resource has one path. Built at start-up, then read-only
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
  // "/a/b" -> {"a", "b"}; "/a/b/" -> {"a", "b", ""}; "/a//b" -> {"a", "", "b"}.
  static std::vector<std::string> Split(const std::string& path) {
    std::vector<std::string> out;
    size_t i = !path.empty() && path[0] == '/' ? 1 : 0;
    while (true) {
      const size_t j = path.find('/', i);
      if (j == std::string::npos) {
        out.push_back(path.substr(i));
        return out;
      }
      out.push_back(path.substr(i, j - i));
      i = j + 1;
    }
  }
  static bool Match(const std::vector<std::string>& pattern, const std::vector<std::string>& segs,
                    std::map<std::string, std::string>* params) {
    if (pattern.size() != segs.size()) return false;
    for (size_t i = 0; i < pattern.size(); ++i) {
      const auto& p = pattern[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        if (segs[i].empty()) return false;
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
