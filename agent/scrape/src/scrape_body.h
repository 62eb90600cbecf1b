#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

namespace nova::scrape::detail {

/// The buffer a target's scrapes receive their body into, kept between scrapes.
///
/// Why: a 10k-sample body is about 1 MB. Collected into a fresh string each scrape, it grows
/// by doubling (copying what it holds at each step), and glibc serves each step with a new
/// mmap whose pages fault in one by one and are unmapped again: that was most of the
/// agent's CPU per scrape. Here the pages stay mapped and the body is copied once, from
/// curl's buffer into this one.
///
/// Memory: at most one body is held, with capacity for about an eighth more (so a body that
/// grows a little does not reallocate every scrape); after a scrape whose body needed less
/// than half the capacity, the buffer shrinks to fit it (so one huge body is not kept for the
/// target's life). Capacity never exceeds the bound given to the constructor.
/// Not thread-safe; one scrape at a time.
class ScrapeBody {
 public:
  /// `maxBytes`: a body larger than this is refused (append() returns false).
  explicit ScrapeBody(std::size_t maxBytes);

  /// Starts a new body; keeps the memory.
  void clear();
  /// Appends a piece; false (and nothing appended) when the body would exceed maxBytes, which
  /// overflowed() then reports until clear().
  bool append(std::string_view piece);
  /// Call after the body was consumed: gives memory back when the body shrank for good.
  void settle();

  std::string_view view() const { return {data_.get(), size_}; }
  bool overflowed() const { return overflowed_; }
  std::size_t capacity() const { return capacity_; }
  std::size_t maxBytes() const { return maxBytes_; }

 private:
  void reallocate(std::size_t capacity);

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  std::size_t maxBytes_;
  bool overflowed_ = false;
};

}  // namespace nova::scrape::detail
