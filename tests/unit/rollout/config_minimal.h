#pragma once

#include <string_view>

namespace nova::rollout::test {

/// The smallest rollout.yaml that loads: every required section, nothing else.
constexpr std::string_view kMinimalConfig = R"(switch: {type: dry-run}
deploy:
  hook: {command: [helm, upgrade, --install, green, chart]}
smoke: {base_url: "http://green:8081"}
blue: {namespace: production, deployment: user-service-blue}
monitor: {agent_url: "http://agent:9464"}
)";

}  // namespace nova::rollout::test
