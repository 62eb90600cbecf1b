// The agent config's `sources:` (Prometheus-compatible query APIs for remote rules) and
// `remote_queries:` (the bounds of a remote round).
#include <array>

#include "config_fields.h"
#include "nova/http/url.h"

namespace nova::daemon::detail {
namespace {

constexpr std::array<std::string_view, 10> kSourceKeys{
    "url",     "timeout", "bearer_token",   "basic_auth",       "ca_file",
    "headers", "tenant",  "lookback_delta", "partial_response", "insecure_skip_verify"};
constexpr std::array<std::string_view, 2> kBasicAuthKeys{"username", "password"};
constexpr std::array<std::string_view, 2> kRemoteKeys{"max_concurrent", "max_age"};

// A credential must come from a file or the environment, so it is never in the config.
std::optional<std::string> readSecret(const YAML::Node& node, const std::string& path,
                                      AgentConfig& config, ConfigContext& ctx) {
  if (!node.IsMap()) {
    ctx.error(node, path, path + ": must be a secret, {file: path} or {env: NAME}");
    return std::nullopt;
  }
  return readValueOrSecret(node, path, ctx, config.secretPaths);
}

void readAuth(const YAML::Node& node, const std::string& path, remote::SourceConfig& source,
              AgentConfig& config, ConfigContext& ctx) {
  if (node["bearer_token"] && node["basic_auth"]) {
    ctx.error(node, path, path + ": give bearer_token or basic_auth, not both");
  }
  if (node["bearer_token"]) {
    source.bearerToken = notify::Secret(
        readSecret(node["bearer_token"], path + ".bearer_token", config, ctx).value_or(""));
  }
  if (const YAML::Node basic = node["basic_auth"];
      basic && checkKeys(basic, kBasicAuthKeys, path + ".basic_auth", ctx)) {
    if (!basic["username"] || !basic["password"]) {
      ctx.error(basic, path + ".basic_auth", path + ".basic_auth: needs username and password");
      return;
    }
    source.basicUser =
        readString(basic["username"], path + ".basic_auth.username", ctx).value_or("");
    source.basicPassword = notify::Secret(
        readSecret(basic["password"], path + ".basic_auth.password", config, ctx).value_or(""));
  }
}

std::optional<remote::SourceConfig> readSource(const std::string& name, const YAML::Node& node,
                                               AgentConfig& config, ConfigContext& ctx) {
  const std::string path = "sources." + name;
  if (!checkKeys(node, kSourceKeys, path, ctx)) {
    return std::nullopt;
  }
  remote::SourceConfig source;
  source.name = name;
  if (!node["url"]) {
    ctx.error(node, path, path + ".url: missing");
  } else if (auto url = readString(node["url"], path + ".url", ctx)) {
    if (auto parsed = http::Url::parse(*url); !parsed) {
      ctx.error(node["url"], path + ".url",
                path + ".url: must be an http:// or https:// URL: " + parsed.error().message);
    }
    source.url = *url;
  }
  if (node["timeout"]) {
    source.timeout = readDuration(node["timeout"], path + ".timeout", ctx).value_or(source.timeout);
  }
  readAuth(node, path, source, config, ctx);
  if (node["ca_file"]) {
    source.caFile =
        resolvePath(readString(node["ca_file"], path + ".ca_file", ctx).value_or(""), ctx);
  }
  if (node["insecure_skip_verify"]) {
    source.insecureSkipVerify =
        readBool(node["insecure_skip_verify"], path + ".insecure_skip_verify", ctx).value_or(false);
  }
  if (const YAML::Node headers = node["headers"]) {
    if (!headers.IsMap()) {
      ctx.error(headers, path + ".headers", path + ".headers: must be a map of name: value");
    } else {
      for (const auto& entry : headers) {
        const std::string key = entry.first.as<std::string>();
        if (auto value = readString(entry.second, path + ".headers." + key, ctx)) {
          source.headers.emplace_back(key, *value);
        }
      }
    }
  }
  if (node["tenant"]) {
    source.tenant = readString(node["tenant"], path + ".tenant", ctx).value_or("");
  }
  if (node["lookback_delta"]) {
    source.lookbackDelta = readDuration(node["lookback_delta"], path + ".lookback_delta", ctx);
  }
  if (node["partial_response"]) {
    source.partialResponse = readBool(node["partial_response"], path + ".partial_response", ctx);
  }
  return source;
}

}  // namespace

void readSources(const YAML::Node& root, AgentConfig& config, ConfigContext& ctx) {
  if (const YAML::Node sources = root["sources"]) {
    if (!sources.IsMap()) {
      ctx.error(sources, "sources", "sources: must be a map of name: {url: ...}");
    } else {
      for (const auto& entry : sources) {
        const std::string name = entry.first.as<std::string>();
        if (name == "scrape") {
          ctx.error(entry.first, "sources", "sources: \"scrape\" names the agent's own scrapes");
          continue;
        }
        if (auto source = readSource(name, entry.second, config, ctx)) {
          config.sources.push_back(std::move(*source));
        }
      }
    }
  }
  if (const YAML::Node remote = root["remote_queries"];
      remote && checkKeys(remote, kRemoteKeys, "remote_queries", ctx)) {
    if (remote["max_concurrent"]) {
      config.remoteConcurrency = static_cast<std::size_t>(
          readInteger(remote["max_concurrent"], "remote_queries.max_concurrent", ctx, 1, 256)
              .value_or(8));
    }
    if (remote["max_age"]) {
      config.remoteMaxAge = readDuration(remote["max_age"], "remote_queries.max_age", ctx)
                                .value_or(config.remoteMaxAge);
    }
  }
}

}  // namespace nova::daemon::detail
