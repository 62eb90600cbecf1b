#pragma once

// Steady API traffic to a nova-demo-service, for the agent's integration tests.

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "nova/http/client.h"

namespace nova::testing {

// Steady API traffic so the error-rate rules have something to judge (their guard wants at
// least 0.5 requests per second).
class Traffic {
 public:
  explicit Traffic(int port)
      : thread_([this, port] {
          http::Client client;
          http::Request request{
              .url = "http://127.0.0.1:" + std::to_string(port) + "/api/v1/streams/active",
              .headers = {{"Authorization", "Bearer demo-token"}},
              .timeout = 2 * kSecond};
          while (!stop_) {
            if (client.perform(request).ok()) {
              ++sent_;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
          }
        }) {}
  ~Traffic() {
    stop_ = true;
    thread_.join();
  }
  int sent() const { return sent_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> sent_{0};
  std::thread thread_;
};

}  // namespace nova::testing
