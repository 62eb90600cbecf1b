// EndpointSlices to targets: ready endpoints only, the named or numbered port, Prometheus's
// labels, de-duplication across slices, IPv6 brackets, malformed slices skipped.
#include "nova/scrape/targets.h"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>

namespace nova::scrape {

namespace json = boost::json;

namespace {

json::value slice(std::string_view endpoints, std::string_view family = "IPv4",
                  std::string_view ports = R"([{"name":"http","port":8081,"protocol":"TCP"},
                                             {"name":"admin","port":9000}])") {
  return json::parse(std::string(R"({"addressType":")") + std::string(family) +
                     R"(","endpoints":)" + std::string(endpoints) + R"(,"ports":)" +
                     std::string(ports) + "}");
}

std::string endpoint(std::string_view ip, std::string_view pod, std::string_view conditions) {
  return std::string(R"({"addresses":[")") + std::string(ip) + R"("],"conditions":)" +
         std::string(conditions) + R"(,"targetRef":{"kind":"Pod","name":")" + std::string(pod) +
         R"(","namespace":"production"}})";
}

KubernetesDiscovery config(std::string port = "http") {
  return {"production", "user-service-green", std::move(port),
          Labels{{"job", "user-service-green"}, {"pod", "configured-loses"}}};
}

std::vector<std::string> instances(const std::vector<DiscoveredTarget>& targets) {
  std::vector<std::string> out;
  for (const auto& t : targets) {
    out.push_back(t.instance);
  }
  return out;
}

}  // namespace

TEST_CASE("ready endpoints become targets with instance, pod, namespace and configured labels") {
  std::map<std::string, json::value> slices;
  slices["green-abc"] = slice(
      "[" + endpoint("10.0.0.2", "green-2", R"({"ready":true})") + "," +
      endpoint("10.0.0.1", "green-1", "{}") + "," +
      endpoint("10.0.0.3", "green-3", R"({"ready":false})") + "," +
      endpoint("10.0.0.4", "green-4", R"({"ready":false,"serving":true,"terminating":true})") +
      "]");
  auto targets = targetsFromSlices(slices, config());
  // Absent ready means ready; not ready and terminating are no targets.
  REQUIRE(instances(targets) == std::vector<std::string>{"10.0.0.1:8081", "10.0.0.2:8081"});
  CHECK(targets[0].labels == Labels{{"instance", "10.0.0.1:8081"},
                                    {"job", "user-service-green"},
                                    {"namespace", "production"},
                                    {"pod", "green-1"}});
  SUBCASE("by number") {
    CHECK(instances(targetsFromSlices(slices, config("9000"))) ==
          std::vector<std::string>{"10.0.0.1:9000", "10.0.0.2:9000"});
  }
  SUBCASE("a port no slice has") {
    CHECK(targetsFromSlices(slices, config("metrics")).empty());
    CHECK(targetsFromSlices(slices, config("8082")).empty());
  }
}

TEST_CASE("an endpoint in two slices is one target; IPv6 is bracketed; bad slices skipped") {
  std::map<std::string, json::value> slices;
  const std::string one = endpoint("10.0.0.1", "green-1", "{}");
  slices["a"] = slice("[" + one + "]");
  slices["b"] = slice("[" + one + "]");
  slices["v6"] = slice("[" + endpoint("fd00::7", "green-7", "{}") + "]", "IPv6");
  slices["fqdn"] = slice("[" + endpoint("green.example", "green-8", "{}") + "]", "FQDN");
  slices["null-endpoints"] = slice("null");
  slices["not-an-object"] = json::value("garbage");
  slices["null-port"] = slice("[" + endpoint("10.0.0.9", "green-9", "{}") + "]", "IPv4",
                              R"([{"name":"http","port":null}])");
  slices["no-addresses"] = slice(R"([{"addresses":[],"conditions":{}}])");
  CHECK(instances(targetsFromSlices(slices, config())) ==
        std::vector<std::string>{"10.0.0.1:8081", "[fd00::7]:8081"});
}

TEST_CASE("a static target from a base URL") {
  auto target = staticTarget("http://127.0.0.1:8081", Labels{{"job", "green"}});
  REQUIRE(target.ok());
  CHECK(target->instance == "127.0.0.1:8081");
  CHECK(target->labels == Labels{{"instance", "127.0.0.1:8081"}, {"job", "green"}});
  CHECK(staticTarget("https://green.example", {})->instance == "green.example:443");
  auto bad = staticTarget("ftp://x", {});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidInput);
}

}  // namespace nova::scrape
