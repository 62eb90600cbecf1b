#include "scan.h"

#include <cstring>

namespace nova::expo::detail {

std::size_t utf8SequenceLength(std::string_view s, std::size_t pos, std::size_t end) {
  const auto at = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = at(pos);
  std::size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    lo = c == 0xE0 ? 0xA0 : 0x80;  // no overlong forms
    hi = c == 0xED ? 0x9F : 0xBF;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    lo = c == 0xF0 ? 0x90 : 0x80;
    hi = c == 0xF4 ? 0x8F : 0xBF;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (end - pos < len) {
    return 0;
  }
  if (at(pos + 1) < lo || at(pos + 1) > hi) {
    return 0;
  }
  for (std::size_t i = 2; i < len; ++i) {
    if ((at(pos + i) & 0xC0) != 0x80) {
      return 0;
    }
  }
  return len;
}

TextScan scanText(std::string_view s) {
  TextScan out;
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    if (n - i >= 8) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if ((w & 0x8080808080808080ULL) == 0 && !hasZeroByte(w)) {
        out.hasBackslash = out.hasBackslash || hasByte(w, '\\');
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) {
      out.badPos = i;
      out.badIsNul = true;
      return out;
    }
    if (c < 0x80) {
      out.hasBackslash = out.hasBackslash || c == '\\';
      ++i;
      continue;
    }
    const std::size_t len = utf8SequenceLength(s, i, n);
    if (len == 0) {
      out.badPos = i;
      return out;
    }
    i += len;
  }
  return out;
}

std::string describeByte(std::string_view s, std::size_t pos, std::size_t end) {
  if (pos >= end) {
    return "end of line";
  }
  const auto c = static_cast<unsigned char>(s[pos]);
  if (c == 0) {
    return "NUL byte";
  }
  if (c < 0x20 || c >= 0x7F) {
    static constexpr char kHex[] = "0123456789abcdef";
    return std::string("byte 0x") + kHex[c >> 4] + kHex[c & 0xF];
  }
  return std::string("'") + static_cast<char>(c) + "'";
}

void unescapeQuoted(std::string_view text, std::string& out) {
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t slash = text.find('\\', i);
    if (slash == std::string_view::npos || slash + 1 >= text.size()) {
      out.append(text, i);
      return;
    }
    out.append(text, i, slash - i);
    const char c = text[slash + 1];
    if (c == 'n') {
      out += '\n';
    } else if (c == '\\' || c == '"') {
      out += c;
    } else {
      out += '\\';  // unknown escapes stay as written, as in Prometheus
      i = slash + 1;
      continue;
    }
    i = slash + 2;
  }
}

}  // namespace nova::expo::detail
