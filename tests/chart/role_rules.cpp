#include "role_rules.h"

#include <boost/json/parse.hpp>
#include <map>
#include <optional>
#include <sstream>

#include "nova/core/files.h"

namespace nova::chart_test {

namespace {

namespace json = boost::json;

// One request as RBAC sees it; name is "" for a collection.
struct Access {
  std::string verb, group, resource, ns, name;
};

// specs/kubernetes-discovery-lease.md §6; nullopt for a path that is not a resource.
std::optional<Access> accessOf(const fake_kube::RecordedRequest& r) {
  std::vector<std::string> parts;
  std::stringstream in(r.path.substr(0, r.path.find('?')));
  for (std::string part; std::getline(in, part, '/');) {
    if (!part.empty()) {
      parts.push_back(part);
    }
  }
  Access a;
  std::size_t i = 0;
  if (parts.size() > 2 && parts[0] == "apis") {
    a.group = parts[1];
    i = 3;
  } else if (parts.size() > 1 && parts[0] == "api") {
    i = 2;
  } else {
    return std::nullopt;
  }
  if (i + 2 == parts.size() && parts[i] == "namespaces") {
    // A Namespace object: RBAC takes its name as the request's namespace too, so a Role
    // in that namespace can grant get on it (the API server's RequestInfo).
    a.resource = "namespaces";
    a.ns = a.name = parts[i + 1];
    a.verb = r.method == "GET" ? "get" : r.method;
    return a;
  }
  if (i + 1 < parts.size() && parts[i] == "namespaces") {
    a.ns = parts[i + 1];
    i += 2;
  }
  if (i >= parts.size()) {
    return std::nullopt;
  }
  a.resource = parts[i];
  if (i + 1 < parts.size()) {
    a.name = parts[i + 1];
  }
  if (i + 2 < parts.size()) {
    a.resource += "/" + parts[i + 2];
  }
  std::string query = "&" + r.query + "&";
  if (const auto mark = r.path.find('?'); mark != std::string::npos) {
    query += r.path.substr(mark + 1) + "&";
  }
  const bool watch = query.find("&watch=1&") != std::string::npos ||
                     query.find("&watch=true&") != std::string::npos;
  static const std::map<std::string, std::string> kVerbs{
      {"POST", "create"}, {"PUT", "update"}, {"PATCH", "patch"}, {"DELETE", "delete"}};
  if (r.method == "GET") {
    a.verb = watch ? "watch" : a.name.empty() ? "list" : "get";
  } else {
    auto verb = kVerbs.find(r.method);
    a.verb = verb == kVerbs.end() ? r.method : verb->second;
  }
  return a;
}

std::string key(const std::string& verb, const std::string& group, const std::string& resource,
                const std::string& ns, const std::string& name) {
  return verb + " " + (group.empty() ? "core" : group) + " " + resource + " " + ns + "/" + name;
}

std::vector<std::string> strings(const json::object& rule, const char* field) {
  std::vector<std::string> out;
  if (const json::value* list = rule.if_contains(field)) {
    for (const auto& v : list->as_array()) {
      out.emplace_back(v.as_string());
    }
  }
  return out;
}

// Every grant of the Roles as a key; name "" where a rule names no resourceNames (any name).
std::set<std::string> grantsOf(const std::vector<json::value>& roles) {
  std::set<std::string> out;
  for (const auto& role : roles) {
    // A ClusterRole has no namespace: its grants here are for cluster-scoped resources.
    const json::value* meta = role.at("metadata").as_object().if_contains("namespace");
    const std::string ns = meta != nullptr ? std::string(meta->as_string()) : "";
    for (const auto& r : role.at("rules").as_array()) {
      const json::object& rule = r.as_object();
      std::vector<std::string> names = strings(rule, "resourceNames");
      if (names.empty()) {
        names.emplace_back();
      }
      for (const auto& verb : strings(rule, "verbs")) {
        for (const auto& group : strings(rule, "apiGroups")) {
          for (const auto& resource : strings(rule, "resources")) {
            for (const auto& name : names) {
              out.insert(key(verb, group, resource, ns, name));
            }
          }
        }
      }
    }
  }
  return out;
}

}  // namespace

Result<std::vector<json::value>> readRoles(const std::vector<std::string>& paths) {
  std::vector<json::value> roles;
  for (const auto& path : paths) {
    auto text = readFile(path, 1 << 20);
    if (!text.ok()) {
      return text.error();
    }
    boost::system::error_code ec;
    json::value role = json::parse(*text, ec);
    if (ec) {
      return Error(ErrorCode::kInvalidInput, path + ": " + ec.message());
    }
    roles.push_back(std::move(role));
  }
  return roles;
}

RoleVerdict checkRoles(const std::vector<fake_kube::RecordedRequest>& requests,
                       const std::vector<boost::json::value>& roles) {
  RoleVerdict verdict;
  const std::set<std::string> granted = grantsOf(roles);
  verdict.grants = granted.size();
  std::set<std::string> used;
  for (const auto& r : requests) {
    auto a = accessOf(r);
    if (!a) {
      verdict.problem = r.method + " " + r.path + " is not a resource";
      return verdict;
    }
    const std::string named = key(a->verb, a->group, a->resource, a->ns, a->name);
    const std::string any = key(a->verb, a->group, a->resource, a->ns, "");
    if (granted.contains(named)) {
      used.insert(named);
    } else if (granted.contains(any)) {
      used.insert(any);
    } else {
      verdict.problem = "the Roles do not allow \"" + named + "\" (" + r.method + " " + r.path +
                        "), which was sent";
      return verdict;
    }
    ++verdict.requests;
  }
  for (const auto& g : granted) {
    if (!used.contains(g)) {
      verdict.problem = "the Roles grant \"" + g + "\", which was never used";
      return verdict;
    }
  }
  return verdict;
}

}  // namespace nova::chart_test
