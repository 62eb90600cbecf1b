#include "json_patch.h"

#include <boost/json/parse.hpp>
#include <optional>
#include <vector>

namespace nova::fake_kube::detail {

namespace json = boost::json;

namespace {

// RFC 6901: "" is the whole document; otherwise '/'-separated tokens, "~1" -> "/" first,
// then "~0" -> "~".
std::optional<std::vector<std::string>> parsePointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) {
    return tokens;
  }
  if (pointer.front() != '/') {
    return std::nullopt;
  }
  pointer.remove_prefix(1);
  while (true) {
    auto slash = pointer.find('/');
    std::string_view raw = pointer.substr(0, slash);
    std::string token;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~') {
        if (i + 1 >= raw.size() || (raw[i + 1] != '0' && raw[i + 1] != '1')) {
          return std::nullopt;
        }
        token += raw[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        token += raw[i];
      }
    }
    tokens.push_back(std::move(token));
    if (slash == std::string_view::npos) {
      break;
    }
    pointer.remove_prefix(slash + 1);
  }
  return tokens;
}

// An array index: digits, no leading zero unless "0".
std::optional<std::size_t> parseIndex(const std::string& token) {
  if (token.empty() || token.size() > 9 || (token.size() > 1 && token[0] == '0')) {
    return std::nullopt;
  }
  std::size_t value = 0;
  for (char c : token) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  return value;
}

json::value* find(json::value& doc, const std::vector<std::string>& tokens, std::size_t count) {
  json::value* at = &doc;
  for (std::size_t i = 0; i < count; ++i) {
    if (auto* object = at->if_object()) {
      at = object->if_contains(tokens[i]);
    } else if (auto* array = at->if_array()) {
      auto index = parseIndex(tokens[i]);
      at = index && *index < array->size() ? &(*array)[*index] : nullptr;
    } else {
      at = nullptr;
    }
    if (at == nullptr) {
      return nullptr;
    }
  }
  return at;
}

bool addAt(json::value& doc, const std::vector<std::string>& tokens, json::value value) {
  if (tokens.empty()) {
    doc = std::move(value);
    return true;
  }
  json::value* parent = find(doc, tokens, tokens.size() - 1);
  if (parent == nullptr) {
    return false;
  }
  const std::string& last = tokens.back();
  if (auto* object = parent->if_object()) {
    (*object)[last] = std::move(value);
    return true;
  }
  if (auto* array = parent->if_array()) {
    if (last == "-") {
      array->push_back(std::move(value));
      return true;
    }
    auto index = parseIndex(last);
    if (!index || *index > array->size()) {
      return false;
    }
    array->insert(array->begin() + static_cast<std::ptrdiff_t>(*index), std::move(value));
    return true;
  }
  return false;
}

bool removeAt(json::value& doc, const std::vector<std::string>& tokens,
              json::value* removed = nullptr) {
  if (tokens.empty()) {
    return false;
  }
  json::value* parent = find(doc, tokens, tokens.size() - 1);
  if (parent == nullptr) {
    return false;
  }
  if (auto* object = parent->if_object()) {
    auto it = object->find(tokens.back());
    if (it == object->end()) {
      return false;
    }
    if (removed != nullptr) {
      *removed = it->value();
    }
    object->erase(it);
    return true;
  }
  if (auto* array = parent->if_array()) {
    auto index = parseIndex(tokens.back());
    if (!index || *index >= array->size()) {
      return false;
    }
    if (removed != nullptr) {
      *removed = (*array)[*index];
    }
    array->erase(array->begin() + static_cast<std::ptrdiff_t>(*index));
    return true;
  }
  return false;
}

std::string text(const json::object& op, const char* key) {
  const auto* field = op.if_contains(key);
  return field != nullptr && field->is_string() ? std::string(field->get_string()) : "";
}

