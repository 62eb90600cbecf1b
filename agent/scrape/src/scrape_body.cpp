#include "scrape_body.h"

#include <algorithm>
#include <cstring>

namespace nova::scrape::detail {
namespace {

// Below this a body's buffer is not worth shrinking or growing in small steps.
constexpr std::size_t kMinCapacity = 16 * 1024;

// Room for `needed` bytes plus an eighth: enough that a body growing slowly (counters
// getting longer, a few new series) reallocates rarely, far less than doubling's spare half.
std::size_t withHeadroom(std::size_t needed, std::size_t maxBytes) {
  return std::min(std::max(needed + needed / 8, kMinCapacity), std::max(needed, maxBytes));
}

}  // namespace

ScrapeBody::ScrapeBody(std::size_t maxBytes) : maxBytes_(maxBytes) {}

void ScrapeBody::clear() {
  size_ = 0;
  overflowed_ = false;
}

bool ScrapeBody::append(std::string_view piece) {
  if (piece.size() > maxBytes_ - size_) {
    overflowed_ = true;
    return false;
  }
  if (piece.size() > capacity_ - size_) {
    // Grows by a quarter at least, so the first scrape of a large body copies it a bounded
    // number of times; later scrapes fit in what the earlier ones left.
    const std::size_t needed = size_ + piece.size();
    reallocate(withHeadroom(std::max(needed, capacity_ + capacity_ / 4), maxBytes_));
  }
  if (!piece.empty()) {
    std::memcpy(data_.get() + size_, piece.data(), piece.size());
    size_ += piece.size();
  }
  return true;
}

void ScrapeBody::settle() {
  if (capacity_ > kMinCapacity && size_ < capacity_ / 2) {
    reallocate(withHeadroom(size_, maxBytes_));
  }
}

void ScrapeBody::reallocate(std::size_t capacity) {
  // No value-initialisation: the bytes past size_ are never read.
  std::unique_ptr<char[]> grown(new char[capacity]);
  if (size_ > 0) {
    std::memcpy(grown.get(), data_.get(), size_);
  }
  data_ = std::move(grown);
  capacity_ = capacity;
}

}  // namespace nova::scrape::detail
