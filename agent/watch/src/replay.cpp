#include "nova/watch/replay.h"

#include <algorithm>
#include <deque>
#include <iterator>

#include "failing_switch.h"
#include "nova/core/sample.h"
#include "nova/notify/router.h"
#include "nova/tsdb/scrape_appender.h"
#include "nova/watch/policy_setup.h"
#include "recording_receiver.h"

namespace nova::watch {
namespace {

void mergeInto(policy::Decision& into, policy::Decision from) {
  for (auto& event : from.events) {
    into.events.push_back(std::move(event));
  }
  if (from.action > into.action) {
    into.action = from.action;
    into.reason = std::move(from.reason);
  }
  if (from.incident) {
    into.incident = std::move(from.incident);
  }
}

// Writes sample `index` of every series as one scrape at `t`; a series without a value
// there is absent from the scrape, so the appender marks it stale.
void scrape(const std::vector<promql::SeriesLine>& series, std::size_t index, TimestampMs t,
            tsdb::ScrapeAppender& appender) {
  appender.begin(t);
  for (const promql::SeriesLine& line : series) {
    if (index >= line.values.size() || !line.values[index] || isStaleNaN(*line.values[index])) {
      continue;
    }
    appender.add(
        line.labels.toString(), [&] { return line.labels; }, *line.values[index]);
  }
  appender.commit();
}

// The daemon's world at simulated time: the switch and the router, carrying out each
// action at once and feeding rollback reports straight back to the watcher.
class Shell {
 public:
  Shell(Watcher& watcher, traffic::Switch& traffic, notify::Router& router, Deliveries& deliveries)
      : watcher_(watcher), traffic_(traffic), router_(router), deliveries_(deliveries) {}

  // Carries out `actions` and everything they lead to; rollbacks first, as the daemon's
  // queue hands them out.
  void carryOut(std::vector<Action> actions, Now now, TickRecord& tick) {
    std::deque<Action> pending;
    for (auto& action : actions) {
      enqueue(std::move(action), pending);
    }
    while (!pending.empty()) {
      Action action = std::move(pending.front());
      pending.pop_front();
      if (const auto* rollback = std::get_if<RollbackAction>(&action)) {
        Output out = watcher_.rollbackFinished(attempt(*rollback, tick), now);
        mergeInto(tick.decision, std::move(out.decision));
        for (auto& next : out.actions) {
          enqueue(std::move(next), pending);
        }
      } else {
        send(std::get<NotifyAction>(action).notification, tick);
      }
    }
  }

 private:
  static void enqueue(Action action, std::deque<Action>& pending) {
    if (std::holds_alternative<RollbackAction>(action)) {
      pending.push_front(std::move(action));
    } else {
      pending.push_back(std::move(action));
    }
  }

  RollbackReport attempt(const RollbackAction& action, TickRecord& tick) {
    RollbackReport report{action.request, std::nullopt, {}, 0};
    auto outcome = traffic_.rollback(action.request);
    if (outcome.ok()) {
      report.outcome = std::move(outcome).value();
      tick.rollbacks.push_back({action.attempt,
                                std::string(traffic::toString(report.outcome->kind)),
                                report.outcome->detail});
    } else {
      report.error = outcome.error();
      tick.rollbacks.push_back({action.attempt, "error", report.error.message});
    }
    return report;
  }

  void send(const notify::Notification& notification, TickRecord& tick) {
    deliveries_.clear();
    (void)router_.send(notification);  // recording receivers never fail
    SentNotification sent{notification, {}};
    for (const auto& delivery : deliveries_) {
      sent.receivers.push_back(delivery.receiver);
    }
    tick.notifications.push_back(std::move(sent));
  }

