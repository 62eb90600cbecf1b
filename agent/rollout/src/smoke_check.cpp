#include <re2/re2.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "nova/expo/parser.h"
#include "nova/http/health_check.h"
#include "nova/rollout/smoke.h"
#include "nova/scrape/prober.h"

namespace nova::rollout {
namespace {

namespace json = boost::json;

constexpr std::size_t kExcerpt = 200;

std::string excerpt(std::string_view body) {
  if (body.size() <= kExcerpt) {
    return std::string(body);
  }
  return std::string(body.substr(0, kExcerpt)) + "...";
}

// Numbers compare by value whatever their JSON kind (201 == 201.0), as people mean them.
bool sameJson(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) {
    return a.to_number<double>() == b.to_number<double>();
  }
  return a == b;
}

// A value as a variable or a pattern sees it: strings as they are, other JSON as text.
std::string textOf(const json::value& v) {
  if (v.is_string()) {
    return std::string(v.get_string());
  }
  return json::serialize(v);
}

std::string checkAssertion(const SmokeAssertion& a, const json::value& doc,
                           const HookVariables& variables) {
  boost::system::error_code ec;
  const json::value* found = doc.find_pointer(a.pointer, ec);
  const std::string where = "at " + (a.pointer.empty() ? std::string("the root") : a.pointer);
  switch (a.kind) {
    case SmokeAssertion::Kind::kExists:
      return found != nullptr ? "" : "nothing " + where;
    case SmokeAssertion::Kind::kAbsent:
      return found == nullptr ? "" : "unexpected " + textOf(*found) + " " + where;
    case SmokeAssertion::Kind::kEquals: {
      json::value expected = a.expected;
      if (expected.is_string()) {
        auto expanded = expandVariables(std::string(expected.get_string()), variables);
        if (!expanded) {
          return expanded.error().message;
        }
        expected = json::string(*expanded);
      }
      if (found == nullptr) {
        return "nothing " + where + ", expected " + json::serialize(expected);
      }
      return sameJson(*found, expected) ? ""
                                        : json::serialize(*found) + " " + where + ", expected " +
                                              json::serialize(expected);
    }
    case SmokeAssertion::Kind::kMatches:
      if (found == nullptr) {
        return "nothing " + where + ", expected a match of /" + a.pattern + "/";
      }
      return RE2::PartialMatch(textOf(*found), a.pattern)
                 ? ""
                 : json::serialize(*found) + " " + where + " does not match /" + a.pattern + "/";
  }
  return "";
}

}  // namespace

SmokeJudgement judgeResponse(const SmokeStep& step, long status, std::string_view body,
                             const HookVariables& variables) {
  SmokeJudgement out;
  if (status != step.expectStatus) {
    out.detail = "HTTP " + std::to_string(status) + ", expected " +
                 std::to_string(step.expectStatus) +
                 (body.empty() ? std::string() : ": " + excerpt(body));
    return out;
  }
  if (step.assertions.empty() && step.captures.empty()) {
    out.passed = true;
    out.detail = "HTTP " + std::to_string(status);
    return out;
  }
  boost::system::error_code ec;
  const json::value doc = json::parse(body, ec);
  if (ec) {
    out.detail = "the body is not JSON (" + ec.message() + "): " + excerpt(body);
    return out;
  }
  for (const SmokeAssertion& assertion : step.assertions) {
    if (std::string problem = checkAssertion(assertion, doc, variables); !problem.empty()) {
      out.detail = problem;
      return out;
    }
  }
  for (const auto& [name, pointer] : step.captures) {
    const json::value* found = doc.find_pointer(pointer, ec);
    if (found == nullptr) {
      out.detail = "nothing at " + pointer + " to capture as ${" + name + "}";
      out.captures.clear();
      return out;
    }
    out.captures[name] = textOf(*found);
  }
  out.passed = true;
  out.detail = "HTTP " + std::to_string(status) + ", " + std::to_string(step.assertions.size()) +
               " assertion(s) hold";
  return out;
}

std::string judgeHealth(const SmokeConfig& config, long status, std::string_view body,
                        std::string_view version) {
  if (std::string problem = http::checkHealthResponse(status, body, config.healthyStatus);
      !problem.empty()) {
    return problem;
  }
  boost::system::error_code ec;
  const json::value doc = json::parse(body, ec);
  const json::value* reported = ec ? nullptr : doc.find_pointer(config.versionPointer, ec);
  if (reported == nullptr || !reported->is_string()) {
    return "health: no version string at " + config.versionPointer +
           " (green must prove which build answered)";
  }
  if (reported->get_string() != version) {
    return "health: reports version " + std::string(reported->get_string()) + ", not " +
           std::string(version) + " (another build answered)";
  }
  return "";
}

std::string judgeMetrics(long status, std::string_view body, std::string_view version) {
  if (status != 200) {
    return "metrics: HTTP status " + std::to_string(status) + ", want 200";
  }
  expo::Parser parser(body);
  expo::SampleView sample;
  std::size_t samples = 0;
  while (parser.next(sample)) {
    ++samples;
    if (sample.name != "nova_build_info") {
      continue;
    }
    for (const expo::LabelView& label : sample.labels) {
      if (label.name == "version" && label.value != version) {
        return "metrics: nova_build_info says version " + std::string(label.value) + ", not " +
               std::string(version);
      }
    }
  }
  if (parser.error()) {
    return "metrics: does not parse: " + parser.error()->toString();
  }
  if (samples == 0) {
    return "metrics: no samples";
  }
  return "";
}

}  // namespace nova::rollout
