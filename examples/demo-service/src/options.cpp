#include "options.h"

#include <CLI/CLI.hpp>
#include <charconv>
#include <fstream>
#include <iostream>
#include <sstream>

namespace nova::demo {
namespace {

// "HOST:PORT" with a numeric port; the host may be an IPv4 or a bracketed IPv6 address.
bool splitListen(const std::string& text, ServiceConfig& config) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return false;
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  const char* first = text.data() + colon + 1;
  const char* last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(first, last, port);
  if (ec != std::errc() || end != last || first == last || port > 65535) {
    return false;
  }
  config.host = std::move(host);
  config.port = static_cast<std::uint16_t>(port);
  return true;
}

std::optional<std::string> readToken(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return std::nullopt;
  }
  std::stringstream content;
  content << in.rdbuf();
  std::string token = content.str();
  // Files usually end in a newline that is no part of the token.
  const auto end = token.find_last_not_of(" \t\r\n");
  token.erase(end == std::string::npos ? 0 : end + 1);
  if (token.empty()) {
    return std::nullopt;
  }
  return token;
}

}  // namespace

std::optional<int> parseCommandLine(int argc, char** argv, ServiceConfig& config) {
  CLI::App cli{"nova-demo-service: a stand-in for Nova's user-service, with fault injection"};
  std::string listen = config.host + ":" + std::to_string(config.port);
  std::string tokenFile;
  std::string faultsJson;
  FaultPatch& faults = config.faults;
  cli.add_option("--listen", listen, "HOST:PORT to listen on; port 0 picks a free one")
      ->capture_default_str();
  cli.add_option("--threads", config.threads, "I/O threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cli.add_option("--version", config.version, "Version shown in responses and nova_build_info")
      ->capture_default_str();
  cli.add_option("--color", config.color, "Deployment color shown likewise")->capture_default_str();
  auto* token = cli.add_option("--token", config.token, "Bearer token the /api routes require");
  cli.add_option("--token-file", tokenFile, "File holding the bearer token")->excludes(token);
  cli.add_option("--extra-series", config.extraSeries, "Synthetic series added to /metrics");
  cli.add_option("--ws-simulated", config.wsSimulated,
                 "Simulated WebSocket clients counted in the connections gauge");
  cli.add_option("--seed-streams", config.seedStreams, "Streams created at start-up");
  double errorRatio = 0;
  std::int64_t addedLatencyMs = 0;
  std::int64_t dbLatencyMs = 0;
  auto* errorOpt =
      cli.add_option("--error-ratio", errorRatio, "Fault: share of /api requests answering 500")
          ->check(CLI::Range(0.0, 1.0));
  auto* latencyOpt = cli.add_option("--added-latency-ms", addedLatencyMs,
                                    "Fault: delay on /api and /health answers")
                         ->check(CLI::Range(0, 60000));
  auto* dbOpt = cli.add_option("--db-latency-ms", dbLatencyMs, "Fault: simulated DB latency")
                    ->check(CLI::Range(0, 60000));
  auto* healthOpt = cli.add_flag("--health-down")->description("Fault: /health answers 503");
  auto* metricsOpt = cli.add_flag("--metrics-down")->description("Fault: /metrics answers 503");
  auto* lossOpt =
      cli.add_flag("--data-loss")->description("Fault: stream writes are lost and counted");
  cli.add_option("--faults", faultsJson, "Faults as the JSON POST /admin/faults takes");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  if (errorOpt->count() > 0) {
    faults.errorRatio = errorRatio;
  }
  if (latencyOpt->count() > 0) {
    faults.addedLatencyMs = addedLatencyMs;
  }
  if (dbOpt->count() > 0) {
    faults.dbLatencyMs = dbLatencyMs;
  }
  if (healthOpt->count() > 0) {
    faults.healthDown = true;
  }
  if (metricsOpt->count() > 0) {
    faults.metricsDown = true;
  }
  if (lossOpt->count() > 0) {
    faults.dataLoss = true;
  }
  if (!splitListen(listen, config)) {
    std::cerr << "--listen: expected HOST:PORT, got \"" << listen << "\"\n";
    return 2;
  }
  if (!tokenFile.empty()) {
    auto read = readToken(tokenFile);
    if (!read) {
      std::cerr << "--token-file: cannot read a token from " << tokenFile << "\n";
      return 2;
    }
    config.token = std::move(*read);
  }
  if (!faultsJson.empty()) {
    Result<FaultPatch> patch = parseFaultPatch(faultsJson);
    if (!patch) {
      std::cerr << "--faults: " << patch.error().message << "\n";
      return 2;
    }
    // The JSON overrides the single-fault flags field by field.
    const FaultPatch& p = *patch;
    faults.errorRatio = p.errorRatio ? p.errorRatio : faults.errorRatio;
    faults.addedLatencyMs = p.addedLatencyMs ? p.addedLatencyMs : faults.addedLatencyMs;
    faults.healthDown = p.healthDown ? p.healthDown : faults.healthDown;
    faults.wsDropRatio = p.wsDropRatio ? p.wsDropRatio : faults.wsDropRatio;
    faults.metricsDown = p.metricsDown ? p.metricsDown : faults.metricsDown;
    faults.dataLoss = p.dataLoss ? p.dataLoss : faults.dataLoss;
    faults.dbLatencyMs = p.dbLatencyMs ? p.dbLatencyMs : faults.dbLatencyMs;
  }
  return std::nullopt;
}

}  // namespace nova::demo
