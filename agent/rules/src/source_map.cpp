#include "nova/rules/detail/source_map.h"

#include <algorithm>

namespace nova::rules::detail {
namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::size_t skipLine(std::string_view file, std::size_t i) {
  while (i < file.size() && file[i] != '\n') {
    ++i;
  }
  return i < file.size() ? i + 1 : i;
}

// The raw offset where the scalar's content begins: after a tag or anchor, after the opening
// quote, or on the line after a block scalar's header.
std::size_t contentStart(std::string_view file, std::size_t pos) {
  while (pos < file.size() && (file[pos] == '!' || file[pos] == '&')) {
    while (pos < file.size() && !isSpace(file[pos])) {
      ++pos;
    }
    while (pos < file.size() && (file[pos] == ' ' || file[pos] == '\t')) {
      ++pos;
    }
  }
  if (pos >= file.size()) {
    return file.size();
  }
  if (file[pos] == '"' || file[pos] == '\'') {
    return pos + 1;
  }
  if (file[pos] == '|' || file[pos] == '>') {
    std::size_t next = skipLine(file, pos);
    while (next < file.size() && file[next] == ' ') {
      ++next;
    }
    return next;
  }
  return pos;
}

}  // namespace

ScalarMap::ScalarMap(std::string_view file, std::size_t markPos, std::string_view value)
    : file_(file) {
  std::size_t raw = contentStart(file, std::min(markPos, file.size()));
  rawOffsets_.reserve(value.size() + 1);
  std::size_t i = 0;
  while (i < value.size()) {
    if (isSpace(value[i])) {
      // Align a run of decoded whitespace with the run of raw whitespace here, from its end:
      // folding and indentation change the run's length but not where the next word is.
      std::size_t runEnd = i;
      while (runEnd < value.size() && isSpace(value[runEnd])) {
        ++runEnd;
      }
      std::size_t rawEnd = raw;
      while (rawEnd < file.size() && isSpace(file[rawEnd])) {
        ++rawEnd;
      }
      for (std::size_t k = i; k < runEnd; ++k) {
        const std::size_t fromEnd = runEnd - k;
        rawOffsets_.push_back(rawEnd >= raw + fromEnd ? rawEnd - fromEnd : raw);
      }
      raw = rawEnd;
      i = runEnd;
      continue;
    }
    // Skip raw characters the decoding removed (escape backslashes, doubled quotes), but
    // never far: an escape such as \u00e9 is at most a few bytes.
    std::size_t probe = raw;
    while (probe < file.size() && probe < raw + 10 && file[probe] != value[i]) {
      ++probe;
    }
    if (probe < file.size() && file[probe] == value[i]) {
      raw = probe;
    }
    rawOffsets_.push_back(raw);
    raw = std::min(raw + 1, file.size());
    ++i;
  }
  rawOffsets_.push_back(raw);
}

FilePos ScalarMap::at(std::size_t offset) const {
  const std::size_t index = std::min(offset, rawOffsets_.size() - 1);
  return positionOf(file_, rawOffsets_[index]);
}

FilePos positionOf(std::string_view text, std::size_t offset) {
  FilePos pos;
  const std::size_t end = std::min(offset, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return pos;
}

std::size_t offsetOf(std::string_view text, int line, int column) {
  std::size_t i = 0;
  for (int l = 1; l < line && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++l;
    }
  }
  return std::min(text.size(), i + static_cast<std::size_t>(std::max(column - 1, 0)));
}

}  // namespace nova::rules::detail
