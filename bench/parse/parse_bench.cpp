// Times nova::expo::Parser over one whole exposition body.
//
// usage: nova_parse_bench views|labels FILE [MIN_SECONDS [MIN_ITERS]]
//   views   the scrape path: every sample's name, label names and label values are touched
//           as views, no allocation per sample.
//   labels  additionally materializes each sample's nova::Labels (sorted, one owned block),
//           the work Prometheus's PromParser.Metric() does for a series the scrape cache
//           misses.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "bench_loop.h"
#include "nova/core/labels.h"
#include "nova/expo/parser.h"

namespace {

using nova::bench::ParseOutcome;

std::optional<std::string> readFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

// Folds bytes of every view into a checksum the caller prints, so no view is skipped unread.
std::size_t touch(std::string_view text) {
  return text.empty() ? 0 : text.size() + static_cast<unsigned char>(text.back());
}

ParseOutcome failed(const nova::expo::Parser& parser) {
  return {false, parser.samplesSeen(), parser.error()->toString()};
}

ParseOutcome parseViews(std::string_view body, std::size_t& sink) {
  nova::expo::Parser parser(body);
  nova::expo::SampleView sample;
  std::size_t samples = 0;
  while (parser.next(sample)) {
    sink += touch(sample.name) + static_cast<std::size_t>(sample.value);
    for (const auto& label : sample.labels) {
      sink += touch(label.name) + touch(label.value);
    }
    ++samples;
  }
  if (parser.error()) {
    return failed(parser);
  }
  return {true, samples, {}};
}

// The scrape path's cache miss: views into the body (the vector reused from sample to sample,
// as a scrape would), sorted and copied once into the set's block.
ParseOutcome parseLabels(std::string_view body, std::size_t& sink) {
  nova::expo::Parser parser(body);
  nova::expo::SampleView sample;
  std::vector<nova::LabelRef> views;
  std::size_t samples = 0;
  while (parser.next(sample)) {
    views.clear();
    views.push_back({nova::kMetricNameLabel, sample.name});
    for (const auto& label : sample.labels) {
      views.push_back({label.name, label.value});
    }
    const nova::Labels set = nova::Labels::fromViews(views);
    sink += set.size() + static_cast<std::size_t>(sample.value);
    ++samples;
  }
  if (parser.error()) {
    return failed(parser);
  }
  return {true, samples, {}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s views|labels FILE [MIN_SECONDS [MIN_ITERS]]\n", argv[0]);
    return 2;
  }
  const std::string_view mode = argv[1];
  if (mode != "views" && mode != "labels") {
    std::fprintf(stderr, "unknown mode '%s', want views or labels\n", argv[1]);
    return 2;
  }
  const std::optional<std::string> body = readFile(argv[2]);
  if (!body) {
    std::fprintf(stderr, "cannot read %s\n", argv[2]);
    return 1;
  }
  nova::bench::LoopOptions options;
  if (argc > 3) {
    options.minSeconds = std::strtod(argv[3], nullptr);
  }
  if (argc > 4) {
    options.minIters = std::strtoul(argv[4], nullptr, 10);
  }
  std::size_t sink = 0;
  const bool views = mode == "views";
  const std::string name = views ? "nova-views" : "nova-labels";
  const int rc = nova::bench::runLoop(name, body->size(), options, [&] {
    return views ? parseViews(*body, sink) : parseLabels(*body, sink);
  });
  // Printing the checksum keeps the compiler from dropping the work that fed it.
  std::fprintf(stderr, "checksum %zu\n", sink);
  return rc;
}
