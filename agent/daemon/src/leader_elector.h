#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "nova/core/clock.h"
#include "nova/core/random.h"
#include "nova/core/result.h"
#include "nova/daemon/config.h"
#include "nova/daemon/metrics.h"
#include "nova/kube/leader_election.h"
#include "nova/kube/lease.h"

namespace nova::daemon::detail {

/// The agent's side of leader election: runs kube::LeaderElection's rounds against the
/// Lease on a thread of its own (a slow API server never delays probes or ticks), logs
/// each change (acquired, lost, another holder observed), keeps the metrics, and answers
/// leading() at any instant from the monotonic clock, so the gate closes at the renew
/// deadline even while a request hangs. A graceful stop releases a held Lease so another
/// agent takes over at once. Thread-safe.
class LeaderElector {
 public:
  /// The elector for `config`; errors name leader_election (no API server, bad identity).
  /// `clock` and `metrics` must outlive it.
  static Result<std::unique_ptr<LeaderElector>> make(const LeaderElectionConfig& config,
                                                     const Clock& clock, AgentMetrics& metrics);
  /// Stops the rounds and releases the Lease if held.
  ~LeaderElector();
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  /// Starts the rounds; `wake` interrupts the loop's wait after a change of leadership.
  void start(std::function<void()> wake);
  /// Stops the rounds (waiting for one in flight) and releases the Lease if held.
  void stop();
  /// This agent leads now: the gate of every action.
  bool leading() const;
  /// /status "leader": {enabled, identity, lease, holder, is_leader, since, transitions,
  /// last_renew, error}.
  std::string statusJson() const;
  const std::string& identity() const { return identity_; }

 private:
  LeaderElector(kube::ClusterConfig cluster, kube::ClientOptions options,
                const LeaderElectionConfig& config, std::string identity, const Clock& clock,
                AgentMetrics& metrics);
  void run();
  void round();
  // Carries out `write`; reports the outcome to the election.
  void carryOut(const kube::LeaseWrite& write);
  // Logs and counts the election's changes; true when there were any.
  bool report();
  DurationMs nextWait();

  // Before the lock: its Client jitters with it.
  SystemRandom random_;
  kube::LeaseLock lock_;
  std::string identity_;
  std::string lease_;
  const Clock& clock_;
  AgentMetrics& metrics_;
  mutable Wakeup wakeup_;
  kube::LeaderElection election_;
  std::function<void()> wake_;
  bool stop_ = false;
  bool wasLeading_ = false;
  std::thread thread_;
};

/// The identity a candidate without a configured one takes: $POD_NAME (stable across a
/// container's restarts in its pod), else <hostname>_<pid> (two processes on one host
/// never share one).
std::string defaultIdentity();

}  // namespace nova::daemon::detail
