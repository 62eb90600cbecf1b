#include "test_agent.h"

#include <boost/json.hpp>

#include "nova/dashboard/document.h"
#include "nova/dashboard/page.h"

namespace nova::dashboard::browser {
namespace {

namespace json = boost::json;

constexpr std::size_t kTimelineCap = 500;

http::ServerResponse reply(int status, const json::object& body) {
  return {status, "application/json", {}, json::serialize(body)};
}

std::string field(const json::object& o, const char* name) {
  const auto* v = o.if_contains(name);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

TestAgent::TestAgent(TestAgentOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      switchedAt_(clock.now()),
      escalator_(options_.ruleSet.policy, rules::ruleSpecs(options_.ruleSet), switchedAt_) {
  for (const auto& [pod, base] : options_.pods) {
    scrape::TargetConfig target;
    target.healthUrl = base + "/health";
    target.metricsUrl = base + "/metrics";
    target.labels = Labels{{"job", "user-service"}, {"pod", pod}};
    probers_.push_back(std::make_unique<scrape::Prober>(target, storage_, clock_));
  }
}

void TestAgent::run(std::stop_token stop) {
  TimestampMs nextEval = clock_.now() + kSecond;
  while (!stop.stop_requested()) {
    for (auto& prober : probers_) {
      std::lock_guard lock(mutex_);
      prober->poll(20);
    }
    const TimestampMs now = clock_.now();
    if (now >= nextEval) {
      std::lock_guard lock(mutex_);
      evaluate(now);
      nextEval = now + kSecond;
    }
  }
}

void TestAgent::evaluate(TimestampMs now) {
  evaluations_ = rules::evaluateRules(options_.ruleSet, engine_, storage_, now);
  const auto observations = rules::observations(evaluations_);
  apply(escalator_.step(observations, now), now);
}

void TestAgent::apply(const policy::Decision& decision, TimestampMs now) {
  timeline_.insert(timeline_.end(), decision.events.begin(), decision.events.end());
  if (timeline_.size() > kTimelineCap) {
    timeline_.erase(timeline_.begin(), timeline_.end() - kTimelineCap);
  }
  if (decision.action != policy::Action::kRollback || !decision.incident) {
    return;
  }
  auto outcome = switch_.rollback({decision.incident->id, decision.reason, "agent", now});
  if (outcome.ok() && outcome->kind != traffic::SwitchOutcome::Kind::kImpossible) {
    backend_ = "blue";
    if (auto done = escalator_.rollbackCompleted(now, outcome->detail); done.ok()) {
      apply(*done, now);
    }
  }
}

http::ServerResponse TestAgent::command(const std::string& name,
                                        const http::ServerRequest& request) {
  const std::string* auth = request.header("authorization");
  if (auth == nullptr || !auth->starts_with("Bearer ")) {
    return reply(401, {{"ok", false}, {"error", "missing bearer token"}});
  }
  if (auth->substr(7) != options_.token) {
    return reply(403, {{"ok", false}, {"error", "wrong token"}});
  }
  boost::system::error_code ec;
  const json::value body = json::parse(request.body, ec);
  if (ec || !body.is_object()) {
    return reply(400, {{"ok", false}, {"error", "body: must be a JSON object"}});
  }
  const std::string who = field(body.as_object(), "who");
  const std::string reason = field(body.as_object(), "reason");
  std::lock_guard lock(mutex_);
  const TimestampMs now = clock_.now();
  Result<policy::Decision> decision = Error(ErrorCode::kInvalidInput, "unknown command");
  if (name == "hold") {
    auto forMs = parseDuration(field(body.as_object(), "for"));
    decision = forMs.ok() ? escalator_.hold(now, now + *forMs, who, reason) : forMs.error();
  } else if (name == "release") {
    decision = escalator_.release(now, who);
  } else if (name == "rollback") {
    decision = escalator_.forceRollback(now, who, reason);
  }
  const bool accepted = decision.ok();
  commands_.push_back(
      {now, who, name, accepted, accepted ? decision->reason : decision.error().message});
  if (!accepted) {
    return reply(409, {{"ok", false}, {"error", decision.error().message}});
  }
  apply(*decision, now);
  return reply(
      200,
      {{"ok", true}, {"action", policy::toString(decision->action)}, {"reason", decision->reason}});
}

std::string TestAgent::document() {
  std::lock_guard lock(mutex_);
  DocumentInputs in;
  in.now = clock_.now();
  in.rollout = {"r-browser-1", "v1.2.4", "v1.2.3", "monitoring"};
  in.traffic = {backend_, "dry-run switch", switchedAt_};
  in.rules = ruleViews(options_.ruleSet, evaluations_, timeline_);
  in.incident = escalator_.incident();
  in.hold = escalator_.activeHold();
  if (in.incident) {
    in.nextStep = nextStep(escalator_.config(), *in.incident, timeline_, in.hold,
                           escalator_.rollbackWindowEndsAt(), in.now);
  }
  in.timeline = timeline_;
  in.commands = commands_;
  in.markers = markersFrom(timeline_, switchedAt_);
  in.commandsEnabled = true;
  CollectOptions collect;
  collect.end = in.now;
  return buildDashboardDocument(options_.charts, engine_, storage_, collect, in);
}

http::ServerResponse TestAgent::handle(const http::ServerRequest& request) {
  if (request.method == "GET" && (request.path == "/" || request.path == "/index.html")) {
    return {200, "text/html; charset=utf-8", {}, std::string(dashboardPage())};
  }
  if (request.method == "GET" && request.path == kDocumentPath) {
    return {200, "application/json", {{"Cache-Control", "no-store"}}, document()};
  }
  for (const char* name : {"hold", "release", "rollback"}) {
    if (request.path == std::string("/v1/") + name) {
      if (request.method != "POST") {
        return {405, "text/plain", {}, "method not allowed\n"};
      }
      return command(name, request);
    }
  }
  return {404, "text/plain", {}, "not found\n"};
}

}  // namespace nova::dashboard::browser
