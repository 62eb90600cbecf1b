#include "streams.h"

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <iterator>

#include "nova/core/clock.h"
#include "nova/core/rfc3339.h"

namespace nova::demo {
namespace {

std::string nowRfc3339() {
  return formatRfc3339(SystemClock().now(), SubSecond::kNone);
}

std::uint64_t initialSeed(std::uint64_t seed) {
  if (seed != 0) {
    return seed;
  }
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

}  // namespace

StreamStore::StreamStore(std::uint64_t seed) : random_(initialSeed(seed)) {}

std::string StreamStore::newId() {
  // A version-4 UUID layout: 8-4-4-4-12 hex digits.
  const std::uint64_t high = random_();
  const std::uint64_t low = random_();
  char text[40];
  std::snprintf(text, sizeof text, "%08llx-%04llx-4%03llx-%04llx-%012llx",
                static_cast<unsigned long long>(high >> 32),
                static_cast<unsigned long long>((high >> 16) & 0xffff),
                static_cast<unsigned long long>(high & 0xfff),
                static_cast<unsigned long long>(((low >> 48) & 0x3fff) | 0x8000),
                static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return text;
}

Stream StreamStore::create(std::string title, std::string description, bool persist) {
  std::lock_guard lock(mutex_);
  Stream stream{newId(), std::move(title), std::move(description), nowRfc3339(), ++sequence_};
  if (persist) {
    ids_.emplace(stream.id, stream.sequence);
    streams_.emplace(stream.sequence, stream);
  }
  return stream;
}

std::optional<Stream> StreamStore::get(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto it = ids_.find(id);
  if (it == ids_.end()) {
    return std::nullopt;
  }
  return streams_.at(it->second);
}

std::vector<Stream> StreamStore::active(std::size_t limit) const {
  std::lock_guard lock(mutex_);
  const std::size_t count = std::min(limit, streams_.size());
  std::vector<Stream> out;
  out.reserve(count);
  auto it = streams_.end();
  std::advance(it, -static_cast<std::ptrdiff_t>(count));
  for (; it != streams_.end(); ++it) {
    out.push_back(it->second);
  }
  return out;
}

bool StreamStore::remove(const std::string& id) {
  std::lock_guard lock(mutex_);
  const auto it = ids_.find(id);
  if (it == ids_.end()) {
    return false;
  }
  streams_.erase(it->second);
  ids_.erase(it);
  return true;
}

std::size_t StreamStore::size() const {
  std::lock_guard lock(mutex_);
  return streams_.size();
}

}  // namespace nova::demo
