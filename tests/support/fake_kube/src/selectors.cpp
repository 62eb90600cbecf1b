#include "selectors.h"

#include <algorithm>
#include <cctype>

namespace nova::fake_kube::detail {

namespace json = boost::json;

namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

// Splits on commas outside parentheses: "a in (x,y),b" -> "a in (x,y)", "b".
std::vector<std::string_view> splitRequirements(std::string_view text) {
  std::vector<std::string_view> parts;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    depth += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
    if (text[i] == ',' && depth == 0) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(text.substr(start));
  return parts;
}

bool validKey(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == '/';
  });
}

std::optional<LabelRequirement> setRequirement(std::string_view text) {
  // "key in (a, b)" / "key notin (a,b)"
  const auto open = text.find('(');
  if (open == std::string_view::npos || text.back() != ')') {
    return std::nullopt;
  }
  std::string_view head = trimmed(text.substr(0, open));
  const auto space = head.find_last_of(" \t");
  if (space == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view word = head.substr(space + 1);
  LabelRequirement r;
  r.key = std::string(trimmed(head.substr(0, space)));
  if (word == "in") {
    r.op = LabelRequirement::Op::kIn;
  } else if (word == "notin") {
    r.op = LabelRequirement::Op::kNotIn;
  } else {
    return std::nullopt;
  }
  std::string_view inside = text.substr(open + 1, text.size() - open - 2);
  for (std::string_view v : splitRequirements(inside)) {
    r.values.emplace_back(trimmed(v));
  }
  return validKey(r.key) ? std::optional(r) : std::nullopt;
}

std::optional<LabelRequirement> oneRequirement(std::string_view text) {
  if (text.find('(') != std::string_view::npos) {
    return setRequirement(text);
  }
  LabelRequirement r;
  if (auto at = text.find("!="); at != std::string_view::npos) {
    r.op = LabelRequirement::Op::kNotEquals;
    r.key = std::string(trimmed(text.substr(0, at)));
    r.values = {std::string(trimmed(text.substr(at + 2)))};
  } else if (auto eq = text.find('='); eq != std::string_view::npos) {
    const std::size_t skip = text.substr(eq).starts_with("==") ? 2 : 1;
    r.op = LabelRequirement::Op::kEquals;
    r.key = std::string(trimmed(text.substr(0, eq)));
    r.values = {std::string(trimmed(text.substr(eq + skip)))};
  } else if (text.starts_with("!")) {
    r.op = LabelRequirement::Op::kNotExists;
    r.key = std::string(trimmed(text.substr(1)));
  } else {
    r.key = std::string(text);
  }
  return validKey(r.key) ? std::optional(r) : std::nullopt;
}

const json::object* labelsOf(const json::value& object) {
  const auto* meta = object.is_object() ? object.get_object().if_contains("metadata") : nullptr;
  const auto* labels =
      meta != nullptr && meta->is_object() ? meta->get_object().if_contains("labels") : nullptr;
  return labels != nullptr ? labels->if_object() : nullptr;
}

std::string metadataString(const json::value& object, const char* key) {
  const auto* meta = object.is_object() ? object.get_object().if_contains("metadata") : nullptr;
  const auto* v =
      meta != nullptr && meta->is_object() ? meta->get_object().if_contains(key) : nullptr;
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

std::string decodeComponent(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0 &&
               hexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

LabelSelector parseLabelSelector(std::string_view text) {
  std::vector<LabelRequirement> selector;
  if (trimmed(text).empty()) {
    return selector;
  }
  for (std::string_view part : splitRequirements(text)) {
    auto requirement = oneRequirement(trimmed(part));
    if (!requirement) {
      return "unable to parse requirement: \"" + std::string(trimmed(part)) + "\"";
    }
    selector.push_back(std::move(*requirement));
  }
  return selector;
}

bool matchesLabels(const std::vector<LabelRequirement>& selector, const json::value& object) {
  const json::object* labels = labelsOf(object);
  for (const auto& r : selector) {
    const json::value* v = labels != nullptr ? labels->if_contains(r.key) : nullptr;
    const bool present = v != nullptr && v->is_string();
    const std::string value = present ? std::string(v->get_string()) : "";
    const bool listed = std::find(r.values.begin(), r.values.end(), value) != r.values.end();
    using Op = LabelRequirement::Op;
    const bool ok = (r.op == Op::kExists && present) || (r.op == Op::kNotExists && !present) ||
                    (r.op == Op::kEquals && present && value == r.values.front()) ||
                    (r.op == Op::kNotEquals && (!present || value != r.values.front())) ||
                    (r.op == Op::kIn && present && listed) ||
                    (r.op == Op::kNotIn && (!present || !listed));
    if (!ok) {
      return false;
    }
  }
  return true;
}

FieldSelector parseFieldSelector(std::string_view text) {
  std::vector<FieldRequirement> selector;
  if (trimmed(text).empty()) {
    return selector;
  }
  for (std::string_view part : splitRequirements(text)) {
    part = trimmed(part);
    FieldRequirement r;
    std::size_t at = part.find("!=");
    std::size_t skip = 2;
    r.equals = at == std::string_view::npos;
    if (r.equals) {
      at = part.find('=');
      skip = part.substr(at == std::string_view::npos ? 0 : at).starts_with("==") ? 2 : 1;
    }
    if (at == std::string_view::npos) {
      return "invalid selector: '" + std::string(part) + "'; can't understand '" +
             std::string(part) + "'";
    }
    r.field = std::string(trimmed(part.substr(0, at)));
    r.value = std::string(trimmed(part.substr(at + skip)));
    if (r.field != "metadata.name" && r.field != "metadata.namespace") {
      return "field label not supported: " + r.field;
    }
    selector.push_back(std::move(r));
  }
  return selector;
}

bool matchesFields(const std::vector<FieldRequirement>& selector, const json::value& object) {
  for (const auto& r : selector) {
    const std::string actual =
        metadataString(object, r.field == "metadata.name" ? "name" : "namespace");
    if ((actual == r.value) != r.equals) {
      return false;
    }
  }
  return true;
}

std::map<std::string, std::string> parseQuery(std::string_view query) {
  std::map<std::string, std::string> params;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t amp = query.find('&', start);
    std::string_view pair = query.substr(start, amp == std::string_view::npos ? amp : amp - start);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      params[decodeComponent(pair.substr(0, eq))] =
          eq == std::string_view::npos ? "" : decodeComponent(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) {
      break;
    }
    start = amp + 1;
  }
  return params;
}

}  // namespace nova::fake_kube::detail
