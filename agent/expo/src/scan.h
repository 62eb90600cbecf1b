#pragma once

// Byte classes and small scanners shared by the exposition parser. Lookup tables keep the
// scalar loops to one load and one branch per byte; names and quoted text, most of a sample
// line's bytes, go 16 bytes at a time with SSE2 (part of every x86-64), and other targets
// take the scalar loops.

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace nova::expo::detail {

enum CharClass : std::uint8_t {
  kNameStart = 1,    // [a-zA-Z_:]  metric name start
  kNameChar = 2,     // [a-zA-Z0-9_:]
  kLabelStart = 4,   // [a-zA-Z_]
  kLabelChar = 8,    // [a-zA-Z0-9_]
  kPlainValue = 16,  // bytes a quoted string holds as is: not '"', '\\', NUL, >= 0x80
  kValueChar = 32,   // sample value token: not space, tab, '{', NUL
  kDigit = 64,
};

constexpr std::array<std::uint8_t, 256> makeCharClasses() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool digit = c >= '0' && c <= '9';
    std::uint8_t v = 0;
    if (alpha || c == '_' || c == ':') {
      v |= kNameStart | kNameChar;
    }
    if (digit) {
      v |= kNameChar | kLabelChar | kDigit;
    }
    if (alpha || c == '_') {
      v |= kLabelStart | kLabelChar;
    }
    if (c != '"' && c != '\\' && c != 0 && c != '\n' && c < 0x80) {
      v |= kPlainValue;
    }
    if (c != ' ' && c != '\t' && c != '{' && c != 0 && c != '\n') {
      v |= kValueChar;
    }
    t[static_cast<std::size_t>(c)] = v;
  }
  return t;
}

inline constexpr std::array<std::uint8_t, 256> kCharClasses = makeCharClasses();

inline bool is(char c, CharClass cls) {
  return (kCharClasses[static_cast<unsigned char>(c)] & cls) != 0;
}

/// A space or tab. Most bytes tested are printable, which the first comparison settles.
inline bool isBlank(char c) {
  return static_cast<unsigned char>(c) <= ' ' && (c == ' ' || c == '\t');
}

/// s[from, to) without substr's bounds check; callers hold from <= to <= s.size().
inline std::string_view slice(std::string_view s, std::size_t from, std::size_t to) {
  return {s.data() + from, to - from};
}

/// Index of the first byte at or after `pos` (before `end`) not in `cls`, which must not hold
/// '\n'. When `end` is a line's newline (every line but an unterminated last one), that byte
/// stops the loop, so it runs without a bounds check.
inline std::size_t skipClass(std::string_view s, std::size_t pos, std::size_t end, CharClass cls) {
  if (end < s.size() && s[end] == '\n') {
    while (is(s[pos], cls)) {
      ++pos;
    }
    return pos;
  }
  while (pos < end && is(s[pos], cls)) {
    ++pos;
  }
  return pos;
}

#if defined(__SSE2__)
/// The 16 bytes at `p`; those at or past `bodyEnd` read as NUL, which no scanner below takes
/// as part of a token, so a scan stops at the end of the body without reading past it.
inline __m128i load16(const char* p, const char* bodyEnd) {
  if (bodyEnd - p >= 16) [[likely]] {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  }
  alignas(16) char tail[16] = {};
  std::memcpy(tail, p, static_cast<std::size_t>(bodyEnd - p));
  return _mm_load_si128(reinterpret_cast<const __m128i*>(tail));
}

/// Bit i set when byte i of `v` is in [lo, hi]; both bounds ASCII, so bytes >= 0x80 (negative
/// as signed) never match.
inline __m128i inRange(__m128i v, char lo, char hi) {
  return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(static_cast<char>(lo - 1))),
                       _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(hi + 1))));
}

/// The first position in [pos, pos + 16) whose bit is set in `stop`, clamped to `end`.
inline std::size_t firstStop(std::size_t pos, unsigned stop, std::size_t end) {
  return std::min(pos + static_cast<std::size_t>(std::countr_zero(stop)), end);
}
#endif

/// skipClass for metric names (`kColon`: [a-zA-Z0-9_:]) or label names ([a-zA-Z0-9_]). With
/// SSE2, 64 bytes are classified at once, so a name shorter than that costs no loop branch
/// that depends on its length.
template <bool kColon>
inline std::size_t skipNameChars(std::string_view s, std::size_t pos, std::size_t end) {
#if defined(__SSE2__)
  const auto nameMask = [](const char* p) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Setting bit 5 maps 'A'-'Z' onto 'a'-'z' and nothing else onto them; ':' follows '9'.
    const __m128i alpha = inRange(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z');
    const __m128i digit = inRange(v, '0', kColon ? ':' : '9');
    const __m128i under = _mm_cmpeq_epi8(v, _mm_set1_epi8('_'));
    return static_cast<std::uint64_t>(
        static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(alpha, digit), under))));
  };
  while (pos < end && s.size() - pos >= 64) {
    const char* p = s.data() + pos;
    const std::uint64_t name =
        nameMask(p) | nameMask(p + 16) << 16 | nameMask(p + 32) << 32 | nameMask(p + 48) << 48;
    if (name != ~0ULL) {
      return std::min(pos + static_cast<std::size_t>(std::countr_zero(~name)), end);
    }
    pos += 64;
  }
#endif
  return skipClass(s, pos, end, kColon ? kNameChar : kLabelChar);
}

