#include "nova/rules/detail/fields.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "nova/core/suggest.h"
#include "nova/core/text.h"
#include "nova/promql/parser.h"
#include "nova/rules/detail/source_map.h"

namespace nova::rules::detail {
namespace {

// Prometheus's names for the value types, as its own type errors print them.
std::string_view typeName(promql::ValueType type) {
  switch (type) {
    case promql::ValueType::kScalar:
      return "scalar";
    case promql::ValueType::kVector:
      return "instant vector";
    case promql::ValueType::kMatrix:
      return "range vector";
    case promql::ValueType::kString:
      return "string";
  }
  return "unknown";
}

std::string_view nodeKind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "empty";
    default:
      return "a scalar";
  }
}

// Where a PromQL error at (line, column) of `text` is in the file. An error at the end of
// the input ("unclosed left parenthesis") points just after the last character written,
// not at the line break or indentation that follow it.
FilePos errorPosition(const YAML::Node& node, const std::string& text, int line, int column,
                      const LoadContext& ctx) {
  const std::size_t offset = offsetOf(text, line, column);
  const std::size_t last = text.find_last_not_of(" \t\r\n");
  if (last != std::string::npos && offset > last) {
    FilePos pos = ctx.positionInScalar(node, last);
    pos.column += 1;
    return pos;
  }
  return ctx.positionInScalar(node, offset);
}

}  // namespace

std::string unknownNameMessage(std::string_view what, std::string_view value,
                               std::span<const std::string_view> candidates) {
  std::string message = "unknown " + std::string(what) + " \"" + std::string(value) + "\"";
  if (auto hint = closestMatch(value, candidates)) {
    return message + "; did you mean " + *hint + "?";
  }
  message += " (expected ";
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    message += (i == 0 ? "" : ", ") + std::string(candidates[i]);
  }
  return message + ")";
}

bool checkKeys(const YAML::Node& map, std::span<const std::string_view> allowed,
               std::string_view what, LoadContext& ctx) {
  if (!map.IsMap()) {
    ctx.error(map, std::string(what) + " must be a mapping, got " + std::string(nodeKind(map)));
    return false;
  }
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;
    const std::string name = key.IsScalar() ? key.Scalar() : std::string();
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) {
      continue;
    }
    std::string message = "unknown key \"" + name + "\" in " + std::string(what);
    if (auto hint = closestMatch(name, allowed)) {
      message += "; did you mean " + *hint + "?";
    }
    ctx.error(key, std::move(message));
  }
  return true;
}

std::optional<std::string> readString(const YAML::Node& node, std::string_view field,
                                      LoadContext& ctx) {
  if (!node.IsScalar()) {
    ctx.error(node, std::string(field) + " must be a string, got " + std::string(nodeKind(node)));
    return std::nullopt;
  }
  // Names, labels and summaries end up in /metrics, /status and notifications: text that
  // is not UTF-8, or that a C string would cut short, must be refused here.
  const std::string& text = node.Scalar();
  if (const std::size_t bad = firstInvalidUtf8(text); bad != std::string::npos) {
    ctx.error(ctx.positionInScalar(node, bad),
              std::string(field) + ": invalid UTF-8 at byte " + std::to_string(bad));
    return std::nullopt;
  }
  if (const std::size_t nul = text.find('\0'); nul != std::string::npos) {
    ctx.error(ctx.positionInScalar(node, nul),
              std::string(field) + ": contains a NUL character at byte " + std::to_string(nul));
    return std::nullopt;
  }
  return text;
}

std::string tooManyRules() {
  return "too many rules: a rule file holds at most " + std::to_string(kMaxRulesPerFile);
}

std::optional<DurationMs> readDuration(const YAML::Node& node, std::string_view field,
                                       LoadContext& ctx) {
  auto text = readString(node, field, ctx);
  if (!text) {
    return std::nullopt;
  }
  auto parsed = parseDuration(*text);
  if (!parsed) {
    ctx.error(node, std::string(field) + ": " + parsed.error().message);
    return std::nullopt;
  }
  return *parsed;
}

std::optional<double> parseNumber(std::string_view text) {
  const std::string copy(text);
  if (copy.empty() || copy.front() == ' ' || copy.starts_with("0x") || copy.starts_with("0X")) {
    return std::nullopt;
  }
  char* end = nullptr;
  const double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) {
    return std::nullopt;
  }
  return v;
}

std::optional<double> readNumber(const YAML::Node& node, std::string_view field, LoadContext& ctx) {
  if (node.IsScalar()) {
    if (auto v = parseNumber(node.Scalar())) {
      return v;
    }
    ctx.error(node, std::string(field) + " must be a number, got \"" + node.Scalar() + "\"");
    return std::nullopt;
  }
  ctx.error(node, std::string(field) + " must be a number, got " + std::string(nodeKind(node)));
  return std::nullopt;
}

std::map<std::string, std::string> readStringMap(const YAML::Node& node, std::string_view field,
                                                 LoadContext& ctx) {
  std::map<std::string, std::string> out;
  if (!node.IsMap()) {
    ctx.error(node, std::string(field) + " must be a mapping of names to strings");
    return out;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    auto key = readString(it->first, std::string(field) + " key", ctx);
    auto value = readString(it->second, std::string(field) + "." + (key ? *key : "?"), ctx);
    if (key && value) {
      out[*key] = *value;
    }
  }
  return out;
}

std::shared_ptr<const promql::Expr> readExpr(const YAML::Node& node, std::string_view field,
                                             bool localOnly, LoadContext& ctx) {
  auto text = readString(node, field, ctx);
  if (!text) {
    return nullptr;
  }
  promql::ParseOptions options;
  options.allowOutsideSubset = !localOnly;
  promql::ParseResult parsed = promql::parse(*text, options);
  if (!parsed.ok()) {
    const promql::ParseError& e = parsed.error();
    ctx.error(errorPosition(node, *text, e.line, e.column, ctx),
              std::string(field) + ": " + e.message);
    return nullptr;
  }
  const promql::ValueType type = parsed.expr().type();
  if (type != promql::ValueType::kVector && type != promql::ValueType::kScalar) {
    ctx.error(node, std::string(field) + " must give an instant vector or a scalar, got " +
                        std::string(typeName(type)));
    return nullptr;
  }
  return std::shared_ptr<const promql::Expr>(parsed.release());
}

}  // namespace nova::rules::detail
