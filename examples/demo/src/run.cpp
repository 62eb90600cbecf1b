#include "run.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <thread>

#include "agent_log.h"
#include "load.h"
#include "nova/core/rfc3339.h"
#include "nova/http/client.h"

namespace nova::demo {
namespace {

struct Moment {
  TimestampMs at;
  std::string what;
};

// "HH:MM:SS.mmm" in UTC: the time of day of the RFC 3339 form.
std::string clockTime(TimestampMs at) {
  return formatRfc3339(at, SubSecond::kMillis).substr(11, 12);
}

std::string seconds(DurationMs ms) {
  char out[32];
  std::snprintf(out, sizeof out, "%.3f", static_cast<double>(ms) / 1000.0);
  return out;
}

void sleepMs(DurationMs ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

Status injectFault(const DemoOptions& o) {
  http::Client client;
  http::Request request;
  request.method = "POST";
  request.url = o.faultUrl;
  request.headers = {{"Content-Type", "application/json"}};
  request.body = o.fault;
  auto response = client.perform(request);
  if (!response.ok()) {
    return response.error();
  }
  if (response->status != 200) {
    // The demo service answers 400 to a fault it does not know.
    const ErrorCode code =
        response->status >= 500 ? ErrorCode::kUnavailable : ErrorCode::kInvalidInput;
    return Error{code, "POST " + o.faultUrl + " answered " + std::to_string(response->status) +
                           ": " + response->body};
  }
  return {};
}

// The agent writes "done" right after the switch saw blue; give it a moment to land.
AgentMilestones waitForAgent(const std::string& log, TimestampMs from) {
  AgentMilestones m;
  for (int i = 0; i < 300; ++i) {
    m = findMilestones(readAgentLog(log), from);
    if (m.flipDone || m.impossible) {
      break;
    }
    sleepMs(10);
  }
  return m;
}

// A decision line without the incident id and the event list: action, severity, reason.
std::string condensed(const std::string& message) {
  if (message.rfind("decision ", 0) != 0) {
    return message;
  }
  const auto action = message.find("action=");
  const auto events = message.rfind(" events=");
  if (action == std::string::npos || events == std::string::npos || events < action) {
    return message;
  }
  return message.substr(action, events - action);
}

std::vector<Moment> timelineOf(const AgentMilestones& m, const LoadGenerator& load,
                               TimestampMs faultAt, const DemoOptions& o) {
  std::vector<Moment> t{{faultAt, "fault injected on green: POST /admin/faults " + o.fault}};
  if (auto f = load.firstFailure()) {
    t.push_back({f->first, "first failed client request (" + f->second + ")"});
  }
  auto agent = [&](const std::optional<AgentLogLine>& line, const std::string& label) {
    if (line) {
      t.push_back({line->at, "agent: " + label + ": " + condensed(line->message)});
    }
  };
  const bool sameLine = m.firstBreach && m.decision && m.firstBreach->at == m.decision->at &&
                        m.firstBreach->message == m.decision->message;
  agent(m.firstBreach, sameLine ? "first breach seen, and the decision" : "first breach seen");
  if (!sameLine) {
    agent(m.decision, "decision");
  }
  agent(m.flipDone, "flip done");
  agent(m.impossible, "ROLLBACK IMPOSSIBLE");
  if (auto b = load.firstBlue()) {
    t.push_back({*b, "first response from blue through nginx"});
  }
  std::stable_sort(t.begin(), t.end(),
                   [](const Moment& a, const Moment& b) { return a.at < b.at; });
  return t;
}

}  // namespace

int runDemo(const DemoOptions& o) {
  std::cout << "== load: " << o.rate << " requests/s from " << o.threads
            << " keep-alive clients, GET " << o.nginxUrl << o.path << std::endl;
  LoadGenerator load({o.nginxUrl + o.path, o.threads, o.rate});
  sleepMs(o.warmup);
  const TimestampMs faultAt = wallNowMs();
  load.watchFrom(faultAt);
  if (Status s = injectFault(o); !s.ok()) {
    std::cout << "cannot inject the fault: " << s.error().message << std::endl;
    return 1;
  }
  std::cout << "== " << clockTime(faultAt) << " fault injected on green; waiting for the agent"
            << std::endl;
  const TimestampMs deadline = faultAt + o.timeout;
  while (!load.firstBlue() && wallNowMs() < deadline) {
    sleepMs(10);
  }
  const AgentMilestones milestones = waitForAgent(o.agentLog, faultAt);
  if (load.firstBlue()) {
    sleepMs(o.afterBlue);
  }
  load.stop();

  std::cout << "\n== timeline (UTC, seconds from the fault)\n";
  for (const auto& m : timelineOf(milestones, load, faultAt, o)) {
    std::cout << "  " << clockTime(m.at) << "  +" << seconds(m.at - faultAt) << " s  " << m.what
              << "\n";
  }
  const auto [before, after] = load.countsAround(faultAt);
  std::cout << "\n  before the fault: " << before.requests << " requests, " << before.failed
            << " failed; from the fault on: " << after.requests << " requests, " << after.failed
            << " failed\n\n";
  const auto blue = load.firstBlue();
  if (blue) {
    std::cout << "fault-to-blue: " << seconds(*blue - faultAt) << " s\n";
  } else {
    std::cout << "fault-to-blue: never (no response from blue within " << formatDuration(o.timeout)
              << ")\n";
  }
  std::cout << "failed client requests: " << before.failed + after.failed << " of "
            << before.requests + after.requests << std::endl;
  return blue ? 0 : 1;
}

}  // namespace nova::demo
