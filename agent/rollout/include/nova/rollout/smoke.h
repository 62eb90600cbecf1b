#pragma once

#include <boost/json/value.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/http/client.h"
#include "nova/notify/secret.h"
#include "nova/rollout/hook.h"
#include "nova/rollout/stop.h"

namespace nova::rollout {

/// One check of a JSON response body at a JSON Pointer (RFC 6901).
struct SmokeAssertion {
  enum class Kind {
    kEquals,   ///< The value equals `expected` (a string may use ${...}).
    kExists,   ///< The pointer resolves.
    kAbsent,   ///< The pointer does not resolve.
    kMatches,  ///< The value (a string, or other JSON as text) matches the RE2 `pattern`.
  };
  std::string pointer;
  Kind kind = Kind::kExists;
  boost::json::value expected;
  std::string pattern;
};

/// One HTTP step against green (runbook Steps 2.3-2.4). `url`, header values and `body`
/// may use ${NOVA_...}, ${secrets.NAME} and ${name} for a value an earlier step captured.
struct SmokeStep {
  std::string name;
  std::string method = "GET";
  /// A path joined to SmokeConfig::baseUrl ("/api/v1/streams"), or an absolute http(s) URL.
  std::string url;
  http::Headers headers;
  std::string body;
  long expectStatus = 200;
  std::vector<SmokeAssertion> assertions;
  /// Variable name -> JSON Pointer: the value (strings as they are, other JSON as text)
  /// becomes ${name} for later steps.
  std::vector<std::pair<std::string, std::string>> captures;
  DurationMs timeout = 10 * kSecond;
  /// Runs even after an earlier step failed (a clean-up such as deleting the test stream),
  /// when every variable it uses exists.
  bool always = false;
};

/// A secret for smoke steps (a test user's bearer token), read from an environment
/// variable or a file; its value is redacted from every message and report.
struct SmokeSecret {
  std::string name;
  std::string env;
  std::string file;
};

/// The smoke tests: the built-in checks, then the declared steps in order.
struct SmokeConfig {
  /// Green's own address, not the public one ("http://user-service-green.prod-green:8081").
  std::string baseUrl;
  /// Built in: GET healthPath answers 200 with {"status": healthyStatus} and the version
  /// being rolled out at versionPointer, proving which build answered.
  bool health = true;
  std::string healthPath = "/health";
  std::string healthyStatus = "healthy";
  std::string versionPointer = "/version";
  /// Built in: GET metricsPath answers 200 with Prometheus text that parses, and a
  /// nova_build_info series, if there is one, names the version being rolled out.
  bool metrics = true;
  std::string metricsPath = "/metrics";
  std::vector<SmokeSecret> secrets;
  std::vector<SmokeStep> steps;
  /// Bound on each built-in request.
  DurationMs timeout = 10 * kSecond;
};

/// How one step went.
struct SmokeStepResult {
  std::string name;
  bool passed = false;
  bool skipped = false;
  /// HTTP status, 0 when no response came back.
  long status = 0;
  DurationMs elapsed = 0;
  /// Why it failed or was skipped, or what passed; secrets redacted.
  std::string detail;
};

struct SmokeReport {
  bool passed = false;
  std::vector<SmokeStepResult> steps;
};

/// The verdict on one response.
struct SmokeJudgement {
  bool passed = false;
  std::string detail;
  /// On a pass: the captured variables.
  std::map<std::string, std::string> captures;
};

/// Judges a response to `step`: the status, then every assertion, then the captures (a
/// missing capture fails the step). `variables` expand ${...} in expected strings. Pure.
SmokeJudgement judgeResponse(const SmokeStep& step, long status, std::string_view body,
                             const HookVariables& variables);

/// The built-in health check; "" when it passes, else why not. Pure.
std::string judgeHealth(const SmokeConfig& config, long status, std::string_view body,
                        std::string_view version);

/// The built-in metrics check; "" when it passes, else why not. Pure.
std::string judgeMetrics(long status, std::string_view body, std::string_view version);

/// Reads the secrets. Errors (kInvalidInput) name the secret and the variable or file,
/// never a value.
Result<std::map<std::string, notify::Secret>> readSmokeSecrets(
    const std::vector<SmokeSecret>& secrets, const notify::SecretSources& sources = {});

/// Runs the smoke tests with a real HTTP client. The built-in checks all run; the steps
/// stop at the first failure except those marked `always`; a stop request skips what is
/// left. `variables` are the rollout's NOVA_* (NOVA_VERSION is the version the health
/// check expects). Never throws; the report's details never contain a secret.
class SmokeRunner {
 public:
  SmokeRunner(http::Client& client, StopSource& stop) : client_(client), stop_(stop) {}

  SmokeReport run(const SmokeConfig& config, const HookVariables& variables,
                  const std::map<std::string, notify::Secret>& secrets);

 private:
  http::Client& client_;
  StopSource& stop_;
};

}  // namespace nova::rollout
