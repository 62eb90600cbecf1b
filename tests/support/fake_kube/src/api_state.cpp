#include <yaml-cpp/yaml.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <exception>

#include "api.h"

namespace nova::fake_kube::detail {

namespace json = boost::json;

namespace {

// Plain YAML scalars are typed like YAML 1.2 core; quoted ones stay strings.
json::value scalarToJson(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") {
    return json::string(text);
  }
  if (text == "true" || text == "false") {
    return text == "true";
  }
  if (text == "null" || text == "~" || text.empty()) {
    return nullptr;
  }
  json::error_code ec;
  json::value number = json::parse(text, ec);
  if (!ec && number.is_number()) {
    return number;
  }
  return json::string(text);
}

json::value yamlToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json::object out;
      for (const auto& entry : node) {
        out[entry.first.as<std::string>()] = yamlToJson(entry.second);
      }
      return out;
    }
    case YAML::NodeType::Sequence: {
      json::array out;
      for (const auto& item : node) {
        out.push_back(yamlToJson(item));
      }
      return out;
    }
    case YAML::NodeType::Scalar:
      return scalarToJson(node);
    default:
      return nullptr;
  }
}

std::string stringField(const json::object& object, const char* key) {
  const auto* v = object.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
}

}  // namespace

std::string Api::store(json::value object, const std::string& createdAt) {
  auto& top = object.as_object();
  const ResourceType* type = typeByKind(stringField(top, "apiVersion"), stringField(top, "kind"));
  auto& metaValue = top["metadata"];
  if (!metaValue.is_object()) {
    metaValue = json::object();
  }
  auto& meta = metaValue.as_object();
  const std::string resource = type != nullptr ? type->resource : stringField(top, "kind") + "s";
  if (stringField(meta, "namespace").empty() && (type == nullptr || type->namespaced)) {
    meta["namespace"] = "default";
  }
  const std::string name = stringField(meta, "name");
  meta["uid"] = "00000000-0000-4000-8000-" + std::to_string(100000000000 + version_);
  meta["creationTimestamp"] = createdAt;
  meta["generation"] = 1;
  meta["resourceVersion"] = bumpVersion();
  std::string stored = key(resource, stringField(meta, "namespace"), name);
  const bool replaces = objects_.count(stored) > 0;
  objects_[stored] = Stored{std::move(object)};
  recordEvent(replaces ? "MODIFIED" : "ADDED", objects_[stored].object);
  return stored;
}

Status Api::seed(std::string_view text) {
  std::vector<json::value> documents;
  std::size_t first = text.find_first_not_of(" \t\r\n");
  try {
    if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
      documents.push_back(json::parse(text));
    } else {
      for (const auto& doc : YAML::LoadAll(std::string(text))) {
        if (doc.IsMap()) {
          documents.push_back(yamlToJson(doc));
        }
      }
    }
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInvalidInput, std::string("seed: ") + e.what());
  }
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < documents.size(); ++i) {
    auto* object = documents[i].if_object();
    if (object == nullptr) {
      return Error(ErrorCode::kInvalidInput,
                   "seed: document " + std::to_string(i + 1) + " is not an object");
    }
    if (auto* items = object->if_contains("items"); items != nullptr && items->is_array()) {
      for (auto& item : items->get_array()) {
        documents.push_back(item);
      }
      continue;
    }
    if (stringField(*object, "kind").empty() || !object->contains("metadata")) {
      return Error(ErrorCode::kInvalidInput,
                   "seed: document " + std::to_string(i + 1) + " has no kind or metadata");
    }
    // A seeded object may say when it was created (a pod Pending for ten minutes); the
    // server stamps objects created through the API itself.
    const auto* meta = object->at("metadata").if_object();
    const std::string created = meta != nullptr ? stringField(*meta, "creationTimestamp") : "";
    store(documents[i], created.empty() ? kSeedTime : created);
  }
  return {};
}

std::optional<json::value> Api::object(std::string_view resource, std::string_view ns,
                                       std::string_view name) {
  std::lock_guard lock(mutex_);
  settle();
  auto it = objects_.find(key(resource, ns, name));
  if (it == objects_.end()) {
    return std::nullopt;
  }
  return it->second.object;
}

void Api::setTokens(std::vector<std::string> tokens) {
  std::lock_guard lock(mutex_);
  options_.tokens = std::move(tokens);
}

void Api::forbid(std::string verb, std::string resource) {
  std::lock_guard lock(mutex_);
  forbidden_.emplace_back(std::move(verb), std::move(resource));
}

void Api::inject(Fault fault) {
  std::lock_guard lock(mutex_);
  faults_.push_back(std::move(fault));
}

void Api::clearFaults() {
  std::lock_guard lock(mutex_);
  faults_.clear();
}

void Api::setReadyDelay(DurationMs delay) {
  std::lock_guard lock(mutex_);
  options_.readyDelay = delay;
}

void Api::setRolloutsStalled(bool stalled) {
  std::lock_guard lock(mutex_);
  rolloutsStalled_ = stalled;
}

std::vector<RecordedRequest> Api::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void Api::clearRequests() {
  std::lock_guard lock(mutex_);
  requests_.clear();
  arrivals_.clear();
}

bool Api::awaitCount(const std::vector<RecordedRequest>& list, std::size_t count,
                     std::string_view method, std::string_view pathContains,
                     DurationMs realTimeout) const {
  auto matching = [&] {
    std::size_t n = 0;
    for (const auto& r : list) {
      n += (method.empty() || r.method == method) && r.path.find(pathContains) != std::string::npos;
    }
    return n;
  };
  std::unique_lock lock(mutex_);
  // Real time on purpose: this bounds how long a broken test hangs, it times nothing served.
  return changed_.wait_for(lock, std::chrono::milliseconds(realTimeout),
                           [&] { return matching() >= count; });
}

std::size_t Api::arrivalCount() const {
  std::lock_guard lock(mutex_);
  return arrivals_.size();
}

bool Api::awaitArrivals(std::size_t count, std::string_view method, std::string_view pathContains,
                        DurationMs realTimeout) const {
  return awaitCount(arrivals_, count, method, pathContains, realTimeout);
}

bool Api::awaitAnswers(std::size_t count, std::string_view method, std::string_view pathContains,
                       DurationMs realTimeout) const {
  return awaitCount(requests_, count, method, pathContains, realTimeout);
}

int Api::writes(std::string_view pathPart) const {
  std::lock_guard lock(mutex_);
  int count = 0;
  for (const auto& r : requests_) {
    const bool write =
        r.method == "PATCH" || r.method == "PUT" || r.method == "POST" || r.method == "DELETE";
    if (write && r.status >= 200 && r.status < 300 && r.path.find(pathPart) != std::string::npos) {
      ++count;
    }
  }
  return count;
}

}  // namespace nova::fake_kube::detail
