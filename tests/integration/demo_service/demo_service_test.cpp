// Starts the real nova-demo-service and checks every endpoint the agent, the nginx demo and
// the benchmarks rely on, including the faults they inject.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <thread>

#include "nova/http/client.h"
#include "scrape.h"
#include "service_process.h"
#include "ws_client.h"

namespace nova::demo::test {
namespace {

namespace json = boost::json;

const std::string kToken = "s3cret-token";

struct Fixture {
  explicit Fixture(std::vector<std::string> args = {}) : service(withToken(std::move(args))) {}

  static std::vector<std::string> withToken(std::vector<std::string> args) {
    args.insert(args.end(), {"--token", kToken});
    return args;
  }

  http::Response call(const std::string& method, const std::string& path,
                      const std::string& body = {}, bool auth = true) {
    http::Request request;
    request.method = method;
    request.url = service.url(path);
    request.body = body;
    if (auth) {
      request.headers.emplace_back("Authorization", "Bearer " + kToken);
    }
    if (!body.empty()) {
      request.headers.emplace_back("Content-Type", "application/json");
    }
    Result<http::Response> response = client.perform(request);
    REQUIRE_MESSAGE(response.ok(), (response.ok() ? "" : response.error().message));
    return std::move(response).value();
  }

  Scrape scrape() {
    const http::Response response = call("GET", "/metrics");
    REQUIRE(response.status == 200);
    return Scrape::parse(response.body);
  }

  void setFaults(const std::string& faults) {
    REQUIRE(call("POST", "/admin/faults", faults, false).status == 200);
  }

