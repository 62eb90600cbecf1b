#include "text_limits.h"

#include <cmath>
#include <cstdio>

namespace nova::notify::detail {
namespace {

bool isContinuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Byte offset where code point number `count` starts, or npos when the text is shorter.
std::size_t offsetOfCodePoint(std::string_view text, std::size_t count) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!isContinuation(text[i])) {
      if (seen == count) {
        return i;
      }
      ++seen;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::string truncateUtf8(std::string_view text, std::size_t maxChars) {
  const std::size_t end = offsetOfCodePoint(text, maxChars);
  if (end == std::string_view::npos || maxChars == 0) {
    return std::string(end == std::string_view::npos ? text : text.substr(0, 0));
  }
  return std::string(text.substr(0, offsetOfCodePoint(text, maxChars - 1))) + "\u2026";
}

std::string formatValue(double value, std::string_view nanText) {
  if (std::isnan(value)) {
    return std::string(nanText);
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

}  // namespace nova::notify::detail
