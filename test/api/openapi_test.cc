// The served OpenAPI document describes exactly the routes the server has.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>

#include "api/api_fixture.h"

namespace ordo::test {
namespace {

// "METHOD /path" for every operation of the document (the method in upper case).
std::set<std::string> DocumentedOperations(const json& doc) {
  static const std::set<std::string> kMethods = {"get",   "put",     "post", "delete",
                                                 "patch", "options", "head", "trace"};
  std::set<std::string> out;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [key, operation] : item.items()) {
      if (!kMethods.count(key)) continue;
      std::string method = key;
      for (char& c : method) c = static_cast<char>(c - 'a' + 'A');
      out.insert(method + " " + path);
    }
  }
  return out;
}

// The routes `ordo routes` prints, one "METHOD /path" a line.
std::set<std::string> RouterOperations(const std::string& output) {
  std::set<std::string> out;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t space = line.find(' ');
    if (space == std::string::npos || space == 0 || line.compare(space + 1, 1, "/") != 0) continue;
    bool upper = true;
    for (size_t i = 0; i < space; ++i) upper = upper && line[i] >= 'A' && line[i] <= 'Z';
    if (upper) out.insert(line);
  }
  return out;
}

TEST(OpenApiTest, DocumentMatchesTheRoutes) {
  auto server = OrdoProcess::Start(DefaultOptions());
  ASSERT_NE(server, nullptr);
  HttpClient client = server->Client();  // no token: the document is public
  const Reply reply = client.Get("/api/openapi.json");
  ASSERT_EQ(reply.status, 200) << reply;
  EXPECT_NE(reply.header("content-type").find("application/json"), std::string::npos)
      << reply.header("content-type");
  const json doc = json::parse(reply.body, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << "not valid JSON: " << reply.body.substr(0, 500);
  ASSERT_TRUE(doc.is_object());
  ASSERT_TRUE(doc.contains("openapi") && doc["openapi"].is_string()) << reply.body.substr(0, 500);
  EXPECT_EQ(doc["openapi"].get<std::string>().rfind("3.", 0), 0u) << doc["openapi"];
  EXPECT_TRUE(doc.contains("info") && doc["info"].contains("title"));
  ASSERT_TRUE(doc.contains("paths") && doc["paths"].is_object() && !doc["paths"].empty())
      << "the document has no paths yet";

  const auto routes = OrdoProcess::RunOrdo({"routes"});
  ASSERT_EQ(routes.exit_code, 0) << routes.output;
  const std::set<std::string> routed = RouterOperations(routes.output);
  ASSERT_FALSE(routed.empty()) << routes.output;
  const std::set<std::string> documented = DocumentedOperations(doc);

  for (const std::string& route : routed) {
    EXPECT_TRUE(documented.count(route)) << "route not in /api/openapi.json: " << route;
  }
  // Served outside the router, so `ordo routes` does not list them.
  const std::set<std::string> outside = {"GET /healthz", "GET /api/openapi.json"};
  for (const std::string& operation : documented) {
    if (outside.count(operation)) continue;
    EXPECT_TRUE(routed.count(operation)) << "documented but not routed: " << operation;
  }
  for (const std::string& operation : outside) {
    EXPECT_TRUE(documented.count(operation)) << "not documented: " << operation;
  }

  // Every operation says what it answers.
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      if (!operation.is_object() || method == "parameters") continue;
      if (method == "summary" || method == "description" || method == "servers") continue;
      EXPECT_TRUE(operation.contains("responses") && !operation["responses"].empty())
          << method << " " << path << " has no responses";
    }
  }
}

}  // namespace
}  // namespace ordo::test
