// The real nova-agent stopped at each step of an incident, by SIGKILL (a crash, an OOM
// kill) and by SIGTERM (a rollout, a drain), then restarted on the same files, as a
// liveness restart would. Whatever the step: traffic flips to blue exactly once, every
// update of the incident reaches the receiver once under the same dedup key (a delivery
// cut off in flight may arrive again, with the same key), nothing is lost (a page the
// receiver refused arrives once it recovers; the journal has the events) and the incident
// keeps its id. The cases run in parallel, each with its own processes and ports.
#include <doctest/doctest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "incident_rig.h"

namespace nova {
namespace {

using namespace std::chrono_literals;
using testing::incidentField;
using testing::IncidentRig;
using testing::RecordingWebhook;
using testing::waitUntil;

// The updates of one incident of the shortened default rules, in order: HIGH opens it with a
// page, the investigation ends still breaching, the rollback starts and is done.
const std::vector<std::string> kUpdates = {"incident_opened", "rollback_started", "rollback_done"};

enum class Step {
  kPending,
  kPagedReceiverFailing,
  kRollbackInFlight,
  kRollbackDone,
  kNotificationInFlight
};

struct MatrixCase {
  Step step;
  int signal;
  std::string name;
};

// What one case found: failures in words, and how long it took.
struct Outcome {
  std::string name;
  std::vector<std::string> failures;
  double seconds = 0;
  std::string note;
};

class CaseRun {
 public:
  explicit CaseRun(const MatrixCase& c) : case_(c) {}

  Outcome run() {
    const auto start = std::chrono::steady_clock::now();
    try {
      runSteps();
    } catch (const std::exception& e) {
      fail(std::string("exception: ") + e.what());
    }
    out_.name = case_.name;
    out_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return std::move(out_);
  }

 private:
  void fail(const std::string& what) {
    out_.failures.push_back(what + (rig_ ? "\n--- agent log:\n" + tail(rig_->agentLog()) : ""));
  }

  static std::string tail(const std::string& log) {
    return log.size() > 4000 ? log.substr(log.size() - 4000) : log;
  }

  bool expect(bool condition, const std::string& what) {
    if (!condition) {
      fail(what);
    }
    return condition;
  }

  // Brings the incident to the case's step with the first agent; false when it never got
  // there (a failure is recorded).
  bool reachStep() {
    RecordingWebhook& receiver = rig_->receiver();
    switch (case_.step) {
      case Step::kPending:
        return expect(waitUntil([&] { return pendingWithoutIncident(); }, 20 * kSecond),
                      "error_rate_high never pending before an incident");
      case Step::kPagedReceiverFailing:
        return expect(
            waitUntil([&] { return receiver.arrived("incident_opened") >= 1; }, 20 * kSecond),
            "the page never reached the failing receiver");
      case Step::kRollbackInFlight:
        return expect(waitUntil([&] { return rig_->reloadHeld(); }, 30 * kSecond),
                      "the rollback's reload never started");
      case Step::kRollbackDone:
        return expect(
            waitUntil([&] { return incidentField(rig_->status(), "state") == "rolled_back"; },
                      30 * kSecond),
            "the rollback was never done");
      case Step::kNotificationInFlight:
        return expect(waitUntil([&] { return receiver.holding("incident_opened"); }, 20 * kSecond),
                      "the page was never in flight");
    }
    return false;
  }

  bool pendingWithoutIncident() {
    const boost::json::value s = rig_->status();
    if (!s.is_object() || !s.as_object().contains("events") || !incidentField(s, "id").empty()) {
      return false;
    }
    const auto& events = s.at("events").as_array();
    return std::any_of(events.begin(), events.end(), [](const boost::json::value& e) {
      const auto* kind = e.as_object().if_contains("kind");
      const auto* rule = e.as_object().if_contains("rule");
      return kind != nullptr && rule != nullptr && *kind == "rule_pending" &&
             *rule == "error_rate_high";
    });
  }

  void runSteps() {
    rig_ = std::make_unique<IncidentRig>();
    RecordingWebhook& receiver = rig_->receiver();
    if (case_.step == Step::kPagedReceiverFailing) {
      receiver.setMode(RecordingWebhook::Mode::kFail);
    }
    if (case_.step == Step::kRollbackInFlight) {
      rig_->holdNextReload();
    }
    if (case_.step == Step::kNotificationInFlight) {
      receiver.slowKind("incident_opened", 8 * kSecond);
      receiver.setMode(RecordingWebhook::Mode::kSlow);
    }
    rig_->injectErrors();
    if (!expect(rig_->startAgent(1) > 0, "the first agent did not start")) {
      return;
    }
    if (!reachStep()) {
      return;
    }
    const std::string incident = incidentField(rig_->status(), "id");
    const auto stopAt = std::chrono::steady_clock::now();
    rig_->agent().signal(case_.signal);
    const auto exit = rig_->agent().waitExit(15 * kSecond);
    const double stopSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - stopAt).count();
    expect(exit.has_value() && *exit == (case_.signal == SIGKILL ? 128 + SIGKILL : 0),
           "the first agent's exit: " + (exit ? std::to_string(*exit) : "still running"));
    if (case_.signal == SIGTERM) {
      // A stop is bounded: 2 s for the action worker (a hung flip is left to the next
      // start), and a delivery in flight (held 8 s here) is waited for up to its timeout.
      const double bound = case_.step == Step::kNotificationInFlight ? 10 : 3;
      expect(stopSeconds <= bound, "SIGTERM took " + std::to_string(stopSeconds) + " s");
      std::ostringstream note;
      note.precision(2);
      note << "SIGTERM stop " << std::fixed << stopSeconds << " s";
      out_.note = note.str();
    }
    rig_->endHungReload();  // a reload the first agent left behind never completes

