#pragma once

// The label block's fast lane. Most labels are written `name="value"` with a plain ASCII value;
// such a label is read from bit masks of the next 64 bytes, computed once for several labels,
// so finding its ends costs a few bit operations instead of a scan that waits on the previous
// one. Anything else (blanks, escapes, UTF-8, quoted names, errors, a label longer than the
// window) is left to the byte-wise path, which reads it exactly as if the fast lane did not
// exist.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "scan.h"

namespace nova::expo::detail {

/// Classes of the 64 bytes from `start`: bit i stands for byte start + i. Bytes from the end of
/// the line on count as special and nothing else, so no search runs past the line.
struct LabelWindow {
  std::size_t start = std::string_view::npos;
  std::uint64_t name = 0;     // [a-zA-Z0-9_]
  std::uint64_t quote = 0;    // '"'
  std::uint64_t special = 0;  // what a quoted string does not hold as is, '"' aside
};

/// The classes byte by byte; the reference for loadLabelWindow, and its form without SSE2.
inline LabelWindow loadLabelWindowBytes(std::string_view s, std::size_t start,
                                        std::size_t lineEnd) {
  LabelWindow w;
  w.start = start;
  for (std::size_t i = 0; i < 64; ++i) {
    const std::uint64_t bit = 1ULL << i;
    if (start + i >= lineEnd) {
      w.special |= ~(bit - 1);
      break;
    }
    const char c = s[start + i];
    if (is(c, kLabelChar)) {
      w.name |= bit;
    }
    if (c == '"') {
      w.quote |= bit;
    } else if (!is(c, kPlainValue)) {
      w.special |= bit;
    }
  }
  return w;
}

#if defined(__SSE2__)
namespace window_detail {

struct BlockMasks {
  unsigned name;
  unsigned quote;
  unsigned special;
};

inline BlockMasks classify16(const char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  // Setting bit 5 maps 'A'-'Z' onto 'a'-'z' and nothing else onto them.
  const __m128i alpha = inRange(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z');
  const __m128i name = _mm_or_si128(_mm_or_si128(alpha, inRange(v, '0', '9')),
                                    _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
  const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  // A line holds no newline, so within it the special bytes are '\\', NUL and, by the sign
  // bits of `v` itself, the bytes >= 0x80.
  const __m128i special =
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')), _mm_cmpeq_epi8(v, _mm_setzero_si128()));
  return {static_cast<unsigned>(_mm_movemask_epi8(name)),
          static_cast<unsigned>(_mm_movemask_epi8(quote)),
          static_cast<unsigned>(_mm_movemask_epi8(special) | _mm_movemask_epi8(v))};
}

inline std::uint64_t join(unsigned a, unsigned b, unsigned c, unsigned d) {
  return static_cast<std::uint64_t>(a) | static_cast<std::uint64_t>(b) << 16 |
         static_cast<std::uint64_t>(c) << 32 | static_cast<std::uint64_t>(d) << 48;
}

}  // namespace window_detail
#endif

/// The window at `start` (< lineEnd <= s.size()).
inline LabelWindow loadLabelWindow(std::string_view s, std::size_t start, std::size_t lineEnd) {
#if defined(__SSE2__)
  using window_detail::classify16;
  const char* p = s.data() + start;
  alignas(16) char tail[64];
  if (s.size() - start < 64) [[unlikely]] {
    // Near the end of the body: classify a copy, padded with bytes the line mask drops.
    std::memset(tail, 0, sizeof(tail));
    std::memcpy(tail, p, s.size() - start);
    p = tail;
  }
  const auto b0 = classify16(p);
  const auto b1 = classify16(p + 16);
  const auto b2 = classify16(p + 32);
  const auto b3 = classify16(p + 48);
  LabelWindow w;
  w.start = start;
  w.name = window_detail::join(b0.name, b1.name, b2.name, b3.name);
  w.quote = window_detail::join(b0.quote, b1.quote, b2.quote, b3.quote);
  w.special = window_detail::join(b0.special, b1.special, b2.special, b3.special);
  if (lineEnd - start < 64) {
    const std::uint64_t inLine = (1ULL << (lineEnd - start)) - 1;
    w.name &= inLine;
    w.quote &= inLine;
    w.special |= ~inLine;
  }
  return w;
#else
  return loadLabelWindowBytes(s, start, lineEnd);
#endif
}

/// A label read by the fast lane: views into the body, and where its parts are.
struct PlainLabel {
  std::string_view name;
  std::string_view value;
  std::size_t valuePos = 0;  // the opening quote
  std::size_t end = 0;       // just past the closing quote
};

namespace window_detail {

enum class Take { kTaken, kNotPlain, kPastWindow };

inline Take takeFrom(std::string_view s, const LabelWindow& w, std::size_t p, std::size_t lineEnd,
                     PlainLabel& out) {
  if (p < w.start || p - w.start >= 62) {
    return Take::kPastWindow;
  }
  const std::size_t off = p - w.start;
  const std::uint64_t notName = ~w.name >> off;
  // Bit 0 is the name's first byte, known to be a name start; the name ends at the first
  // byte that is no name byte.
  const std::size_t eq = off + static_cast<std::size_t>(std::countr_zero(notName));
  if (eq >= 62) {
    return Take::kPastWindow;
  }
  const std::size_t eqPos = w.start + eq;
  if (eqPos + 1 >= lineEnd || s[eqPos] != '=' || s[eqPos + 1] != '"') {
    return Take::kNotPlain;
  }
  const std::size_t open = eq + 2;  // first byte of the value
  const std::uint64_t quotes = w.quote >> open;
  if (quotes == 0) {
    return (w.special >> open) != 0 ? Take::kNotPlain : Take::kPastWindow;
  }
  const auto length = static_cast<std::size_t>(std::countr_zero(quotes));
  if (((w.special >> open) & ((1ULL << length) - 1)) != 0) {
    return Take::kNotPlain;
  }
  out.name = slice(s, p, eqPos);
  out.valuePos = eqPos + 1;
  out.value = slice(s, w.start + open, w.start + open + length);
  out.end = w.start + open + length + 1;
  return Take::kTaken;
}

}  // namespace window_detail

/// Reads the label at `p` (< lineEnd, at a label name start) when it is written `name="value"`
/// with a plain value that ends within the window, moving the window to `p` when the label
/// reaches past it. False leaves the label to the byte-wise path.
inline bool readPlainLabel(std::string_view s, std::size_t p, std::size_t lineEnd,
                           LabelWindow& window, PlainLabel& out) {
  using window_detail::Take;
  Take take = window_detail::takeFrom(s, window, p, lineEnd, out);
  if (take == Take::kPastWindow && window.start != p) {
    window = loadLabelWindow(s, p, lineEnd);
    take = window_detail::takeFrom(s, window, p, lineEnd, out);
  }
  return take == Take::kTaken;
}

}  // namespace nova::expo::detail
