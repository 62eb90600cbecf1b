// The streaming parser must not allocate per sample: this file replaces the global operator
// new with a counting one and parses a corpus once warmed up.

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <new>
#include <sstream>
#include <string>

#include "nova/expo/parser.h"

namespace {

std::size_t allocations = 0;

}  // namespace

// Every plain form is replaced, so each allocation is matched by a deallocation of ours.
void* operator new(std::size_t size) {
  ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  return operator new(size);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  ++allocations;
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}

// Allocations while parsing the given corpus file, counted from its 100th sample on.
std::size_t allocationsAfterWarmUp(const std::string& file, std::size_t& samples) {
  const std::string path =
      std::string(NOVA_SHARED_DIR) + "/conformance/prometheus/textparse/" + file;
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string body = buffer.str();

  nova::expo::Parser parser(body);
  nova::expo::SampleView view;
  samples = 0;
  std::size_t before = 0;
  while (parser.next(view)) {
    if (++samples == 100) {
      before = allocations;
    }
  }
  REQUIRE_FALSE(parser.error().has_value());
  return allocations - before;
}

TEST_CASE("no heap allocation per sample once the scratch buffers are warm") {
  std::size_t samples = 0;
  const std::size_t untyped = allocationsAfterWarmUp("alltypes.237mfs.nometa.prom.txt", samples);
  CHECK(samples == 1857);
  CHECK(untyped <= 8);  // a few growths of the label and scratch buffers
  // With metadata, the set of typed families grows by one node per family (237 here).
  const std::size_t typed = allocationsAfterWarmUp("alltypes.237mfs.prom.txt", samples);
  CHECK(samples == 1857);
  CHECK(typed <= 237 + 16);
}