  Watcher& watcher_;
  traffic::Switch& traffic_;
  notify::Router& router_;
  Deliveries& deliveries_;
};

// The scenario's receivers, routed like the agent's notifiers of the same types.
Status addReceivers(const Scenario& scenario, notify::Router& router, Deliveries& deliveries) {
  for (const notify::NotifierConfig& config : scenario.receivers) {
    auto route = notify::Route::fromSettings(config.type, config.settings);
    if (!route.ok()) {
      return route.error().prefixed("receivers: " + config.type + ": ");
    }
    router.add(std::make_unique<RecordingReceiver>(receiverName(config), std::move(route).value(),
                                                   deliveries));
  }
  return {};
}

// The tick's action, notifications and rollback attempts in the form of the exact lists.
void record(const TickRecord& tick, ScenarioReport& report) {
  if (tick.decision.action != policy::Action::kNone) {
    report.actions.push_back({tick.at, tick.decision.action});
  }
  for (const SentNotification& sent : tick.notifications) {
    report.notifications.push_back(
        {tick.at, sent.notification.kind, sent.notification.incidentId, sent.receivers});
  }
  for (const RollbackAttempt& attempt : tick.rollbacks) {
    report.rollbacks.push_back({tick.at, attempt.outcome});
  }
}

Result<Watcher> makeWatcher(const Scenario& scenario, const rules::RuleSet& ruleSet) {
  auto config = effectivePolicy(ruleSet, scenario.policyOverrides);
  if (!config.ok()) {
    return config.error();
  }
  auto escalator = makeEscalator(ruleSet, *config, scenario.trafficSwitch, std::nullopt);
  if (!escalator.ok()) {
    return escalator.error().prefixed("policy: ");
  }
  return Watcher(ruleSet, std::move(escalator).value());
}

}  // namespace

ScenarioReport replay(const Scenario& scenario, const rules::RuleSet& ruleSet,
                      traffic::Switch& traffic) {
  ScenarioReport report;
  auto watcher = makeWatcher(scenario, ruleSet);
  if (!watcher.ok()) {
    report.failures.push_back(watcher.error().message);
    return report;
  }
  Deliveries deliveries;
  notify::Router router;
  if (Status added = addReceivers(scenario, router, deliveries); !added) {
    report.failures.push_back(added.error().message);
    return report;
  }
  FailingSwitch failing(traffic, scenario.switchFailures);
  Shell shell(*watcher, failing, router, deliveries);
  tsdb::Storage storage;
  tsdb::ScrapeAppender appender(storage);
  // Blue's scrapes go to a store of their own, read only to freeze the baseline, whose
  // series reach the rules' store through an appender of their own, as in the daemon.
  tsdb::Storage blue(blueStoreLimits(scenario.baseline));
  tsdb::ScrapeAppender blueAppender(blue);
  tsdb::ScrapeAppender baselineAppender(storage);
  BaselineKeeper baseline(scenario.baseline);
  TimestampMs previous = scenario.trafficSwitch - 1;
  for (TimestampMs t = 0; t <= scenario.end; t += scenario.interval) {
    const auto index = static_cast<std::size_t>(t / scenario.interval);
    scrape(scenario.series, index, t, appender);
    if (!scenario.blueSeries.empty()) {
      scrape(scenario.blueSeries, index, t, blueAppender);
    }
    if (t < scenario.trafficSwitch) {
      continue;
    }
    if (auto line = baseline.step(scenario.blueSeries.empty() ? nullptr : &blue,
                                  scenario.trafficSwitch, t)) {
      report.baselineLog.push_back(formatDuration(t) + " " + *line);
    }
    baseline.write(baselineAppender, t);
    const Now now{t, MonoTime(t)};
    TickRecord tick;
    tick.at = t;
    // As in the daemon, what the commands and the step decide is carried out after both.
    std::vector<Action> actions;
    for (const ScenarioCommand& entry : scenario.commands) {
      if (entry.at <= previous || entry.at > t) {
        continue;
      }
      Command command = entry.command;
      command.holdFor = entry.at + command.holdFor - t;  // a hold lasts from its own time
      auto done = watcher->command(command, now);
      if (!done.ok()) {
        report.failures.push_back("line " + std::to_string(entry.line) + ", at " +
                                  formatDuration(t) + ": command refused: " + done.error().message);
        continue;
      }
      mergeInto(tick.decision, std::move(done->decision));
      std::move(done->actions.begin(), done->actions.end(), std::back_inserter(actions));
    }
    TickOutput out = watcher->tick(storage, {t, now.mono});
    tick.results = std::move(out.results);
    mergeInto(tick.decision, std::move(out.decision));
    std::move(out.actions.begin(), out.actions.end(), std::back_inserter(actions));
    shell.carryOut(std::move(actions), now, tick);
    record(tick, report);
    report.ticks.push_back(std::move(tick));
    previous = t;
  }
  checkExpectations(scenario, report);
  return report;
}

}  // namespace nova::watch
