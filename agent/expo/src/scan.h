#pragma once

// Byte classes and small scanners shared by the exposition parser. Lookup tables keep the hot
// loops to one load and one branch per byte.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

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

inline bool isBlank(char c) {
  return c == ' ' || c == '\t';
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
/// time; inline, since label values are short and there are several on every line.
inline std::size_t skipPlain(std::string_view s, std::size_t pos, std::size_t end) {
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

/// Human-readable description of the byte at `pos` for "got ..." messages: 'x', "end of
/// line", "NUL byte", "byte 0xff".
std::string describeByte(std::string_view s, std::size_t pos, std::size_t end);

/// Appends `text` (the inside of a quoted string whose escapes were checked to be \\, \" or
/// \n) to `out` with the escapes resolved.
void unescapeQuoted(std::string_view text, std::string& out);

}  // namespace nova::expo::detail
