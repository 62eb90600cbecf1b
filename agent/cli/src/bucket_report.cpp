#include "bucket_report.h"

#include <ostream>

#include "nova/expo/parser.h"
#include "nova/http/client.h"

namespace nova::cli {

std::optional<std::vector<Labels>> targetBuckets(const std::string& url, std::ostream& err) {
  http::Client client;
  auto response = client.perform({.url = url, .timeout = 10 * kSecond});
  if (!response.ok()) {
    err << url << ": " << response.error().message << "\n";
    return std::nullopt;
  }
  if (response->status != 200) {
    err << url << ": HTTP " << response->status << "\n";
    return std::nullopt;
  }
  auto samples = expo::parseAll(response->body);
  if (!samples.ok()) {
    err << url << ": " << samples.error().message << "\n";
    return std::nullopt;
  }
  std::vector<Labels> out;
  for (expo::ParsedSample& sample : *samples) {
    if (rules::isBucketSeries(sample.labels)) {
      out.push_back(std::move(sample.labels));
    }
  }
  return out;
}

int printBucketFindings(const std::string& where, std::span<const rules::BucketFinding> findings,
                        std::ostream& out) {
  int warnings = 0;
  for (const rules::BucketFinding& f : findings) {
    const bool warning = f.kind != rules::BucketFinding::Kind::kInterpolated;
    warnings += warning ? 1 : 0;
    out << where << ": rule " << f.rule << ": " << (warning ? "warning" : "note") << ": "
        << f.message << " (" << rules::toString(f.kind) << ")\n";
  }
  return warnings;
}

}  // namespace nova::cli
