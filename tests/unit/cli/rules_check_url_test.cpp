// `novactl rules check --url` against a real HTTP server on loopback serving an exposition,
// and `rules test` printing what the scenario's buckets cannot show.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "nova/cli/rules_commands.h"
#include "nova/http/server.h"

namespace nova::cli {
namespace {

const std::string kData = NOVA_SOURCE_DIR "/tests/scenarios/data/";

// Serves `body` as /metrics until destroyed.
struct Target {
  explicit Target(std::string body) {
    auto started = http::Server::start({}, [body](const http::ServerRequest&) {
      http::ServerResponse response;
      response.body = body;
      return response;
    });
    REQUIRE(started.ok());
    server = std::move(started).value();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server->port()) + "/"; }
  std::unique_ptr<http::Server> server;
};

std::string dbHistogram(std::initializer_list<const char*> les) {
  std::string out = "# TYPE pg_query_duration_seconds histogram\n";
  for (const char* le : les) {
    out += "pg_query_duration_seconds_bucket{le=\"" + std::string(le) + "\"} 10\n";
  }
  return out + "pg_query_duration_seconds_count 10\npg_query_duration_seconds_sum 1\n";
}

TEST_CASE("rules check --url: a quantile threshold at the top finite bucket exits 2") {
  const Target target(dbHistogram({"0.05", "0.1", "+Inf"}));
  const std::vector<std::string> files{kData + "db_p95_quantile.yaml"};
  std::ostringstream out;
  std::ostringstream err;
  CHECK(runRulesCheck(files, out, err, target.url()) == 2);
  CHECK(err.str().empty());
  CHECK(out.str().find(kData +
                       "db_p95_quantile.yaml: rule db_p95_quantile: warning: "
                       "histogram_quantile(0.95, pg_query_duration_seconds_bucket) never exceeds "
                       "0.1, the highest finite bucket") != std::string::npos);
  CHECK(out.str().find("3 bucket series checked, 1 warning\n") != std::string::npos);
}

TEST_CASE(
    "rules check --url: a bucket above the threshold makes the rule work; between is a "
    "note") {
  const std::vector<std::string> files{kData + "db_p95_quantile.yaml"};
  {
    const Target target(dbHistogram({"0.05", "0.1", "0.25", "+Inf"}));
    std::ostringstream out;
    std::ostringstream err;
    CHECK(runRulesCheck(files, out, err, target.url()) == 0);
    CHECK(out.str().find("rule db_p95_quantile:") == std::string::npos);
    CHECK(out.str().find("4 bucket series checked, 0 warnings\n") != std::string::npos);
  }
  {
    const Target target(dbHistogram({"0.05", "0.25", "+Inf"}));
    std::ostringstream out;
    std::ostringstream err;
    CHECK(runRulesCheck(files, out, err, target.url()) == 0);
    CHECK(out.str().find("rule db_p95_quantile: note: ") != std::string::npos);
    CHECK(out.str().find("(interpolated)") != std::string::npos);
  }
}

TEST_CASE("rules check --url: the default rules against a histogram without their le") {
  const Target target(dbHistogram({"0.05", "0.25", "+Inf"}));
  const std::vector<std::string> files{NOVA_SOURCE_DIR "/rules/default.yaml"};
  std::ostringstream out;
  std::ostringstream err;
  CHECK(runRulesCheck(files, out, err, target.url()) == 2);
  CHECK(out.str().find("rule db_query_p95: warning: pg_query_duration_seconds_bucket has no "
                       "bucket le=\"0.1\"") != std::string::npos);
}

TEST_CASE("rules check --url: a target that cannot be read is an error") {
  std::string url;
  {
    const Target gone("");
    url = gone.url();
  }
  const std::vector<std::string> files{kData + "db_p95_quantile.yaml"};
  std::ostringstream out;
  std::ostringstream err;
  CHECK(runRulesCheck(files, out, err, url) == 1);
  CHECK(err.str().rfind(url + ": ", 0) == 0);
  const Target garbage("not an exposition {\n");
  std::ostringstream err2;
  CHECK(runRulesCheck(files, out, err2, garbage.url()) == 1);
  CHECK(err2.str().rfind(garbage.url() + ": ", 0) == 0);
}

TEST_CASE("rules test prints what the scenario's buckets cannot show, and still passes") {
  std::ostringstream out;
  std::ostringstream err;
  CHECK(runRulesTest(NOVA_SOURCE_DIR "/tests/scenarios/quantile_top_bucket_blind.yaml", out, err) ==
        0);
  CHECK(err.str().empty());
  CHECK(out.str().find("rule db_p95_quantile: warning: histogram_quantile(0.95, "
                       "pg_query_duration_seconds_bucket) never exceeds 0.1") != std::string::npos);
  CHECK(out.str().find("PASS ") != std::string::npos);
}

}  // namespace
}  // namespace nova::cli
