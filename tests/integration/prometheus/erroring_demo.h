#pragma once

// nova-demo-service failing 10% of its requests under steady traffic, for the tests that
// have the real Prometheus scrape it.

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "nova/http/client.h"
#include "nova/testing/child_process.h"
#include "nova/testing/log_capture.h"
#include "nova/testing/temp_dir.h"
#include "traffic_load.h"

namespace nova::testing {

class ErroringDemo {
 public:
  /// Starts the demo on a free port (its log in `dir`), injects 10% errors and starts the
  /// traffic; fails the test when it does not come up.
  explicit ErroringDemo(const TempDir& dir)
      : log_(dir.file("demo.log")),
        process_(
            {.argv = {NOVA_DEMO_SERVICE_BIN, "--listen", "127.0.0.1:0", "--token", "demo-token"},
             .log = &log_}),
        port_(process_.waitForPort(10 * kSecond)) {
    REQUIRE(port_ > 0);
    http::Client client;
    auto injected = client.perform(
        {.method = "POST", .url = url() + "/admin/faults", .body = R"({"error_ratio":0.1})"});
    REQUIRE(injected.ok());
    REQUIRE(injected->status == 200);
    traffic_ = std::make_unique<Traffic>(port_);
  }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// "127.0.0.1:<port>", as a scrape target.
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  LogCapture log_;
  ChildProcess process_;
  int port_ = 0;
  std::unique_ptr<Traffic> traffic_;
};

}  // namespace nova::testing
