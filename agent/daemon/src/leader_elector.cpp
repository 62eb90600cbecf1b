#include "leader_elector.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <mutex>

#include "nova/core/rfc3339.h"
#include "targets.h"

namespace nova::daemon::detail {
namespace {

boost::json::value timeOrNull(const std::optional<TimestampMs>& t) {
  return t ? boost::json::value(formatRfc3339(*t, SubSecond::kMillis)) : nullptr;
}

}  // namespace

std::string defaultIdentity() {
  if (const char* pod = std::getenv("POD_NAME"); pod != nullptr && *pod != '\0') {
    return pod;
  }
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') {
    std::snprintf(host, sizeof host, "%s", "nova-agent");
  }
  return std::string(host) + "_" + std::to_string(getpid());
}

Result<std::unique_ptr<LeaderElector>> LeaderElector::make(const LeaderElectionConfig& config,
                                                           const Clock& clock,
                                                           AgentMetrics& metrics) {
  auto cluster = clusterFor("leader_election", config.server, config.kubeconfig, config.context,
                            config.tokenFile);
  if (!cluster.ok()) {
    return cluster.error();
  }
  // client-go's bound on one call: half the renew deadline (at least 1 s), tried once, so
  // a renewal can be tried again before the deadline passes.
  kube::ClientOptions options;
  options.timeout = std::max<DurationMs>(config.renewDeadline / 2, kSecond);
  options.connectTimeout = std::min<DurationMs>(options.timeout, 2 * kSecond);
  options.retry.attempts = 1;
  std::string identity = config.identity.empty() ? defaultIdentity() : config.identity;
  return std::unique_ptr<LeaderElector>(new LeaderElector(
      std::move(cluster).value(), options, config, std::move(identity), clock, metrics));
}

LeaderElector::LeaderElector(kube::ClusterConfig cluster, kube::ClientOptions options,
                             const LeaderElectionConfig& config, std::string identity,
                             const Clock& clock, AgentMetrics& metrics)
    : lock_(kube::Client(std::move(cluster), clock, random_, std::move(options)), config.ns,
            config.name),
      identity_(identity),
      lease_(config.ns + "/" + config.name),
      clock_(clock),
      metrics_(metrics),
      wakeup_(clock),
      election_(std::move(identity),
                {config.leaseDuration, config.renewDeadline, config.retryPeriod}) {
  metrics_.leader(lease_, identity_, false);
}

LeaderElector::~LeaderElector() {
  stop();
}

void LeaderElector::start(std::function<void()> wake) {
  wake_ = std::move(wake);
  spdlog::info(
      "leader election: {} is a candidate for {} (lease {} s, renew deadline {} ms, "
      "retry period {} ms)",
      identity_, lock_.describe(), election_.timings().leaseDuration / kSecond,
      election_.timings().renewDeadline, election_.timings().retryPeriod);
  thread_ = std::thread([this] { run(); });
}

void LeaderElector::stop() {
  {
    std::lock_guard lock(wakeup_.mutex());
    if (stop_ && !thread_.joinable()) {
      return;
    }
    stop_ = true;
  }
  wakeup_.notifyAll();
  if (thread_.joinable()) {
    thread_.join();
  }
  std::optional<kube::LeaseWrite> release;
  {
    std::lock_guard lock(wakeup_.mutex());
    release = election_.release(clock_.now());
  }
  if (release) {
    carryOut(*release);
  }
  report();
}

bool LeaderElector::leading() const {
  std::lock_guard lock(wakeup_.mutex());
  return election_.leading(clock_.monoNow());
}

void LeaderElector::run() {
  while (true) {
    round();
    const bool changed = report();
    if (changed && wake_) {
      wake_();
    }
    std::unique_lock lock(wakeup_.mutex());
    MonoTime next = clock_.monoNow() + nextWait();
    // A leader wakes at its deadline too, so the step-down is logged when it happens even
    // if the next round is later (the gate itself needs no wakeup: leading() reads the clock).
    if (auto deadline = election_.deadline(); deadline && *deadline < next) {
      next = *deadline;
    }
    if (wakeup_.waitUntil(lock, next, [this] { return stop_; })) {
      return;
    }
  }
}

