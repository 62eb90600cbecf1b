// nova-agent: watches green after the traffic switch and rolls back to blue when the rules
// and the escalation policy say so. Parses arguments and calls into nova::daemon.
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "nova/daemon/config.h"
#include "nova/daemon/daemon.h"

namespace {

// From the build (agent/cmd/CMakeLists.txt): the project version unless the build names one.
constexpr const char* kVersion = NOVA_VERSION;

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nova-agent: probe, scrape, evaluate, decide, act"};
  std::string configPath;
  std::vector<std::string> overrides;
  std::string logFormat;
  bool checkOnly = false;
  app.add_option("-c,--config", configPath, "agent configuration file (YAML)")->required();
  app.add_option("--set", overrides, "override a setting: key.path=value (repeatable)");
  app.add_option("--log-format", logFormat, "text or json (overrides log_format)")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("--check-config", checkOnly, "validate the configuration and rule files, then exit");
  app.set_version_flag("--version", std::string("nova-agent ") + kVersion);
  CLI11_PARSE(app, argc, argv);

  if (!logFormat.empty()) {
    overrides.push_back("log_format=" + logFormat);
  }
  auto config = nova::daemon::loadConfigFile(configPath, overrides);
  if (!config.ok()) {
    std::cerr << "invalid configuration:\n" << config.error().message << "\n";
    return 2;
  }
  nova::daemon::setupLogging(config->logFormat);
  if (checkOnly) {
    auto checked = nova::daemon::checkConfig(*config);
    if (!checked.ok()) {
      std::cerr << "invalid configuration:\n" << checked.error().message << "\n";
      return 2;
    }
    std::cout << *checked << "\n";
    return 0;
  }
  return nova::daemon::runDaemon(*config, kVersion);
}
