#include <utility>

#include "nova/http/url.h"
#include "nova/rollout/smoke.h"

namespace nova::rollout {
namespace {

// `path` (a path with an optional query, or an absolute URL) read against `base`.
Result<std::string> joinUrl(const std::string& base, const std::string& path) {
  auto url = http::Url::parse(base);
  if (!url) {
    return url.error().prefixed("base_url: ");
  }
  auto joined = url->join(path);
  if (!joined) {
    return joined.error().prefixed("url: ");
  }
  return joined->str();
}

// The request of `step` with every ${...} expanded.
Result<http::Request> buildRequest(const SmokeStep& step, const std::string& baseUrl,
                                   const HookVariables& variables) {
  http::Request request;
  request.method = step.method;
  request.timeout = step.timeout;
  auto url = expandVariables(step.url, variables);
  if (!url) {
    return url.error();
  }
  auto joined = joinUrl(baseUrl, *url);
  if (!joined) {
    return joined.error();
  }
  request.url = std::move(*joined);
  for (const auto& [name, value] : step.headers) {
    auto expanded = expandVariables(value, variables);
    if (!expanded) {
      return expanded.error().prefixed("header " + name + ": ");
    }
    request.headers.emplace_back(name, std::move(*expanded));
  }
  auto body = expandVariables(step.body, variables);
  if (!body) {
    return body.error().prefixed("body: ");
  }
  request.body = std::move(*body);
  return request;
}

}  // namespace

Result<std::map<std::string, notify::Secret>> readSmokeSecrets(
    const std::vector<SmokeSecret>& secrets, const notify::SecretSources& sources) {
  std::map<std::string, notify::Secret> out;
  for (const SmokeSecret& secret : secrets) {
    std::map<std::string, std::string> settings;
    if (!secret.env.empty()) {
      settings[secret.name + "_env"] = secret.env;
    }
    if (!secret.file.empty()) {
      settings[secret.name + "_file"] = secret.file;
    }
    auto read = notify::readSecret(settings, secret.name, sources);
    if (!read.ok()) {
      return Error(ErrorCode::kInvalidInput,
                   "smoke secret " + secret.name + ": " + read.error().message);
    }
    if (!read->has_value()) {
      return Error(ErrorCode::kInvalidInput,
                   "smoke secret " + secret.name + ": give an env variable or a file");
    }
    out.emplace(secret.name, **read);
  }
  return out;
}

SmokeReport SmokeRunner::run(const SmokeConfig& config, const HookVariables& variables,
                             const std::map<std::string, notify::Secret>& secrets) {
  HookVariables vars = variables;
  std::vector<notify::Secret> hidden;
  for (const auto& [name, secret] : secrets) {
    vars["secrets." + name] = secret.reveal();
    hidden.push_back(secret);
  }
  const auto version = variables.find("NOVA_VERSION");
  const std::string expected = version == variables.end() ? "" : version->second;
  SmokeReport report;
  report.passed = true;
  auto record = [&](SmokeStepResult result) {
    result.detail = notify::redact(std::move(result.detail), hidden);
    report.passed = report.passed && result.passed;
    report.steps.push_back(std::move(result));
  };
  auto get = [&](const std::string& name, const std::string& path, auto judge) {
    SmokeStepResult result;
    result.name = name;
    if (stop_.stopRequested()) {
      result.skipped = true;
      result.detail = "skipped: stop requested (" + stop_.reason() + ")";
      return record(std::move(result));
    }
    auto url = joinUrl(config.baseUrl, path);
    if (!url) {
      result.detail = url.error().message;
      return record(std::move(result));
    }
    http::Request request;
    request.url = std::move(*url);
    request.timeout = config.timeout;
    auto response = client_.perform(request);
    if (!response.ok()) {
      result.detail = response.error().message;
      return record(std::move(result));
    }
    result.status = response->status;
    result.elapsed = response->elapsed;
    result.detail = judge(*response);
    result.passed = result.detail.empty();
    if (result.passed) {
      result.detail = "HTTP " + std::to_string(response->status) + ", version " + expected;
    }
    record(std::move(result));
  };
  if (config.health) {
    get("health", config.healthPath,
        [&](const http::Response& r) { return judgeHealth(config, r.status, r.body, expected); });
  }
  if (config.metrics) {
    get("metrics", config.metricsPath,
        [&](const http::Response& r) { return judgeMetrics(r.status, r.body, expected); });
  }
  bool failed = false;
  for (const SmokeStep& step : config.steps) {
    SmokeStepResult result;
    result.name = step.name;
    if (stop_.stopRequested() || (failed && !step.always)) {
      result.skipped = true;
      result.detail = stop_.stopRequested() ? "skipped: stop requested (" + stop_.reason() + ")"
                                            : std::string("skipped: an earlier step failed");
      record(std::move(result));
      continue;
    }
    auto request = buildRequest(step, config.baseUrl, vars);
    if (!request) {
      result.skipped = failed;
      result.detail = (failed ? "skipped: " : "") + request.error().message;
      failed = true;
      record(std::move(result));
      continue;
    }
    auto response = client_.perform(*request);
    if (!response.ok()) {
      result.detail = response.error().message;
    } else {
      result.status = response->status;
      result.elapsed = response->elapsed;
      SmokeJudgement judgement = judgeResponse(step, response->status, response->body, vars);
      result.passed = judgement.passed;
      result.detail = std::move(judgement.detail);
      for (auto& [name, value] : judgement.captures) {
        vars[name] = std::move(value);
      }
    }
    failed = failed || !result.passed;
    record(std::move(result));
  }
  return report;
}

}  // namespace nova::rollout
