#include "nova/daemon/controller.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <variant>

#include "nova/core/rfc3339.h"
#include "nova/watch/policy_setup.h"

namespace nova::daemon {
namespace {

constexpr std::size_t kRecentEvents = 256;
constexpr std::size_t kRecentDecisions = 100;

std::string eventKinds(const policy::Decision& decision) {
  std::string out;
  for (const auto& e : decision.events) {
    out += (out.empty() ? "" : ",") + std::string(policy::toString(e.kind));
  }
  return out.empty() ? "-" : out;
}

spdlog::level::level_enum levelOf(watch::Note::Level level) {
  switch (level) {
    case watch::Note::Level::kInfo:
      return spdlog::level::info;
    case watch::Note::Level::kWarning:
      return spdlog::level::warn;
    case watch::Note::Level::kError:
      return spdlog::level::err;
    case watch::Note::Level::kCritical:
      return spdlog::level::critical;
  }
  return spdlog::level::info;
}

}  // namespace

std::optional<watch::FutureState> reanchorRestoredState(policy::Escalator& escalator,
                                                        TimestampMs now) {
  auto future = watch::anchorRestoredState(escalator, now);
  if (!future) {
    return std::nullopt;
  }
  if (future->beyondBound) {
    spdlog::warn(
        "state file: its times reach {} ms ({}) past the clock ({}), beyond the {} s bound; "
        "refusing them as written and moving every time back by that much, so `for`, "
        "investigation and windows continue from now with the spans they had reached and "
        "decisions made (a decided rollback included) stand",
        future->ahead(), formatRfc3339(future->latest), formatRfc3339(future->now),
        watch::kFutureStateBound / kSecond);
  } else {
    spdlog::info("state file: its times reach {} ms past the clock (skew); moved back by that",
                 future->ahead());
  }
  return future;
}

Controller::Controller(rules::RuleSet ruleSet, policy::Escalator escalator, tsdb::Storage& storage,
                       const Clock& clock, ActionQueue& queue, AgentMetrics& metrics,
                       ControllerOptions options)
    : watcher_(std::move(ruleSet), std::move(escalator), options.watch),
      storage_(storage),
      clock_(clock),
      ownTimeline_(options.timeline == nullptr ? std::make_unique<Timeline>(clock) : nullptr),
      agentTime_(options.timeline == nullptr ? *ownTimeline_ : *options.timeline),
      queue_(queue),
      metrics_(metrics),
      options_(std::move(options)) {
  restored_ = std::move(options_.restored);
  options_.restored.reset();
  // With leader election the agent starts as a follower until the elector says otherwise.
  leading_ = !options_.leading;
  if (options_.arming == ArmingMode::kAlways) {
    armed_ = ArmedFor{"", "", watcher_.escalator().trafficSwitchedAt()};
    armedSince_ = agentTime_.now();
  } else if (restored_) {
    // Whether the restored state must be finished wherever traffic is (decideArming).
    auto escalator = watch::makeEscalator(watcher_.ruleSet(), watcher_.escalator().config(), 0,
                                          restored_->escalator);
    if (!escalator.ok()) {
      spdlog::error("state file not restored, starting fresh: {}", escalator.error().message);
      restored_.reset();
    } else {
      const auto incident = escalator->incident();
      restoredRollbackUnfinished_ =
          incident && incident->state == policy::IncidentState::kRollingBack;
    }
  }
  metrics_.armed(armed_.has_value());
  metrics_.seriesLimit(storage_.limits().maxSeries);
  if (options_.restoredFromFuture && options_.restoredFromFuture->beyondBound) {
    metrics_.stateFromFuture();
  }
}

void Controller::observe(const scrape::ProbeEvent& event) {
  metrics_.probe(event);
  Probe& probe = event.kind == scrape::ProbeEvent::Kind::kHealth ? health_ : scrape_;
  probe.last = event;
  if (event.ok) {
    probe.lastOk = event.at;
  }
  if (event.kind == scrape::ProbeEvent::Kind::kScrape) {
    noteRefusals(event);
  }
  if (event.kind == scrape::ProbeEvent::Kind::kScrape && event.ok && !ready_) {
    ready_ = true;
    metrics_.ready(true);
    spdlog::info("first successful scrape: {} samples", event.samples);
  }
}

// One warning when a scrape first has series refused, one line when the store takes them
// all again: a burst is visible in the log without a line per scrape or per sample.
void Controller::noteRefusals(const scrape::ProbeEvent& scrape) {
  refused_ = scrape.refused;
  if (refused_.any()) {
    if (refusingScrapes_++ == 0) {
      std::string names;
      for (const auto& name : refused_.names) {
        names += (names.empty() ? "" : ",") + name;
      }
      spdlog::warn(
          "series limit: the store ({} series at most) refused {} series of the scrape at {} "
          "(metrics: {}{}); rules reading them are unknown until there is room",
          storage_.limits().maxSeries, refused_.series, scrape.at, names,
          refused_.truncated ? ",..." : "");
    }
    return;
  }
  if (refusingScrapes_ > 0 && scrape.ok) {
    spdlog::info("series limit: every series of the scrape stored again after {} scrapes",
                 refusingScrapes_);
    refusingScrapes_ = 0;
  }
}

policy::Decision Controller::tickAt(TimestampMs at) {
  followLeadership();
  std::optional<rules::RemoteAnswers> remote;
  if (options_.remoteAnswers) {
    remote = options_.remoteAnswers(watcher_.ruleSet(), at);
  }
  watch::TickOutput out =
      watcher_.tick(storage_, {at, clock_.monoNow()}, refused_, remote ? &*remote : nullptr);
  lastResults_ = std::move(out.results);
  metrics_.rules(lastResults_);
  bucketWarnings_.update(watcher_.ruleSet(), storage_, at, metrics_);
  metrics_.tsdb(storage_.stats());
  metrics_.wallOffset(agentTime_.wallOffset());
  carryOut(out, mayAct());
  return std::move(out.decision);
}

// Logs, counts and keeps what the watcher decided, and queues what it wants done.
void Controller::carryOut(watch::Output& out, bool mayAct) {
  const auto incident = watcher_.escalator().incident();
  metrics_.severity(incident ? incident->severity : Severity::kNone);
  for (const auto& note : out.notes) {
    spdlog::log(levelOf(note.level), "{}", note.text);
  }
  if (out.decided()) {
    record(out.decision, out.at);
    const auto action = out.decision.action;
    if (mayAct && action != policy::Action::kNone && action != policy::Action::kMonitor) {
      metrics_.action(action);
    }
  }
  bool shadowRollback = false;
  for (auto& item : out.actions) {
    if (!mayAct) {
      shadowRollback = shadowRollback || std::holds_alternative<watch::RollbackAction>(item);
      shadowAction(item, out.at);
      continue;
    }
    auto* notify = std::get_if<watch::NotifyAction>(&item);
    const std::string kind = notify ? std::string(notify::toString(notify->notification.kind)) : "";
    if (!queue_.push(std::move(item)) && notify != nullptr) {
      metrics_.notificationDropped();
      spdlog::warn("action queue full: {} notification dropped", kind);
    }
  }
  if (shadowRollback && !armed_) {
    // A shadow incident that "rolled back" would sit in rolling_back and judge nothing
    // more: the shadow starts over, so it keeps showing what it would decide. An armed
    // follower keeps its decided rollback instead: it carries it out if it comes to lead.
    spdlog::info("shadow: the shadow state starts over after its rollback verdict");
    auto fresh = watch::makeEscalator(watcher_.ruleSet(), watcher_.escalator().config(), out.at,
                                      std::nullopt);
    if (fresh.ok()) {
      replaceWatcher(std::move(fresh).value());
    }
  }
}

void Controller::record(const policy::Decision& decision, TimestampMs now) {
  const bool shadow = !mayAct();
  if (!shadow) {
    metrics_.decision(decision);
  }
  const std::string id = decision.incident ? decision.incident->id : "";
  const auto level = decision.action >= policy::Action::kPage && !shadow ? spdlog::level::warn
                                                                         : spdlog::level::info;
  spdlog::log(level, "{}decision incident={} action={} severity={} reason=\"{}\" events={}",
              shadow ? "shadow " : "", id.empty() ? "-" : id, policy::toString(decision.action),
              toString(decision.incident ? decision.incident->severity : Severity::kNone),
              decision.reason, eventKinds(decision));
  if (!id.empty() && id != timelineIncident_) {
    timelineIncident_ = id;
    timeline_.clear();
  }
  for (const auto& e : decision.events) {
    if (!id.empty()) {
      timeline_.push_back(e);
    }
    if (!shadow) {
      journal({e.at, armed_->rolloutId, std::string(policy::toString(e.kind)), id, e.rule, e.detail,
               false});
    }
    recentEvents_.push_back(e);
    if (recentEvents_.size() > kRecentEvents) {
      recentEvents_.pop_front();
    }
  }
  if (decision.action != policy::Action::kNone) {
    decisions_.push_back(
        {now, id, std::string(policy::toString(decision.action)), decision.reason});
    if (decisions_.size() > kRecentDecisions) {
      decisions_.pop_front();
    }
  }
}

CommandReply Controller::command(const Command& command) {
  followLeadership();
  if (!leading_) {
    const std::string message =
        "this agent follows in shadow: commands go to the agent that leads (/status leader)";
    spdlog::warn("command from {} refused: {}", command.who, message);
    recordCommand(command, false, message);
    return {409, commandErrorJson(message)};
  }
  auto out = watcher_.command(command, now());
  if (!out.ok()) {
    spdlog::warn("command from {} refused: {}", command.who, out.error().message);
    const int status = out.error().code == ErrorCode::kInvalidInput ? 400 : 409;
    recordCommand(command, false, out.error().message);
    return {status, commandErrorJson(out.error().message)};
  }
  recordCommand(command, true, out->decision.reason);
  carryOut(*out, true);
  return {200, commandReplyJson(out->decision)};
}

void Controller::rollbackFinished(const RollbackReport& report) {
  followLeadership();
  metrics_.rollback(report.outcome ? traffic::toString(report.outcome->kind) : "error");
  watch::Output out = watcher_.rollbackFinished(report, now());
  if (report.outcome && report.outcome->kind != traffic::SwitchOutcome::Kind::kImpossible) {
    journal({agentTime_.now(), armed_ ? armed_->rolloutId : "", "traffic_on_blue",
             report.request.incidentId, "",
             std::string(traffic::toString(report.outcome->kind)) + ": " + report.outcome->detail,
             false});
  }
  // A report of a flip this agent started while leading; what follows (a retry, the
  // CRITICAL notification of an impossible flip) is the leader's alone.
  carryOut(out, leading_);
}

std::string Controller::snapshot() const {
  std::string json = watcher_.escalator().snapshot();
  const DurationMs offset = agentTime_.wallOffset();
  if (offset > -kSecond && offset < kSecond) {
    return json;  // drift of the wall clock against the monotonic one, not a step
  }
  auto wall = policy::Escalator::restore(json, watcher_.escalator().config(),
                                         rules::ruleSpecs(watcher_.ruleSet()));
  if (!wall.ok()) {
    spdlog::error("state: cannot convert to wall time, writing time-line times: {}",
                  wall.error().message);
    return json;
  }
  wall->shiftTimes(offset);
  return wall->snapshot();
}

Status Controller::replaceRules(rules::RuleSet ruleSet,
                                const std::optional<std::string>& policyYaml) {
  if (Status s = watcher_.replaceRules(std::move(ruleSet), policyYaml); !s) {
    return s;
  }
  spdlog::info("rules reloaded: {} rules", watcher_.ruleSet().rules.size());
  bucketWarnings_.update(watcher_.ruleSet(), storage_, agentTime_.now(), metrics_, true);
  return {};
}

}  // namespace nova::daemon