/// Index of the first byte at or after `pos` (before `end`) that is not a space or tab.
inline std::size_t skipBlanks(std::string_view s, std::size_t pos, std::size_t end) {
  while (pos < end && isBlank(s[pos])) {
    ++pos;
  }
  return pos;
}

/// Length of the well-formed UTF-8 sequence starting at s[pos] (a byte >= 0x80), or 0 when it
/// is malformed, overlong, a surrogate, above U+10FFFF or cut short by `end`.
std::size_t utf8SequenceLength(std::string_view s, std::size_t pos, std::size_t end);

/// What scanText found in a free text (HELP).
struct TextScan {
  /// Offset of the first NUL byte or malformed UTF-8 sequence, or npos.
  std::size_t badPos = std::string_view::npos;
  bool badIsNul = false;
  bool hasBackslash = false;
};

/// One pass over `s` for NUL bytes, malformed UTF-8 and backslashes; plain ASCII goes eight
/// bytes at a time.
TextScan scanText(std::string_view s);

/// Whether any byte of the 8-byte word is zero.
inline bool hasZeroByte(std::uint64_t w) {
  return ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL) != 0;
}

/// Whether any byte of the word equals `c`.
inline bool hasByte(std::uint64_t w, unsigned char c) {
  return hasZeroByte(w ^ (0x0101010101010101ULL * c));
}

/// Index of the first byte at or after `pos` (before `end`) that a quoted string does not
/// hold as is ('"', '\\', NUL, newline, a byte >= 0x80), or `end`. Eight plain bytes at a
/// time; the reference for skipPlain.
inline std::size_t skipPlainWords(std::string_view s, std::size_t pos, std::size_t end) {
  while (end - pos >= 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + pos, 8);
    if ((w & 0x8080808080808080ULL) != 0 || hasZeroByte(w) || hasByte(w, '"') || hasByte(w, '\\')) {
      break;
    }
    pos += 8;
  }
  while (pos < end && is(s[pos], kPlainValue)) {
    ++pos;
  }
  return pos;
}

/// As skipPlainWords, 16 bytes at a time where SSE2 is there. Inline, since label values
/// are short and there are several on every line.
inline std::size_t skipPlain(std::string_view s, std::size_t pos, std::size_t end) {
#if defined(__SSE2__)
  const char* bodyEnd = s.data() + s.size();
  while (pos < end) {
    const __m128i v = load16(s.data() + pos, bodyEnd);
    const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
    const __m128i slash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
    const __m128i nul = _mm_cmpeq_epi8(v, _mm_setzero_si128());
    const __m128i newline = _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'));
    const __m128i special = _mm_or_si128(_mm_or_si128(quote, slash), _mm_or_si128(nul, newline));
    // The sign bits of `v` itself are the bytes >= 0x80.
    const auto stop = static_cast<unsigned>(_mm_movemask_epi8(special) | _mm_movemask_epi8(v));
    if (stop != 0) {
      return firstStop(pos, stop, end);
    }
    pos += 16;
  }
  return end;
#else
  return skipPlainWords(s, pos, end);
#endif
}

/// Index of the first newline at or after `pos`, or s.size(). Sample lines are short, so
/// with SSE2 their 64 bytes are compared inline, without a library call per line.
inline std::size_t findNewline(std::string_view s, std::size_t pos) {
#if defined(__SSE2__)
  const __m128i newline = _mm_set1_epi8('\n');
  const auto maskOf = [&](const char* p) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return static_cast<std::uint64_t>(
        static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, newline))));
  };
  while (s.size() - pos >= 64) {
    const char* p = s.data() + pos;
    const std::uint64_t hits =
        maskOf(p) | maskOf(p + 16) << 16 | maskOf(p + 32) << 32 | maskOf(p + 48) << 48;
    if (hits != 0) {
      return pos + static_cast<std::size_t>(std::countr_zero(hits));
    }
    pos += 64;
  }
#endif
  const void* hit = std::memchr(s.data() + pos, '\n', s.size() - pos);
  return hit != nullptr ? static_cast<std::size_t>(static_cast<const char*>(hit) - s.data())
                        : s.size();
}

/// Whether the `n` bytes at `a` and at `b` are equal. Metric names run to dozens of bytes and
/// are compared on every sample; with SSE2, 16 at a time without a library call.
inline bool sameBytes(const char* a, const char* b, std::size_t n) {
#if defined(__SSE2__)
  if (n >= 16) {
    const auto same16 = [&](std::size_t i) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i));
      const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i));
      return _mm_movemask_epi8(_mm_cmpeq_epi8(x, y)) == 0xFFFF;
    };
    for (std::size_t i = 0; i + 16 < n; i += 16) {
      if (!same16(i)) {
        return false;
      }
    }
    return same16(n - 16);  // the last 16 bytes, overlapping the loop's when n % 16 != 0
  }
#endif
  return std::memcmp(a, b, n) == 0;
}

/// Human-readable description of the byte at `pos` for "got ..." messages: 'x', "end of
/// line", "NUL byte", "byte 0xff".
std::string describeByte(std::string_view s, std::size_t pos, std::size_t end);

/// Appends `text` (the inside of a quoted string whose escapes were checked to be \\, \" or
/// \n) to `out` with the escapes resolved.
void unescapeQuoted(std::string_view text, std::string& out);

}  // namespace nova::expo::detail
