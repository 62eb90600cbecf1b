#include <yaml-cpp/yaml.h>

#include <exception>
#include <map>
#include <vector>

#include "file_limits.h"
#include "nova/core/files.h"
#include "nova/http/encoding.h"
#include "nova/kube/config.h"

namespace nova::kube {

namespace {

// Named entries of all files merged, the first definition of a name winning (as kubectl).
struct Merged {
  std::map<std::string, YAML::Node> clusters;
  std::map<std::string, YAML::Node> users;
  std::map<std::string, YAML::Node> contexts;
  std::string currentContext;
  std::string baseDir;  // of the file that set current-context
};

void mergeNamed(const YAML::Node& list, const char* inner,
                std::map<std::string, YAML::Node>& into) {
  if (!list || !list.IsSequence()) {
    return;
  }
  for (const auto& entry : list) {
    if (entry["name"] && entry[inner]) {
      into.emplace(entry["name"].as<std::string>(), entry[inner]);
    }
  }
}

void mergeDocument(const YAML::Node& root, std::string_view baseDir, Merged& merged) {
  mergeNamed(root["clusters"], "cluster", merged.clusters);
  mergeNamed(root["users"], "user", merged.users);
  mergeNamed(root["contexts"], "context", merged.contexts);
  if (merged.currentContext.empty() && root["current-context"]) {
    merged.currentContext = root["current-context"].as<std::string>();
    merged.baseDir = std::string(baseDir);
  }
}

std::string text(const YAML::Node& node, const char* key) {
  return node[key] ? node[key].as<std::string>() : std::string();
}

std::string resolvePath(const std::string& path, std::string_view baseDir) {
  if (path.empty() || path.front() == '/' || baseDir.empty()) {
    return path;
  }
  return std::string(baseDir) + "/" + path;
}

// `<key>-data` (base64 PEM) wins over `<key>` (a path); writes whichever is present.
Status pemOrPath(const YAML::Node& node, const std::string& key, std::string_view baseDir,
                 const std::string& where, std::string& pem, std::string& path) {
  if (std::string data = text(node, (key + "-data").c_str()); !data.empty()) {
    auto decoded = http::decodeBase64(data);
    if (!decoded) {
      return Error(ErrorCode::kInvalidInput, where + ": " + key + "-data is not valid base64");
    }
    pem = std::move(*decoded);
    return {};
  }
  path = resolvePath(text(node, key.c_str()), baseDir);
  return {};
}

Result<ClusterConfig> resolve(const Merged& merged, std::string_view context,
                              std::string_view origin) {
  const std::string where(origin);
  std::string name = context.empty() ? merged.currentContext : std::string(context);
  if (name.empty()) {
    return Error(ErrorCode::kInvalidInput, where + ": no current-context and no context given");
  }
  auto ctx = merged.contexts.find(name);
  if (ctx == merged.contexts.end()) {
    return Error(ErrorCode::kNotFound, where + ": context \"" + name + "\" not found");
  }
  const std::string clusterName = text(ctx->second, "cluster");
  const std::string userName = text(ctx->second, "user");
  auto cluster = merged.clusters.find(clusterName);
  if (cluster == merged.clusters.end()) {
    return Error(ErrorCode::kInvalidInput, where + ": context \"" + name + "\" names cluster \"" +
                                               clusterName + "\", which is not defined");
  }
  ClusterConfig config;
  config.origin = where + " context " + name;
  config.server = text(cluster->second, "server");
  while (!config.server.empty() && config.server.back() == '/') {
    config.server.pop_back();
  }
  if (config.server.empty()) {
    return Error(ErrorCode::kInvalidInput,
                 where + ": cluster \"" + clusterName + "\" has no server");
  }
  if (std::string ns = text(ctx->second, "namespace"); !ns.empty()) {
    config.defaultNamespace = ns;
  }
  config.insecureSkipTlsVerify = cluster->second["insecure-skip-tls-verify"] &&
                                 cluster->second["insecure-skip-tls-verify"].as<bool>();
  const std::string clusterWhere = where + ": cluster \"" + clusterName + "\"";
  if (Status s = pemOrPath(cluster->second, "certificate-authority", merged.baseDir, clusterWhere,
                           config.caPem, config.caFile);
      !s) {
    return s.error();
  }
  if (userName.empty()) {
    return config;
  }
  auto user = merged.users.find(userName);
  if (user == merged.users.end()) {
    return Error(ErrorCode::kInvalidInput, where + ": context \"" + name + "\" names user \"" +
                                               userName + "\", which is not defined");
  }
  const YAML::Node& u = user->second;
  const std::string userWhere = where + ": user \"" + userName + "\"";
  for (const char* unsupported : {"exec", "auth-provider", "username", "password"}) {
    if (u[unsupported]) {
      return Error(ErrorCode::kInvalidInput,
                   userWhere + " uses \"" + unsupported +
                       "\", which is not supported; use a token, tokenFile or client certificate");
    }
  }
  config.token = text(u, "token");
  if (config.token.empty()) {
    config.tokenFile = resolvePath(text(u, "tokenFile"), merged.baseDir);
  }
  if (Status s = pemOrPath(u, "client-certificate", merged.baseDir, userWhere, config.clientCertPem,
                           config.clientCertFile);
      !s) {
    return s.error();
  }
  if (Status s = pemOrPath(u, "client-key", merged.baseDir, userWhere, config.clientKeyPem,
                           config.clientKeyFile);
      !s) {
    return s.error();
  }
  return config;
}

std::string dirOf(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

Result<ClusterConfig> parseKubeconfig(std::string_view text, std::string_view context,
                                      std::string_view origin, std::string_view baseDir) {
  try {
    Merged merged;
    mergeDocument(YAML::Load(std::string(text)), baseDir, merged);
    return resolve(merged, context, origin);
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInvalidInput, std::string(origin) + ": " + e.what());
  }
}

Result<ClusterConfig> loadKubeconfig(std::string_view paths, std::string_view context,
                                     const EnvLookup& env) {
  std::string list(paths);
  if (list.empty()) {
    if (auto fromEnv = env("KUBECONFIG"); fromEnv && !fromEnv->empty()) {
      list = *fromEnv;
    } else if (auto home = env("HOME"); home) {
      list = *home + "/.kube/config";
    } else {
      return Error(ErrorCode::kNotFound, "kubeconfig: neither KUBECONFIG nor HOME is set");
    }
  }
  Merged merged;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t colon = list.find(':', start);
    std::string path = list.substr(start, colon == std::string::npos ? colon : colon - start);
    start = colon == std::string::npos ? list.size() + 1 : colon + 1;
    if (path.empty()) {
      continue;
    }
    auto content = readFile(path, detail::kMaxKubeconfigBytes);
    if (!content.ok()) {
      return content.error().prefixed("kubeconfig: ");
    }
    try {
      mergeDocument(YAML::Load(*content), dirOf(path), merged);
    } catch (const std::exception& e) {
      return Error(ErrorCode::kInvalidInput, "kubeconfig " + path + ": " + e.what());
    }
  }
  try {
    return resolve(merged, context, "kubeconfig " + list);
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInvalidInput, "kubeconfig " + list + ": " + e.what());
  }
}

}  // namespace nova::kube
