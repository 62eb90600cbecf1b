#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "nova/core/time.h"
#include "nova/promql/ast.h"
#include "nova/rules/detail/context.h"

namespace nova::rules::detail {

/// The threshold operators as written, in the order messages list them.
inline constexpr std::array<std::string_view, 6> kThresholdOpNames{">",  ">=", "<",
                                                                   "<=", "==", "!="};

/// Reports every key of `map` not in `allowed`, with a did-you-mean hint; `what` names the
/// mapping in messages ("rule", "policy"). Returns false when `map` is not a mapping.
bool checkKeys(const YAML::Node& map, std::span<const std::string_view> allowed,
               std::string_view what, LoadContext& ctx);

/// `node` as a string scalar; reports and returns nullopt when it is not a scalar, or when
/// its text is not UTF-8 or holds a NUL (at the offending character's place).
std::optional<std::string> readString(const YAML::Node& node, std::string_view field,
                                      LoadContext& ctx);

/// `node` as a Prometheus duration ("5m", "1h30m").
std::optional<DurationMs> readDuration(const YAML::Node& node, std::string_view field,
                                       LoadContext& ctx);

/// Parses a whole number text as a double (decimal, exponent, Inf, NaN; no trailing text).
std::optional<double> parseNumber(std::string_view text);

/// `node` as a number.
std::optional<double> readNumber(const YAML::Node& node, std::string_view field, LoadContext& ctx);

/// `node` as a mapping of string to string (labels, annotations).
std::map<std::string, std::string> readStringMap(const YAML::Node& node, std::string_view field,
                                                 LoadContext& ctx);

/// Parses `node`'s scalar as PromQL; a syntax or type error is reported at its place in the
/// file. `localOnly` refuses what the local engine does not support.
std::shared_ptr<const promql::Expr> readExpr(const YAML::Node& node, std::string_view field,
                                             bool localOnly, LoadContext& ctx);

/// The message for the rule past kMaxRulesPerFile.
std::string tooManyRules();

/// "unknown <what> \"x\" (expected a, b, c); did you mean b?"
std::string unknownNameMessage(std::string_view what, std::string_view value,
                               std::span<const std::string_view> candidates);

}  // namespace nova::rules::detail