  // The gauge follows connections asynchronously; wait for it a bounded time.
  double waitForGauge(double expected) {
    double seen = -1;
    for (int i = 0; i < 200; ++i) {
      seen = scrape().sum("nova_streaming_websocket_connections");
      if (seen == expected) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return seen;
  }

  ServiceProcess service;
  http::Client client;
};

json::value parseJson(const std::string& text) {
  return json::parse(text);
}

}  // namespace

TEST_CASE("health answers with the configured version and color") {
  Fixture f({"--version", "v9.9.9", "--color", "blue"});
  const http::Response response = f.call("GET", "/health", {}, false);
  CHECK(response.status == 200);
  const json::value body = parseJson(response.body);
  CHECK(std::string(body.at("status").as_string()) == "healthy");
  CHECK(std::string(body.at("version").as_string()) == "v9.9.9");
  CHECK(std::string(body.at("color").as_string()) == "blue");
  REQUIRE(response.header("X-Nova-Version") != nullptr);
  CHECK(*response.header("X-Nova-Version") == "v9.9.9");
  CHECK(*response.header("X-Nova-Color") == "blue");
  CHECK(f.call("GET", "/nowhere").status == 404);
  CHECK(f.call("POST", "/health").status == 405);
}

TEST_CASE("metrics carry the seed's families, build info and the synthetic series") {
  Fixture f({"--version", "v1.2.4", "--color", "green", "--extra-series", "300"});
  f.call("GET", "/health", {}, false);
  const http::Response response = f.call("GET", "/metrics");
  REQUIRE(response.status == 200);
  REQUIRE(response.header("Content-Type") != nullptr);
  CHECK(response.header("Content-Type")->find("version=0.0.4") != std::string::npos);
  const Scrape scrape = Scrape::parse(response.body);
  using expo::MetricType;
  const std::map<std::string, MetricType> expected = {
      {"nova_http_request_duration_seconds", MetricType::kHistogram},
      {"nova_http_requests_total", MetricType::kCounter},
      {"nova_http_errors_total", MetricType::kCounter},
      {"nova_streaming_websocket_connections", MetricType::kGauge},
      {"nova_streaming_active_streams", MetricType::kGauge},
      {"pg_query_duration_seconds", MetricType::kHistogram},
      {"nova_data_loss_events_total", MetricType::kCounter},
      {"nova_build_info", MetricType::kGauge},
      {"nova_cache_requests_total", MetricType::kCounter},
      {"nova_kafka_consumer_lag", MetricType::kGauge},
      {"nova_rpc_client_requests_total", MetricType::kCounter},
  };
  // pg_query_duration_seconds has no sample before the first API call.
  CHECK(scrape.families.size() == expected.size() - 1);
  for (const auto& [name, type] : expected) {
    if (name == "pg_query_duration_seconds") {
      continue;
    }
    REQUIRE_MESSAGE(scrape.families.count(name) == 1, name);
    // Compared as text: doctest cannot print the enum.
    CHECK_MESSAGE(
        std::string(expo::toString(scrape.families.at(name))) == std::string(expo::toString(type)),
        name);
  }
  CHECK(scrape.value("nova_build_info", {{"version", "v1.2.4"}, {"color", "green"}}) == 1.0);
  CHECK(scrape.value("nova_data_loss_events_total") == 0.0);
  CHECK(scrape.value("nova_http_requests_total",
                     {{"method", "GET"}, {"route", "/health"}, {"code", "200"}}) == 1.0);
  CHECK(scrape.sum("nova_http_request_duration_seconds_bucket",
                   {{"route", "/health"}, {"le", "+Inf"}}) == 1.0);
  std::size_t synthetic = 0;
  for (const auto& sample : scrape.samples) {
    synthetic += sample.name.rfind("nova_cache", 0) == 0 ||
                 sample.name.rfind("nova_kafka", 0) == 0 || sample.name.rfind("nova_rpc", 0) == 0;
  }
  CHECK(synthetic == 300);
}

TEST_CASE("the streams API round trip needs the bearer token") {
  Fixture f;
  CHECK(f.call("GET", "/api/v1/streams/active", {}, false).status == 401);
  {
    http::Request wrong;
    wrong.url = f.service.url("/api/v1/streams/active");
    wrong.headers.emplace_back("Authorization", "Bearer " + kToken + "x");
    CHECK(f.client.perform(wrong)->status == 401);
  }
  const http::Response created =
      f.call("POST", "/api/v1/streams", R"({"title":"Green Smoke Test","description":""})");
  REQUIRE(created.status == 201);
  const std::string id(parseJson(created.body).at("id").as_string());
  CHECK(id.size() == 36);

  const http::Response one = f.call("GET", "/api/v1/streams/" + id);
  CHECK(one.status == 200);
  CHECK(std::string(parseJson(one.body).at("title").as_string()) == "Green Smoke Test");

  const json::value active = parseJson(f.call("GET", "/api/v1/streams/active").body);
  CHECK(active.at("total_count").to_number<int>() == 1);
  CHECK(std::string(active.at("streams").as_array().at(0).at("id").as_string()) == id);
  CHECK(f.scrape().value("nova_streaming_active_streams") == 1.0);

  CHECK(f.call("DELETE", "/api/v1/streams/" + id).status == 204);
  CHECK(f.call("GET", "/api/v1/streams/" + id).status == 404);
  CHECK(f.call("POST", "/api/v1/streams", R"({"description":"no title"})").status == 400);
  CHECK(f.call("POST", "/api/v1/streams", "not json").status == 400);

  const Scrape scrape = f.scrape();
  CHECK(scrape.value("nova_streaming_active_streams") == 0.0);
  CHECK(scrape.sum("nova_http_requests_total", {{"code", "401"}}) == 2.0);
  CHECK(scrape.value("nova_http_requests_total",
                     {{"method", "POST"}, {"route", "/api/v1/streams"}, {"code", "201"}}) == 1.0);
  CHECK(scrape.sum("nova_http_requests_total", {{"route", "/api/v1/streams/{id}"}}) == 3.0);
  // One query per API call that reached the database; the two refused bodies did not.
  CHECK(scrape.sum("pg_query_duration_seconds_count") == 5.0);
}

TEST_CASE("health-down, metrics-down and reset through the admin endpoint") {
  Fixture f;
  f.setFaults(R"({"health_down":true})");
  const http::Response down = f.call("GET", "/health", {}, false);
  CHECK(down.status == 503);
  CHECK(std::string(parseJson(down.body).at("status").as_string()) == "unhealthy");
  CHECK(f.scrape().value("nova_http_errors_total", {{"method", "GET"}, {"route", "/health"}}) ==
        1.0);

  f.setFaults(R"({"metrics_down":true})");
  CHECK(f.call("GET", "/metrics").status == 503);
  const json::value current = parseJson(f.call("GET", "/admin/faults").body);
  CHECK(current.at("health_down").as_bool());
  CHECK(current.at("metrics_down").as_bool());

  CHECK(f.call("POST", "/admin/faults", R"({"error_ratio":1.5})").status == 400);
  CHECK(f.call("POST", "/admin/faults", R"({"no_such_fault":1})").status == 400);

  CHECK(f.call("POST", "/admin/faults/reset").status == 200);
  CHECK(f.call("GET", "/health", {}, false).status == 200);
  CHECK(f.call("GET", "/metrics").status == 200);
}

TEST_CASE("an error ratio of 0.1 fails exactly one API request in ten") {
  Fixture f({"--error-ratio", "0.1"});
  int failed = 0;
  for (int i = 0; i < 100; ++i) {
    failed += f.call("GET", "/api/v1/streams/active").status == 500 ? 1 : 0;
  }
  CHECK(failed == 10);
  const Scrape scrape = f.scrape();
  CHECK(scrape.sum("nova_http_errors_total") == 10.0);
  CHECK(scrape.value("nova_http_requests_total",
                     {{"method", "GET"}, {"route", "/api/v1/streams/active"}, {"code", "500"}}) ==
        10.0);

  f.setFaults(R"({"error_ratio":0.25})");
  failed = 0;
  for (int i = 0; i < 20; ++i) {
    failed += f.call("GET", "/api/v1/streams/active").status == 500 ? 1 : 0;
  }
  CHECK(failed == 5);
}

TEST_CASE("added and database latency delay answers and show in the histograms") {
  Fixture f;
  f.setFaults(R"({"added_latency_ms":150,"db_latency_ms":100})");
  const auto start = std::chrono::steady_clock::now();
  CHECK(f.call("GET", "/api/v1/streams/active").status == 200);
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(took >= std::chrono::milliseconds(250));
  const Scrape scrape = f.scrape();
  CHECK(scrape.sum("nova_http_request_duration_seconds_sum",
                   {{"route", "/api/v1/streams/active"}}) >= 0.25);
  CHECK(scrape.sum("pg_query_duration_seconds_sum") >= 0.1);
  CHECK(scrape.sum("pg_query_duration_seconds_bucket", {{"le", "0.1"}}) == 0.0);
}

TEST_CASE("data loss counts an event at onset and for every lost write") {
  Fixture f;
  CHECK(f.scrape().value("nova_data_loss_events_total") == 0.0);
  f.setFaults(R"({"data_loss":true})");
  CHECK(f.scrape().value("nova_data_loss_events_total") == 1.0);
  const http::Response created = f.call("POST", "/api/v1/streams", R"({"title":"lost"})");
  REQUIRE(created.status == 201);
  const std::string id(parseJson(created.body).at("id").as_string());
  CHECK(f.call("GET", "/api/v1/streams/" + id).status == 404);
  CHECK(f.scrape().value("nova_data_loss_events_total") == 2.0);
}

TEST_CASE("WebSocket connections show in the gauge and the drop fault closes a share") {
  Fixture f({"--ws-simulated", "10"});
  CHECK(f.waitForGauge(10) == 10);
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(std::make_unique<WsClient>(f.service.port()));
  }
  CHECK(clients[0]->echo("ping") == "ping");
  CHECK(f.waitForGauge(15) == 15);

  // 40% of 5 real clients is 2, of 10 simulated ones 4: 3 + 6 remain.
  f.setFaults(R"({"ws_drop_ratio":0.4})");
  int closed = 0;
  for (auto& client : clients) {
    closed += client->waitClosed(300) ? 1 : 0;
  }
  CHECK(closed == 2);
  CHECK(f.waitForGauge(9) == 9);

  // A reset brings the simulated clients back; the dropped real ones stay gone.
  f.call("POST", "/admin/faults/reset");
  CHECK(f.waitForGauge(13) == 13);
}

TEST_CASE("SIGTERM stops the service gracefully and promptly") {
  Fixture f;
  WsClient client(f.service.port());
  CHECK(f.waitForGauge(1) == 1);
  const auto start = std::chrono::steady_clock::now();
  CHECK(f.service.terminate(2000) == 0);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  CHECK(client.waitClosed(500));
}

}  // namespace nova::demo::test