DurationMs LeaderElector::nextWait() {
  const DurationMs period = election_.timings().retryPeriod;
  if (election_.leading(clock_.monoNow())) {
    return period;
  }
  // client-go's JitterFactor 1.2: candidates spread their rounds over x1..x2.2.
  return period + static_cast<DurationMs>(1.2 * static_cast<double>(period) * random_.uniform());
}

void LeaderElector::round() {
  auto read = lock_.get();
  std::optional<kube::LeaseWrite> write;
  {
    std::lock_guard lock(wakeup_.mutex());
    if (!read.ok()) {
      election_.failed(read.error().summary, clock_.monoNow());
      return;
    }
    write = election_.observed(*read, clock_.monoNow(), clock_.now());
  }
  if (write) {
    carryOut(*write);
  }
}

void LeaderElector::carryOut(const kube::LeaseWrite& write) {
  const MonoTime sent = clock_.monoNow();
  auto answer = write.kind == kube::LeaseWrite::Kind::kCreate
                    ? lock_.create(write.record)
                    : lock_.update(write.record, write.resourceVersion);
  std::lock_guard lock(wakeup_.mutex());
  if (answer.ok()) {
    election_.written(*answer, sent);
    return;
  }
  const bool conflict = answer.error().code() == ErrorCode::kConflict;
  election_.failed(
      std::string(write.purpose) + ": " +
          (conflict ? "another candidate wrote the lease first (409)" : answer.error().summary),
      clock_.monoNow());
  if (!conflict) {
    spdlog::debug("leader election: {} failed: {}", write.purpose, answer.error().summary);
  }
}

bool LeaderElector::report() {
  std::vector<kube::LeadershipChange> changes;
  bool leading = false;
  {
    std::lock_guard lock(wakeup_.mutex());
    election_.expire(clock_.monoNow());
    changes = election_.takeChanges();
    leading = election_.leading(clock_.monoNow());
  }
  for (const auto& c : changes) {
    metrics_.leaderTransition(kube::toString(c.kind));
    switch (c.kind) {
      case kube::LeadershipChange::Kind::kAcquired:
        spdlog::warn("leader election: {} leads on {} ({}; lease transitions {}): acting from now",
                     identity_, lock_.describe(), c.reason, c.transitions);
        break;
      case kube::LeadershipChange::Kind::kLost:
        spdlog::warn("leader election: {} stopped leading on {}: {}; shadow from now", identity_,
                     lock_.describe(), c.reason);
        break;
      case kube::LeadershipChange::Kind::kObserved:
        spdlog::info("leader election: {} holds {} (lease transitions {}); {} follows in shadow",
                     c.holder, lock_.describe(), c.transitions, identity_);
        break;
    }
  }
  if (leading != wasLeading_) {
    wasLeading_ = leading;
    metrics_.leader(lease_, identity_, leading);
  }
  return !changes.empty();
}

std::string LeaderElector::statusJson() const {
  kube::LeadershipView v;
  bool leading = false;
  {
    std::lock_guard lock(wakeup_.mutex());
    v = election_.view();
    leading = election_.leading(clock_.monoNow());
  }
  return boost::json::serialize(boost::json::object{
      {"enabled", true},
      {"identity", v.identity},
      {"lease", lease_},
      {"holder", v.holder.empty() ? boost::json::value(nullptr) : boost::json::value(v.holder)},
      {"is_leader", leading},
      {"since", leading ? timeOrNull(v.since) : nullptr},
      {"transitions", v.transitions},
      {"last_renew", timeOrNull(v.lastRenew)},
      {"error", v.error.empty() ? boost::json::value(nullptr) : boost::json::value(v.error)}});
}

}  // namespace nova::daemon::detail
