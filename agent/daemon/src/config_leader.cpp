// The `leader_election:` section: the Lease several agents of one green share.
#include <array>

#include "config_fields.h"
#include "nova/http/url.h"
#include "nova/kube/leader_election.h"

namespace nova::daemon::detail {
namespace {

constexpr std::array<std::string_view, 11> kLeaderKeys{
    "enabled",      "namespace", "name",       "identity", "lease_duration", "renew_deadline",
    "retry_period", "server",    "kubeconfig", "context",  "token_file",
};

}  // namespace

void readLeaderElection(const YAML::Node& root, AgentConfig& config, ConfigContext& ctx) {
  const YAML::Node node = root["leader_election"];
  const std::string base = "leader_election";
  if (!node || node.IsNull() || !checkKeys(node, kLeaderKeys, base, ctx)) {
    return;
  }
  if (node["enabled"] && !readBool(node["enabled"], base + ".enabled", ctx).value_or(true)) {
    return;
  }
  LeaderElectionConfig le;
  auto text = [&](const char* key, std::string& out) {
    if (node[key]) {
      out = readString(node[key], base + "." + key, ctx).value_or("");
    }
  };
  for (const char* key : {"namespace", "name"}) {
    if (!node[key]) {
      ctx.error(node, base + "." + key, base + "." + key + ": missing");
    }
  }
  text("namespace", le.ns);
  text("name", le.name);
  text("identity", le.identity);
  text("server", le.server);
  text("context", le.context);
  text("kubeconfig", le.kubeconfig);
  text("token_file", le.tokenFile);
  if (!le.kubeconfig.empty()) {
    le.kubeconfig = resolvePath(le.kubeconfig, ctx);
  }
  if (!le.tokenFile.empty()) {
    le.tokenFile = resolvePath(le.tokenFile, ctx);
  }
  if (node["server"]) {
    if (auto url = http::Url::parse(le.server); !url) {
      ctx.error(node["server"], base + ".server",
                base + ".server: must be an http:// or https:// URL: " + url.error().message);
    }
  }
  for (auto [key, out] : {std::pair{"lease_duration", &le.leaseDuration},
                          {"renew_deadline", &le.renewDeadline},
                          {"retry_period", &le.retryPeriod}}) {
    if (node[key]) {
      *out = readDuration(node[key], base + "." + key, ctx).value_or(*out);
    }
  }
  if (le.leaseDuration % kSecond != 0) {
    ctx.error(node["lease_duration"], base + ".lease_duration",
              base + ".lease_duration: must be whole seconds (the Lease holds seconds)");
  }
  if (Status s = kube::checkTimings({le.leaseDuration, le.renewDeadline, le.retryPeriod}); !s) {
    ctx.error(node, base, base + ": " + s.error().message);
  }
  config.leaderElection = std::move(le);
}

}  // namespace nova::daemon::detail
