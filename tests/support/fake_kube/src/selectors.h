#pragma once

#include <boost/json/value.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace nova::fake_kube::detail {

/// One requirement of a label selector, as the API server parses them (k8s labels.Parse):
/// `key`, `!key`, `key=v`, `key==v`, `key!=v`, `key in (a,b)`, `key notin (a,b)`.
struct LabelRequirement {
  enum class Op { kExists, kNotExists, kEquals, kNotEquals, kIn, kNotIn };
  std::string key;
  Op op = Op::kExists;
  std::vector<std::string> values;
};

/// A parsed selector (requirements ANDed), or why the text is not one.
using LabelSelector = std::variant<std::vector<LabelRequirement>, std::string>;
LabelSelector parseLabelSelector(std::string_view text);

/// True when the object's metadata.labels meet every requirement.
bool matchesLabels(const std::vector<LabelRequirement>& selector, const boost::json::value& object);

/// A field selector over the fields every type supports: metadata.name and
/// metadata.namespace with `=`, `==` or `!=`, comma-separated.
struct FieldRequirement {
  std::string field;
  bool equals = true;
  std::string value;
};
using FieldSelector = std::variant<std::vector<FieldRequirement>, std::string>;
FieldSelector parseFieldSelector(std::string_view text);
bool matchesFields(const std::vector<FieldRequirement>& selector, const boost::json::value& object);

/// The query string's parameters, percent-decoded ("+" is a space, as Go's url package
/// writes them).
std::map<std::string, std::string> parseQuery(std::string_view query);

}  // namespace nova::fake_kube::detail
