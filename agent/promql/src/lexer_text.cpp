#include "lexer_text.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "lexer.h"

namespace nova::promql::detail {
namespace {

// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 when invalid.
std::size_t decodeUtf8(std::string_view s, std::size_t i, std::uint32_t& rune) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char b0 = byte(0);
  std::size_t len = 0;
  std::uint32_t min = 0;
  if (b0 < 0x80) {
    rune = b0;
    return 1;
  }
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    rune = b0 & 0x1F;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    rune = b0 & 0x0F;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    rune = b0 & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(k) & 0xC0) != 0x80) {
      return 0;
    }
    rune = (rune << 6) | (byte(k) & 0x3F);
  }
  if (rune < min || rune > 0x10FFFF || (rune >= 0xD800 && rune < 0xE000)) {
    return 0;
  }
  return len;
}

void appendUtf8(std::string& out, std::uint32_t r) {
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xC0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xE0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  }
}

// Go's %#U: "U+0071 'q'" for printable ASCII, "U+000A" otherwise.
std::string describeRune(unsigned char c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  std::string out = buf;
  if (c >= 0x20 && c < 0x7f) {
    out += " '";
    out += static_cast<char>(c);
    out += "'";
  }
  return out;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return 16;
}

// Decodes the escape after a backslash at body[i]; advances i past it.
std::optional<std::string> unescape(std::string_view body, std::size_t& i, char quote,
                                    std::string& out) {
  if (i >= body.size()) {
    return "escape sequence not terminated";
  }
  const char c = body[i++];
  switch (c) {
    case 'a':
      out += '\a';
      return std::nullopt;
    case 'b':
      out += '\b';
      return std::nullopt;
    case 'f':
      out += '\f';
      return std::nullopt;
    case 'n':
      out += '\n';
      return std::nullopt;
    case 'r':
      out += '\r';
      return std::nullopt;
    case 't':
      out += '\t';
      return std::nullopt;
    case 'v':
      out += '\v';
      return std::nullopt;
    case '\\':
      out += '\\';
      return std::nullopt;
    default:
      break;
  }
  if (c == quote) {
    out += c;
    return std::nullopt;
  }
  int digits = 0;
  int base = 16;
  std::uint32_t max = 0x10FFFF;
  if (c >= '0' && c <= '7') {
    digits = 3;
    base = 8;
    max = 255;
    --i;
  } else if (c == 'x') {
    digits = 2;
    max = 255;
  } else if (c == 'u') {
    digits = 4;
  } else if (c == 'U') {
    digits = 8;
  } else {
    return "unknown escape sequence " + describeRune(static_cast<unsigned char>(c));
  }
  std::uint32_t value = 0;
  for (int k = 0; k < digits; ++k) {
    if (i >= body.size()) {
      return "escape sequence not terminated";
    }
    const int d = hexValue(body[i]);
    if (d >= base) {
      return "illegal character " + describeRune(static_cast<unsigned char>(body[i])) +
             " in escape sequence";
    }
    value = value * static_cast<std::uint32_t>(base) + static_cast<std::uint32_t>(d);
    ++i;
  }
  if (value > max || (value >= 0xD800 && value < 0xE000)) {
    return "escape sequence is an invalid Unicode code point";
  }
  if (max == 255) {
    out += static_cast<char>(value);  // \x and octal give raw bytes
  } else {
    appendUtf8(out, value);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> unquote(std::string_view quoted, std::string& out) {
  out.clear();
  if (quoted.size() < 2 || quoted.front() != quoted.back()) {
    return "invalid quoted string";
  }
  const char q = quoted.front();
  const std::string_view body = quoted.substr(1, quoted.size() - 2);
  for (std::size_t i = 0; i < body.size();) {
    const char c = body[i];
    if (c == '\\' && q != '`') {
      ++i;
      if (auto err = unescape(body, i, q, out)) {
        return err;
      }
      continue;
    }
    std::uint32_t rune = 0;
    const std::size_t len = decodeUtf8(body, i, rune);
    if (len == 0) {
      return "invalid UTF-8 rune";
    }
    out.append(body.substr(i, len));
    i += len;
  }
  return std::nullopt;
}

std::string quote(std::string_view value) {
  std::string out = "\"";
  for (std::size_t i = 0; i < value.size();) {
    const auto c = static_cast<unsigned char>(value[i]);
    std::uint32_t rune = 0;
    const std::size_t len = c >= 0x80 ? decodeUtf8(value, i, rune) : 1;
    if (c >= 0x80 && len > 0) {
      out.append(value.substr(i, len));
      i += len;
      continue;
    }
    ++i;
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\a':
        out += "\\a";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\v':
        out += "\\v";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

std::string quoteRune(std::string_view input, std::size_t pos) {
  if (pos >= input.size()) {
    return "EOF";
  }
  const auto c = static_cast<unsigned char>(input[pos]);
  if (c >= 0x80) {
    std::uint32_t rune = 0;
    const std::size_t len = decodeUtf8(input, pos, rune);
    return len == 0 ? "'\\ufffd'" : "'" + std::string(input.substr(pos, len)) + "'";
  }
  if (c == '\'') {
    return "'\\''";
  }
  std::string q = quote(std::string_view(input.data() + pos, 1));
  return "'" + q.substr(1, q.size() - 2) + "'";
}

LineColumn lineColumnAt(std::string_view text, int offset) {
  LineColumn at;
  const auto end = static_cast<std::size_t>(std::max(0, offset));
  for (std::size_t i = 0; i < end && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++at.line;
      at.column = 1;
    } else {
      ++at.column;
    }
  }
  return at;
}

bool isLegacyLabelName(std::string_view name) {
  if (name.empty() || isDigit(name[0])) {
    return false;
  }
  for (char c : name) {
    if (!isAlpha(c) && !isDigit(c)) {
      return false;
    }
  }
  return true;
}

bool isLegacyMetricName(std::string_view name) {
  if (name.empty() || isDigit(name[0])) {
    return false;
  }
  for (char c : name) {
    if (!isAlpha(c) && !isDigit(c) && c != ':') {
      return false;
    }
  }
  return true;
}

}  // namespace nova::promql::detail
