#pragma once

// Normalized `le` and `quantile` texts, remembered. A scrape repeats the same dozen bucket
// bounds and quantiles on every series, and normalizing one means parsing it, perhaps
// printing it, and branching on its digits; a hit costs a hash and one 16-byte comparison.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "number.h"
#include "scan.h"

namespace nova::expo::detail {

class OmFloatCache {
 public:
  /// What normalizeOmFloat makes of `text`: `text` itself when it stays as written, else a
  /// view into this cache or into `scratch` (cleared first), valid until the next call.
  /// `readable` bytes from text.data() may be read (at least text.size()).
  std::string_view normalize(std::string_view text, std::size_t readable, std::string& scratch) {
#if defined(__SSE2__)
    if (!text.empty() && text.size() <= kMaxRaw) [[likely]] {
      const __m128i raw = padded(text, readable);
      // Two slots per text, so two texts alike by the hash both stay.
      const std::size_t slot = slotOf(raw, text.size());
      Entry* entry = &entries_[slot];
      if (!holds(*entry, raw, text.size())) [[unlikely]] {
        Entry& other = entries_[slot ^ 1];
        if (holds(other, raw, text.size())) {
          entry = &other;
        } else {
          entry = entry->rawSize == 0 ? entry : &other;
          if (!fill(*entry, raw, text, scratch)) {
            return scratch;  // changed, and too long to keep
          }
        }
      }
      return entry->changed ? std::string_view(entry->out.data(), entry->outSize) : text;
    }
#else
    static_cast<void>(readable);
#endif
    scratch.clear();
    return normalizeOmFloat(text, scratch) ? std::string_view(scratch) : text;
  }

 private:
  static constexpr std::size_t kMaxRaw = 16;
  static constexpr std::size_t kSlots = 64;

#if defined(__SSE2__)
  struct Entry {
    __m128i raw = _mm_setzero_si128();
    std::size_t rawSize = 0;  // 0: empty
    bool changed = false;
    std::size_t outSize = 0;
    std::array<char, kMaxRaw + kMaxOmFloatGrowth> out{};
  };

  // The text's bytes, zero past its end.
  static __m128i padded(std::string_view text, std::size_t readable) {
    const __m128i bytes = load16(text.data(), text.data() + readable);
    const __m128i index = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m128i inText = _mm_cmplt_epi8(index, _mm_set1_epi8(static_cast<char>(text.size())));
    return _mm_and_si128(bytes, inText);
  }

  static bool holds(const Entry& entry, __m128i raw, std::size_t size) {
    return entry.rawSize == size && _mm_movemask_epi8(_mm_cmpeq_epi8(raw, entry.raw)) == 0xFFFF;
  }

  static std::size_t slotOf(__m128i raw, std::size_t size) {
    const auto lo = static_cast<std::uint64_t>(_mm_cvtsi128_si64(raw));
    const auto hi = static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_srli_si128(raw, 8)));
    const std::uint64_t mixed = (lo * 0x9E3779B97F4A7C15ULL) ^ (hi * 0xC2B2AE3D27D4EB4FULL) ^
                                (size * 0x165667B19E3779F9ULL);
    return static_cast<std::size_t>(mixed >> 58) % kSlots;
  }

  // Normalizes `text` into `entry`; false when the result changed but does not fit (it
  // always fits: normalizeOmFloat adds at most kMaxOmFloatGrowth bytes), left in `scratch`.
  static bool fill(Entry& entry, __m128i raw, std::string_view text, std::string& scratch) {
    scratch.clear();
    const bool changed = normalizeOmFloat(text, scratch);
    if (changed && scratch.size() > entry.out.size()) {
      entry.rawSize = 0;
      return false;
    }
    entry.raw = raw;
    entry.rawSize = text.size();
    entry.changed = changed;
    entry.outSize = changed ? scratch.copy(entry.out.data(), entry.out.size()) : 0;
    return true;
  }

  std::array<Entry, kSlots> entries_{};
#endif
};

}  // namespace nova::expo::detail
