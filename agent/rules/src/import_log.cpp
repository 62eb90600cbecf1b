// What the importers share: the log of findings, placeholders, and the query check.
#include <yaml-cpp/yaml.h>

#include <variant>

#include "import_common.h"
#include "nova/core/text.h"
#include "nova/promql/parser.h"

namespace nova::rules::detail {

YAML::Node field(const YAML::Node& node, const char* key) {
  if (node && node.IsMap() && node[key]) {
    return node[key];
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

std::string scalarOr(const YAML::Node& node, std::string fallback) {
  return node && node.IsScalar() ? node.Scalar() : fallback;
}

std::string ImportLog::at(const YAML::Node& node) const {
  const YAML::Mark mark = node.Mark();
  const int line = mark.is_null() ? 1 : mark.line + 1;
  const int column = mark.is_null() ? 1 : mark.column + 1;
  return file_ + ":" + std::to_string(line) + ":" + std::to_string(column);
}

void ImportLog::add(const YAML::Node& node, const std::string& what, const std::string& owner,
                    ImportedRule rule) {
  std::string name = rule.name;
  if (names_.contains(name)) {
    name = owner + "/" + rule.name;
  }
  const std::string base = name;
  for (int n = 2; names_.contains(name); ++n) {
    name = base + "#" + std::to_string(n);
  }
  names_.insert(name);
  rule.name = name;
  report_.push_back(at(node) + ": converted " + what + " into rule \"" + name + "\"");
  rules_.push_back(std::move(rule));
  ++converted_;
}

void ImportLog::refuse(const YAML::Node& node, const std::string& what, const std::string& why) {
  report_.push_back(at(node) + ": not converted: " + what + ": " + why);
  ++notConverted_;
}

void ImportLog::note(const YAML::Node& node, const std::string& message) {
  report_.push_back(at(node) + ": note: " + message);
}

Filled fillPlaceholders(std::string_view text,
                        const std::function<std::optional<std::string>(std::string_view)>& lookup) {
  Filled out;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t open = text.find("{{", i);
    const std::size_t close = open == std::string_view::npos ? open : text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      out.text += text.substr(i);
      break;
    }
    out.text += text.substr(i, open - i);
    const std::string_view name = trim(text.substr(open + 2, close - open - 2));
    if (auto value = lookup(name)) {
      out.text += *value;
    } else {
      out.text += text.substr(open, close + 2 - open);
      if (!out.missing) {
        out.missing = std::string(name);
      }
    }
    i = close + 2;
  }
  return out;
}

std::optional<QueryText> checkQuery(const std::string& query, RuleSource source, std::string& why) {
  promql::ParseOptions options;
  options.allowOutsideSubset = source == RuleSource::kPrometheus;
  const std::string text(trim(query));
  promql::ParseResult parsed = promql::parse(text, options);
  if (!parsed.ok()) {
    why = "query (line " + std::to_string(parsed.error().line) + ", column " +
          std::to_string(parsed.error().column) + "): " + parsed.error().message;
    return std::nullopt;
  }
  const promql::ValueType type = parsed.expr().type();
  if (type != promql::ValueType::kVector && type != promql::ValueType::kScalar) {
    why = "the query gives neither an instant vector nor a scalar";
    return std::nullopt;
  }
  const auto& node = parsed.expr().node;
  QueryText out;
  out.text = text;
  out.scalar = type == promql::ValueType::kScalar;
  out.atomic = std::holds_alternative<promql::VectorSelector>(node) ||
               std::holds_alternative<promql::Call>(node) ||
               std::holds_alternative<promql::Aggregate>(node) ||
               std::holds_alternative<promql::Paren>(node) ||
               std::holds_alternative<promql::NumberLiteral>(node);
  return out;
}

}  // namespace nova::rules::detail
