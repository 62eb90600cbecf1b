// Prometheus's own text-parser inputs (shared/conformance/prometheus/textparse/).

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "dump.h"
#include "nova/expo/parser.h"

using nova::expo::MetricType;

namespace {

std::string readTextparse(const std::string& name) {
  const std::string path =
      std::string(NOVA_SHARED_DIR) + "/conformance/prometheus/textparse/" + name;
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing " << path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

struct Summary {
  std::size_t samples = 0;
  std::map<MetricType, std::set<std::string>> familiesByType;
  std::string error;
};

Summary summarize(const std::string& body) {
  Summary out;
  nova::expo::Parser parser(body);
  nova::expo::SampleView s;
  while (parser.next(s)) {
    ++out.samples;
    out.familiesByType[s.type].insert(std::string(s.family));
  }
  if (parser.error()) {
    out.error = parser.error()->toString();
  }
  return out;
}

}  // namespace

TEST_CASE("alltypes.237mfs.prom.txt: 1857 samples in 237 typed families") {
  Summary s = summarize(readTextparse("alltypes.237mfs.prom.txt"));
  CHECK(s.error.empty());
  CHECK(s.samples == 1857);
  CHECK(s.familiesByType[MetricType::kCounter].size() == 112);
  CHECK(s.familiesByType[MetricType::kGauge].size() == 97);
  CHECK(s.familiesByType[MetricType::kHistogram].size() == 15);
  CHECK(s.familiesByType[MetricType::kSummary].size() == 13);
  CHECK(s.familiesByType[MetricType::kUntyped].empty());
}

TEST_CASE("alltypes.237mfs.prom.txt: le and quantile in OpenMetrics float form") {
  const auto result = nova::expo::parseAll(readTextparse("alltypes.237mfs.prom.txt"));
  REQUIRE(result.ok());
  std::size_t buckets = 0;
  for (const auto& sample : *result) {
    const std::string_view le = sample.labels.get("le");
    if (sample.type == MetricType::kHistogram && !le.empty()) {
      ++buckets;
      const bool floatForm = le == "+Inf" || le.find('.') != std::string_view::npos ||
                             le.find('e') != std::string_view::npos;
      CHECK_MESSAGE(floatForm, le);
    }
  }
  CHECK(buckets > 100);
}

TEST_CASE("alltypes.237mfs.nometa.prom.txt: 1857 untyped samples") {
  Summary s = summarize(readTextparse("alltypes.237mfs.nometa.prom.txt"));
  CHECK(s.error.empty());
  CHECK(s.samples == 1857);
  CHECK(s.familiesByType.size() == 1);
  CHECK(s.familiesByType.count(MetricType::kUntyped) == 1);
  // Untyped families keep le as written.
  const auto result = nova::expo::parseAll(readTextparse("alltypes.237mfs.nometa.prom.txt"));
  REQUIRE(result.ok());
  bool sawIntegerLe = false;
  for (const auto& sample : *result) {
    sawIntegerLe = sawIntegerLe || sample.labels.get("le") == "1";
  }
  CHECK(sawIntegerLe);
}

TEST_CASE("1histogram.om.txt reads as 0.0.4: 42 histogram samples") {
  Summary s = summarize(readTextparse("1histogram.om.txt"));
  CHECK(s.error.empty());
  CHECK(s.samples == 42);
  CHECK(s.familiesByType[MetricType::kHistogram].size() == 1);
}

TEST_CASE("alltypes.5mfs.om.txt fails on its first exemplar") {
  const auto result = nova::expo::parseAll(readTextparse("alltypes.5mfs.om.txt"));
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message == "19:71: expected timestamp or end of line after value, got '#'");
}