    // The receiver recovers; a page it refused or held must still arrive.
    receiver.setMode(RecordingWebhook::Mode::kAccept);
    if (!expect(rig_->startAgent(2) > 0, "the restarted agent did not start")) {
      return;
    }
    const bool settled = waitUntil(
        [&] {
          if (rig_->color() != "blue" || incidentField(rig_->status(), "state") != "rolled_back") {
            return false;
          }
          return std::all_of(kUpdates.begin(), kUpdates.end(),
                             [&](const std::string& k) { return receiver.accepted(k) >= 1; });
        },
        30 * kSecond);
    expect(settled,
           "after the restart the incident never settled (rolled back, every update "
           "delivered): " +
               deliveredText());
    std::this_thread::sleep_for(1s);  // room for a duplicate to show
    checkOnce(incident);
    rig_->agent().signal(SIGTERM);
    expect(rig_->agent().waitExit(10 * kSecond) == 0, "the restarted agent did not stop cleanly");
  }

  // Exactly one flip, one delivery per update and dedup key, one incident.
  void checkOnce(const std::string& incidentBefore) {
    const auto colors = rig_->colorsSeen();
    expect(colors == std::vector<std::string>{"green", "blue"},
           "nginx's colors: " + join(colors) + " (want green, blue: one flip)");
    expect(rig_->completedReloads() == 1,
           "completed nginx reloads: " + std::to_string(rig_->completedReloads()));
    const std::string incident = incidentField(rig_->status(), "id");
    expect(!incident.empty(), "no incident after the restart");
    if (!incidentBefore.empty()) {
      expect(incident == incidentBefore,
             "incident " + incidentBefore + " became " + incident + " after the restart");
    }
    const auto ids = rig_->receiver().incidentIds();
    expect(ids == std::set<std::string>{incident},
           "dedup keys at the receiver: " + join({ids.begin(), ids.end()}));
    for (const std::string& kind : kUpdates) {
      // A delivery the stop cut off before its answer may come again: same key, once more.
      const bool cutOff = case_.step == Step::kNotificationInFlight && kind == "incident_opened";
      const int accepted = rig_->receiver().accepted(kind);
      expect(accepted == 1 || (cutOff && accepted == 2),
             kind + " accepted " + std::to_string(accepted) + " times");
    }
    for (const auto& d : rig_->receiver().deliveries()) {
      expect(std::find(kUpdates.begin(), kUpdates.end(), d.kind) != kUpdates.end(),
             "unexpected notification " + d.kind);
    }
    const auto kinds = rig_->journalKinds();
    for (const char* kind :
         {"incident_opened", "page", "rollback_decided", "traffic_on_blue", "rollback_completed"}) {
      expect(std::count(kinds.begin(), kinds.end(), kind) == 1,
             std::string("journal entries of ") + kind + ": " +
                 std::to_string(std::count(kinds.begin(), kinds.end(), kind)));
    }
  }

  std::string deliveredText() const {
    std::vector<std::string> seen;
    for (const auto& d : rig_->receiver().deliveries()) {
      seen.push_back(d.kind + "/" + d.incidentId + "=" + std::to_string(d.answered));
    }
    return "receiver got " + join(seen) + "; journal " + join(rig_->journalKinds());
  }

  static std::string join(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) {
      text += (text.empty() ? "" : ", ") + item;
    }
    return text.empty() ? "(none)" : text;
  }

  MatrixCase case_;
  Outcome out_;
  std::unique_ptr<IncidentRig> rig_;
};

std::vector<MatrixCase> matrix() {
  const std::pair<Step, const char*> steps[] = {
      {Step::kPending, "pending"},
      {Step::kPagedReceiverFailing, "paged, receiver failing"},
      {Step::kRollbackInFlight, "rollback in flight"},
      {Step::kRollbackDone, "rollback done"},
      {Step::kNotificationInFlight, "notification in flight"}};
  std::vector<MatrixCase> cases;
  for (const auto& [step, name] : steps) {
    for (const int signal : {SIGKILL, SIGTERM}) {
      cases.push_back(
          {step, signal, std::string(name) + " / " + (signal == SIGKILL ? "SIGKILL" : "SIGTERM")});
    }
  }
  return cases;
}

}  // namespace

TEST_CASE("stopped at each step of an incident and restarted: one flip, one page, same id") {
  const std::vector<MatrixCase> cases = matrix();
  std::vector<Outcome> outcomes(cases.size());
  std::atomic<std::size_t> next{0};
  // Three at a time: each case is five processes, mostly waiting on the agent's timers.
  std::vector<std::thread> workers;
  workers.reserve(3);
  for (int w = 0; w < 3; ++w) {
    workers.emplace_back([&] {
      for (std::size_t i = next++; i < cases.size(); i = next++) {
        outcomes[i] = CaseRun(cases[i]).run();
      }
    });
  }
  for (auto& worker : workers) {
    worker.join();
  }
  for (const Outcome& o : outcomes) {
    const std::string summary = o.name + ": " + (o.failures.empty() ? "held" : "FAILED") + " in " +
                                std::to_string(o.seconds) + " s" +
                                (o.note.empty() ? "" : "; " + o.note);
    MESSAGE(summary);
    for (const std::string& failure : o.failures) {
      const std::string message = o.name + ": " + failure;
      FAIL_CHECK(message);
    }
  }
}

}  // namespace nova
