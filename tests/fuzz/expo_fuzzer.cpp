// Fuzzes the exposition parser: both APIs must agree, errors must name a place inside the
// body, and every view must point into the body or stay small.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "nova/expo/parser.h"

namespace {

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

bool inside(std::string_view body, std::string_view view) {
  return view.empty() ||
         (view.data() >= body.data() && view.data() + view.size() <= body.data() + body.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  nova::expo::ParseLimits limits;
  limits.maxLineBytes = 4096;
  limits.maxLabelsPerSample = 64;

  nova::expo::Parser parser(body, limits);
  nova::expo::SampleView view;
  std::size_t samples = 0;
  std::size_t lastLine = 0;
  while (parser.next(view)) {
    ++samples;
    check(view.line > lastLine);
    lastLine = view.line;
    check(!view.name.empty());
    check(inside(body, view.series));
    check(!view.series.empty());
    check(view.labels.size() <= limits.maxLabelsPerSample);
    for (const nova::expo::LabelView& label : view.labels) {
      check(!label.name.empty());
      check(label.name != "__name__");
      check(label.value.size() <= limits.maxLineBytes + 32);
    }
  }
  check(parser.samplesSeen() == samples);
  check(!parser.next(view));  // stays finished

  const auto& error = parser.error();
  if (error) {
    check(error->line >= 1 && error->column >= 1);
    check(error->line >= lastLine);
    check(!error->message.empty());
  }

  const auto all = nova::expo::parseAll(body, limits);
  check(all.ok() == !error.has_value());
  if (all.ok()) {
    check(all->size() == samples);
    for (const auto& sample : *all) {
      check(!sample.labels.metricName().empty());
    }
  } else {
    check(all.error().message == error->toString());
  }
  return 0;
}
