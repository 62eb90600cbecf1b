#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "nova/core/clock.h"
#include "nova/core/time.h"
#include "nova/remote/answer.h"
#include "nova/remote/source.h"
#include "nova/rules/remote_answers.h"

namespace nova::remote {

/// The configured sources by name. `source: prometheus` in a rule names the source called
/// "prometheus", or the only source when exactly one is configured.
class SourceSet {
 public:
  explicit SourceSet(std::vector<SourceConfig> sources = {});
  /// The source a rule's `source:` names, or nullptr.
  const SourceConfig* find(const std::string& name) const;
  const std::vector<SourceConfig>& all() const { return sources_; }
  bool empty() const { return sources_.empty(); }

 private:
  std::vector<SourceConfig> sources_;
};

/// A remote source's state for /status.
struct SourceStatus {
  std::uint64_t queries = 0;
  std::uint64_t failures = 0;
  /// The last failure's reason and time (wall ms of the round); empty when none yet.
  std::string lastError;
  std::optional<TimestampMs> lastErrorAt;
  /// The last round's slowest query on this source (ms).
  DurationMs lastDuration = 0;
};

/// One completed round: the answers at `at`.
struct RoundResult {
  TimestampMs at = 0;
  rules::RemoteAnswers answers;
};

struct RoundOptions {
  /// Remote queries in flight at once.
  std::size_t maxConcurrent = 8;
  /// A round's queries all end within this (ms); 0: the largest source timeout.
  DurationMs budget = 0;
  /// A round older than this (ms of evaluation time) is not used: its rules are unknown
  /// ("no remote answer for ...").
  DurationMs maxAge = 30 * kSecond;
};

/// Called on the rounds' thread after each query: source, outcome, duration (ms).
using QueryObserver = std::function<void(const std::string&, Outcome, DurationMs)>;

/// Remote rule evaluation off the caller's thread, so the daemon's tick never waits on the
/// network. request() hands over the queries of a tick at its evaluation time and returns
/// at once; a thread runs them concurrently (QueryRunner: bounded in number and by the
/// round's budget) and publishes the answers. A request made while a round runs replaces
/// any older waiting one (never a backlog). answersFor() gives a tick the newest completed
/// round: remote rules are judged one round behind (at most one eval interval plus the
/// budget), which is the price of never delaying the local rules.
///
/// Thread-safe. The destructor stops the thread within the running round's budget.
class RemoteRounds {
 public:
  RemoteRounds(SourceSet sources, RoundOptions options, const Clock& clock,
               QueryObserver observer = {});
  ~RemoteRounds();
  RemoteRounds(const RemoteRounds&) = delete;
  RemoteRounds& operator=(const RemoteRounds&) = delete;

  /// Queues a round of `queries` at `at` (ms). Queries naming no configured source are
  /// answered at once with "remote source ... not configured" in answersFor().
  void request(std::vector<rules::RemoteQuery> queries, TimestampMs at);

  /// The answers of the newest completed round for a tick at `now` (ms), plus an answer
  /// for every query in `wanted` that round lacks: "no remote answer yet" before the
  /// first round, "remote answer is N ms old" when it is older than maxAge.
  rules::RemoteAnswers answersFor(const std::vector<rules::RemoteQuery>& wanted,
                                  TimestampMs now) const;

  /// Each source's counts and last error, by name.
  std::map<std::string, SourceStatus> status() const;

  /// The bound of one round (ms): RoundOptions::budget, or the largest source timeout.
  DurationMs budget() const { return options_.budget; }

  /// Blocks until no round waits or runs; false after `timeout`.
  bool waitIdle(DurationMs timeout) const;

 private:
  void loop();

  SourceSet sources_;
  RoundOptions options_;
  const Clock& clock_;
  QueryObserver observer_;
  mutable Wakeup wakeup_;
  // Guarded by wakeup_.mutex().
  std::optional<std::pair<std::vector<rules::RemoteQuery>, TimestampMs>> pending_;
  bool running_ = false;
  bool stopping_ = false;
  std::shared_ptr<const RoundResult> latest_;
  std::map<std::string, SourceStatus> status_;
  std::thread thread_;
};

}  // namespace nova::remote