// One operation on `doc`; "" on success, else why it failed.
std::string applyOne(json::value& doc, const json::object& op) {
  const std::string name = text(op, "op");
  auto path = parsePointer(text(op, "path"));
  if (!op.contains("path") || !path) {
    return "bad path in " + name;
  }
  const json::value* value = op.if_contains("value");
  if (name == "add" || name == "replace" || name == "test") {
    if (value == nullptr) {
      return name + ": missing value";
    }
  }
  if (name == "add") {
    return addAt(doc, *path, *value) ? "" : "add: parent of " + text(op, "path") + " missing";
  }
  if (name == "remove") {
    return removeAt(doc, *path) ? "" : "remove: " + text(op, "path") + " missing";
  }
  if (name == "replace") {
    json::value* target = find(doc, *path, path->size());
    if (target == nullptr) {
      return "replace: " + text(op, "path") + " missing";
    }
    *target = *value;
    return "";
  }
  if (name == "test") {
    json::value* target = find(doc, *path, path->size());
    if (target == nullptr || !jsonEqual(*target, *value)) {
      return "test: " + text(op, "path") + " does not hold the tested value";
    }
    return "";
  }
  if (name == "move" || name == "copy") {
    auto from = parsePointer(text(op, "from"));
    if (!op.contains("from") || !from) {
      return name + ": bad from";
    }
    json::value moved;
    if (name == "move") {
      const std::string f = text(op, "from"), p = text(op, "path");
      if (p.starts_with(f + "/")) {
        return "move: path inside from";
      }
      if (!removeAt(doc, *from, &moved)) {
        return "move: from missing";
      }
    } else {
      json::value* source = find(doc, *from, from->size());
      if (source == nullptr) {
        return "copy: from missing";
      }
      moved = *source;
    }
    return addAt(doc, *path, std::move(moved)) ? "" : name + ": parent of path missing";
  }
  return "unknown op \"" + name + "\"";
}

}  // namespace

bool jsonEqual(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) {
    return a.to_number<double>() == b.to_number<double>();
  }
  if (a.kind() != b.kind()) {
    return false;
  }
  if (a.is_object()) {
    const auto& x = a.get_object();
    const auto& y = b.get_object();
    if (x.size() != y.size()) {
      return false;
    }
    for (const auto& [key, value] : x) {
      const auto* other = y.if_contains(key);
      if (other == nullptr || !jsonEqual(value, *other)) {
        return false;
      }
    }
    return true;
  }
  if (a.is_array()) {
    const auto& x = a.get_array();
    const auto& y = b.get_array();
    if (x.size() != y.size()) {
      return false;
    }
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!jsonEqual(x[i], y[i])) {
        return false;
      }
    }
    return true;
  }
  return a == b;
}

PatchResult applyJsonPatch(json::value& doc, const std::string& body) {
  json::error_code ec;
  json::value patch = json::parse(body, ec);
  if (ec || !patch.is_array()) {
    return {PatchResult::Kind::kUndecodable, "patch is not a JSON array"};
  }
  for (const auto& op : patch.get_array()) {
    if (!op.is_object()) {
      return {PatchResult::Kind::kUndecodable, "operation is not an object"};
    }
  }
  json::value work = doc;  // all or nothing
  for (const auto& op : patch.get_array()) {
    if (std::string why = applyOne(work, op.get_object()); !why.empty()) {
      return {PatchResult::Kind::kFailed, why};
    }
  }
  doc = std::move(work);
  return {};
}

void applyMergePatch(json::value& doc, const json::value& patch) {
  if (!patch.is_object()) {
    doc = patch;
    return;
  }
  if (!doc.is_object()) {
    doc = json::object();
  }
  auto& target = doc.get_object();
  for (const auto& [key, value] : patch.get_object()) {
    if (value.is_null()) {
      target.erase(key);
    } else {
      applyMergePatch(target[key], value);
    }
  }
}

}  // namespace nova::fake_kube::detail
