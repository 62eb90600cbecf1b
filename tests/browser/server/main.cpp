// dashboard_test_server: two nova-demo-service pods under steady load, scraped by a small
// agent that serves the dashboard. Prints one JSON line with its URL and the pods' URLs,
// then serves until SIGTERM or SIGINT.
//   dashboard_test_server --rules FILE --token T [--for RULE=DURATION]...

#include <signal.h>

#include <atomic>
#include <boost/json.hpp>
#include <iostream>
#include <thread>

#include "nova/core/clock.h"
#include "nova/core/files.h"
#include "nova/http/client.h"
#include "nova/rules/loader.h"
#include "service_process.h"
#include "test_agent.h"

namespace {

using namespace nova;

struct Args {
  std::string rulesFile;
  std::string token;
  std::vector<std::pair<std::string, DurationMs>> forOverrides;
};

Result<Args> parseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--rules") {
      a.rulesFile = value;
    } else if (flag == "--token") {
      a.token = value;
    } else if (flag == "--for" && value.find('=') != std::string::npos) {
      auto d = parseDuration(value.substr(value.find('=') + 1));
      if (!d.ok()) {
        return d.error();
      }
      a.forOverrides.emplace_back(value.substr(0, value.find('=')), *d);
    } else {
      return Error(ErrorCode::kInvalidInput, "unknown flag " + flag);
    }
  }
  if (a.rulesFile.empty() || a.token.empty()) {
    return Error(ErrorCode::kInvalidInput, "--rules and --token are required");
  }
  return a;
}

// Steady API traffic to one pod: 20 requests/s, so rates and quantiles have something to
// judge (the default rules' guards want 0.5 requests/s).
void load(const std::string& base, std::atomic<bool>& stop) {
  http::Client client;
  http::Request request;
  request.url = base + "/api/v1/streams/active";
  request.timeout = 2 * kSecond;
  while (!stop) {
    (void)client.perform(request);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

int main(int argc, char** argv) {
  auto args = parseArgs(argc, argv);
  if (!args.ok()) {
    std::cerr << "dashboard_test_server: " << args.error().message << "\n";
    return 2;
  }
  auto text = readFile(args->rulesFile, 1 << 20);
  auto ruleSet =
      text.ok() ? rules::load(*text, args->rulesFile) : Result<rules::RuleSet>(text.error());
  if (!ruleSet.ok()) {
    std::cerr << "dashboard_test_server: " << ruleSet.error().message << "\n";
    return 2;
  }
  for (const auto& [name, d] : args->forOverrides) {
    for (auto& rule : ruleSet->rules) {
      if (rule.name == name) {
        rule.forDuration = d;
      }
    }
  }
  auto charts = dashboard::chartSpecs(*ruleSet);
  if (!charts.ok()) {
    std::cerr << "dashboard_test_server: " << charts.error().message << "\n";
    return 2;
  }
  // Block the stop signals in every thread; main waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const std::vector<std::string> podNames{"green-a", "green-b"};
  std::vector<std::unique_ptr<demo::test::ServiceProcess>> pods;
  dashboard::browser::TestAgentOptions options;
  for (const std::string& name : podNames) {
    pods.push_back(std::make_unique<demo::test::ServiceProcess>(std::vector<std::string>{
        "--version", "v1.2.4", "--color", "green", "--ws-simulated", "30", "--seed-streams", "5"}));
    options.pods.emplace_back(name, pods.back()->url(""));
  }
  options.ruleSet = std::move(ruleSet).value();
  options.charts = std::move(charts).value();
  options.token = args->token;

  SystemClock clock;
  dashboard::browser::TestAgent agent(std::move(options), clock);
  auto server =
      http::Server::start({}, [&agent](const http::ServerRequest& r) { return agent.handle(r); });
  if (!server.ok()) {
    std::cerr << "dashboard_test_server: " << server.error().message << "\n";
    return 1;
  }
  std::atomic<bool> stopLoad{false};
  std::vector<std::jthread> threads;
  for (const auto& pod : pods) {
    threads.emplace_back([&stopLoad, base = pod->url("")] { load(base, stopLoad); });
  }
  threads.emplace_back([&agent](std::stop_token stop) { agent.run(stop); });

  boost::json::object pods_json;
  for (std::size_t i = 0; i < pods.size(); ++i) {
    pods_json[podNames[i]] = pods[i]->url("");
  }
  std::cout << boost::json::serialize(boost::json::object{
                   {"url", "http://127.0.0.1:" + std::to_string((*server)->port()) + "/"},
                   {"pods", pods_json}})
            << std::endl;

  int received = 0;
  sigwait(&signals, &received);
  stopLoad = true;
  (*server)->stop();
  threads.back().request_stop();
  threads.clear();
  return 0;
}
