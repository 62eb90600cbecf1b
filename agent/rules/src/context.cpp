#include "nova/rules/detail/context.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace nova::rules::detail {

void LoadContext::error(const YAML::Mark& mark, std::string message) {
  if (mark.is_null()) {
    error(FilePos{1, 1}, std::move(message));
    return;
  }
  error(FilePos{mark.line + 1, mark.column + 1}, std::move(message));
}

void LoadContext::error(const YAML::Node& node, std::string message) {
  error(node.Mark(), std::move(message));
}

void LoadContext::error(FilePos pos, std::string message) {
  diagnostics_.push_back(Diagnostic{fileName_, pos.line, pos.column, std::move(message)});
}

void LoadContext::yamlError(const YAML::Exception& e) {
  if (dynamic_cast<const YAML::DeepRecursion*>(&e) != nullptr) {
    error(e.mark, "nested too deeply: the YAML parser's depth guard stops here");
    return;
  }
  error(e.mark, e.msg);
}

FilePos LoadContext::positionInScalar(const YAML::Node& node, std::size_t offset) const {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null() || mark.pos < 0) {
    return FilePos{1, 1};
  }
  const ScalarMap map(text_, static_cast<std::size_t>(mark.pos), node.Scalar());
  return map.at(offset);
}

std::vector<Diagnostic> LoadContext::takeDiagnostics() {
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return a.line != b.line ? a.line < b.line : a.column < b.column;
                   });
  return std::move(diagnostics_);
}

}  // namespace nova::rules::detail
