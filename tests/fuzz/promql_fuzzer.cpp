// Fuzzes the PromQL parser: any input must parse or fail cleanly, and whatever parses
// must print to a form that parses again and prints identically.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "nova/promql/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  nova::promql::ParseOptions options;
  options.allowOutsideSubset = true;
  auto first = nova::promql::parse(query, options);
  // The local-subset mode must agree on everything but the subset refusal.
  auto local = nova::promql::parse(query);
  if (local.ok() && !first.ok()) {
    std::fprintf(stderr, "local subset accepted what the full parser refused\n");
    std::abort();
  }
  if (!first.ok()) {
    const nova::promql::ParseError& e = first.error();
    if (e.line < 1 || e.column < 1 || e.message.empty()) {
      std::fprintf(stderr, "malformed error %s\n", e.toString().c_str());
      std::abort();
    }
    return 0;
  }
  const std::string printed = nova::promql::toString(first.expr());
  auto second = nova::promql::parse(printed, options);
  if (!second.ok()) {
    std::fprintf(stderr, "printed form does not parse:\n%s\n%s\n", printed.c_str(),
                 second.error().toString().c_str());
    std::abort();
  }
  const std::string reprinted = nova::promql::toString(second.expr());
  if (reprinted != printed) {
    std::fprintf(stderr, "print is not a fixed point:\n%s\n%s\n", printed.c_str(),
                 reprinted.c_str());
    std::abort();
  }
  if (second.expr().type() != first.expr().type()) {
    std::fprintf(stderr, "type changed through printing: %s\n", printed.c_str());
    std::abort();
  }
  return 0;
}
