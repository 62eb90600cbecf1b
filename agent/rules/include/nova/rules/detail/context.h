#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nova/rules/detail/source_map.h"
#include "nova/rules/loader.h"

namespace YAML {
class Exception;
class Node;
struct Mark;
}  // namespace YAML

namespace nova::rules::detail {

/// The file being loaded and the problems found in it so far.
class LoadContext {
 public:
  LoadContext(std::string_view text, std::string_view fileName)
      : text_(text), fileName_(fileName) {}

  std::string_view text() const { return text_; }

  /// Records a problem at a yaml-cpp mark (0-based; printed 1-based).
  void error(const YAML::Mark& mark, std::string message);
  /// Records a problem at the start of `node`.
  void error(const YAML::Node& node, std::string message);
  /// Records a problem at a file position.
  void error(FilePos pos, std::string message);
  /// Records what yaml-cpp threw, at its mark: malformed YAML, or nesting deeper than the
  /// parser's depth guard ("nested too deeply"), which yaml-cpp itself only calls "bad file".
  void yamlError(const YAML::Exception& e);

  /// The file position of byte `offset` of `node`'s decoded scalar value.
  FilePos positionInScalar(const YAML::Node& node, std::size_t offset) const;

  bool failed() const { return !diagnostics_.empty(); }
  std::size_t errorCount() const { return diagnostics_.size(); }
  /// The problems, sorted by place.
  std::vector<Diagnostic> takeDiagnostics();

 private:
  std::string_view text_;
  std::string fileName_;
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace nova::rules::detail
