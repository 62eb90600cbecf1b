#pragma once

#include <string>

#include "nova/core/time.h"

namespace nova::demo {

struct DemoOptions {
  /// nginx's base URL ("http://127.0.0.1:PORT") and the path the clients GET through it.
  std::string nginxUrl;
  std::string path = "/api/v1/streams/active";
  /// Green's fault endpoint (straight to green, not through nginx) and the fault JSON.
  std::string faultUrl;
  std::string fault = R"({"error_ratio":0.5})";
  /// nova-agent's log file, read for the agent's side of the timeline.
  std::string agentLog;
  int threads = 4;
  double rate = 100;
  /// Steady traffic on green before the fault; traffic after the first answer from blue;
  /// the longest wait for blue after the fault (all ms).
  DurationMs warmup = 5 * kSecond;
  DurationMs afterBlue = 2 * kSecond;
  DurationMs timeout = 20 * kSecond;
};

/// Runs the load, injects the fault, waits for blue, then prints the timeline and the two
/// result lines "fault-to-blue: S s" and "failed client requests: N of M". Returns 0 when
/// traffic reached blue, 1 otherwise.
int runDemo(const DemoOptions& options);

}  // namespace nova::demo
