#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace nova::rules::detail {

/// A 1-based place in a file.
struct FilePos {
  int line = 1;
  int column = 1;
};

/// Maps byte offsets of a YAML scalar's decoded value back to the file, so an error found
/// inside the value (a PromQL column, a template variable) points at the right character.
/// Handles plain, single- and double-quoted scalars and `|`/`>` block scalars: the decoded
/// value is aligned with the raw text, runs of whitespace (line folding, indentation) are
/// aligned with each other, and characters the YAML escaping removed are skipped.
class ScalarMap {
 public:
  /// `file` is the whole file, `markPos` the scalar node's 0-based byte offset (yaml-cpp's
  /// Mark::pos), `value` the decoded scalar.
  ScalarMap(std::string_view file, std::size_t markPos, std::string_view value);

  /// The file position of decoded byte `offset` (clamped to the value's end).
  FilePos at(std::size_t offset) const;

 private:
  std::vector<std::size_t> rawOffsets_;  // one per decoded byte, plus one past the end
  std::string_view file_;
};

/// The 1-based line and column of byte `offset` in `text`.
FilePos positionOf(std::string_view text, std::size_t offset);

/// The byte offset of 1-based (line, column) in `text` (clamped to its end).
std::size_t offsetOf(std::string_view text, int line, int column);

}  // namespace nova::rules::detail
