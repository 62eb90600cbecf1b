#include "nova/kube/leader_election.h"

namespace nova::kube {
namespace {

std::int64_t wholeSeconds(DurationMs d) {
  return (d + kSecond - 1) / kSecond;
}

}  // namespace

Status checkTimings(const ElectionTimings& t) {
  if (t.retryPeriod <= 0) {
    return Error(ErrorCode::kInvalidInput, "retry_period must be positive");
  }
  if (t.renewDeadline * 10 <= t.retryPeriod * 12) {
    return Error(ErrorCode::kInvalidInput, "renew_deadline must be more than 1.2 x retry_period (" +
                                               std::to_string(t.renewDeadline) + " ms vs " +
                                               std::to_string(t.retryPeriod) + " ms)");
  }
  if (t.leaseDuration <= t.renewDeadline) {
    return Error(ErrorCode::kInvalidInput, "lease_duration must be more than renew_deadline (" +
                                               std::to_string(t.leaseDuration) + " ms vs " +
                                               std::to_string(t.renewDeadline) + " ms)");
  }
  return {};
}

std::string_view toString(LeadershipChange::Kind kind) {
  switch (kind) {
    case LeadershipChange::Kind::kAcquired:
      return "acquired";
    case LeadershipChange::Kind::kLost:
      return "lost";
    case LeadershipChange::Kind::kObserved:
      return "observed";
  }
  return "observed";
}

LeaderElection::LeaderElection(std::string identity, ElectionTimings timings)
    : identity_(std::move(identity)), timings_(timings) {}

LeaseRecord LeaderElection::ownRecord(TimestampMs wall) const {
  LeaseRecord r;
  r.holderIdentity = identity_;
  r.leaseDurationSeconds = wholeSeconds(timings_.leaseDuration);
  r.renewTime = wall;
  if (observed_ && observed_->holderIdentity == identity_) {
    r.acquireTime = observed_->acquireTime.value_or(wall);
    r.leaseTransitions = observed_->leaseTransitions;
  } else {
    r.acquireTime = wall;
    r.leaseTransitions = observed_ ? observed_->leaseTransitions + 1 : 0;
  }
  return r;
}

std::optional<LeaseWrite> LeaderElection::observed(const std::optional<LeaseObject>& lease,
                                                   MonoTime mono, TimestampMs wall) {
  expire(mono);    // with the last failure as the reason, if it steps down here
  error_.clear();  // the read succeeded; a failed write sets it again
  if (!lease) {
    observed_.reset();
    resourceVersion_.clear();
    return LeaseWrite{LeaseWrite::Kind::kCreate, ownRecord(wall), "", "acquire"};
  }
  resourceVersion_ = lease->resourceVersion;
  const LeaseRecord& record = lease->record;
  if (!observed_ || *observed_ != record) {
    const bool newHolder = !observed_ || observed_->holderIdentity != record.holderIdentity;
    observed_ = record;
    observedAt_ = mono;
    if (newHolder && !record.holderIdentity.empty() && record.holderIdentity != identity_) {
      if (leading_) {
        stepDown("the lease is now held by " + record.holderIdentity);
      }
      changes_.push_back({LeadershipChange::Kind::kObserved, record.holderIdentity,
                          "the lease names another holder", record.leaseTransitions});
    }
  }
  const bool heldByOther = !record.holderIdentity.empty() && record.holderIdentity != identity_;
  if (heldByOther && observedAt_ + record.leaseDurationSeconds * kSecond > mono) {
    return std::nullopt;
  }
  const std::string_view purpose = record.holderIdentity == identity_ ? "renew"
                                   : heldByOther                      ? "takeover"
                                                                      : "acquire";
  return LeaseWrite{LeaseWrite::Kind::kUpdate, ownRecord(wall), lease->resourceVersion, purpose};
}

void LeaderElection::written(const LeaseObject& answer, MonoTime sentAt) {
  error_.clear();
  observed_ = answer.record;
  observedAt_ = sentAt;
  resourceVersion_ = answer.resourceVersion;
  if (answer.record.holderIdentity != identity_) {
    return;  // the release
  }
  renewedAt_ = sentAt;
  lastRenew_ = answer.record.renewTime;
  if (!leading_) {
    // A renewal sent after the deadline that still succeeded re-acquires: the write's
    // resourceVersion proves nobody else wrote in between.
    leading_ = true;
    since_ = answer.record.renewTime;
    changes_.push_back({LeadershipChange::Kind::kAcquired, identity_,
                        answer.record.leaseTransitions == 0 ? "created the lease"
                                                            : "wrote the lease as its holder",
                        answer.record.leaseTransitions});
  }
}

void LeaderElection::failed(std::string error, MonoTime mono) {
  error_ = std::move(error);
  expire(mono);
}

void LeaderElection::expire(MonoTime mono) {
  if (leading_ && mono >= renewedAt_ + timings_.renewDeadline) {
    stepDown("no renewal succeeded within renew_deadline (" +
             std::to_string(timings_.renewDeadline) + " ms)" +
             (error_.empty() ? "" : ": " + error_));
  }
}

std::optional<LeaseWrite> LeaderElection::release(TimestampMs wall) {
  if (!leading_ || !observed_ || observed_->holderIdentity != identity_) {
    return std::nullopt;
  }
  stepDown("released on stop");
  LeaseRecord r = *observed_;
  r.holderIdentity.clear();
  r.leaseDurationSeconds = 1;
  r.renewTime = wall;
  return LeaseWrite{LeaseWrite::Kind::kUpdate, std::move(r), resourceVersion_, "release"};
}

void LeaderElection::stepDown(std::string reason) {
  leading_ = false;
  changes_.push_back({LeadershipChange::Kind::kLost, observed_ ? observed_->holderIdentity : "",
                      std::move(reason), observed_ ? observed_->leaseTransitions : 0});
}

bool LeaderElection::leading(MonoTime mono) const {
  return leading_ && mono < renewedAt_ + timings_.renewDeadline;
}

std::optional<MonoTime> LeaderElection::deadline() const {
  if (!leading_) {
    return std::nullopt;
  }
  return renewedAt_ + timings_.renewDeadline;
}

std::vector<LeadershipChange> LeaderElection::takeChanges() {
  return std::exchange(changes_, {});
}

LeadershipView LeaderElection::view() const {
  LeadershipView v;
  v.identity = identity_;
  v.holder = observed_ ? observed_->holderIdentity : "";
  v.leading = leading_;
  v.since = since_;
  v.transitions = observed_ ? observed_->leaseTransitions : 0;
  v.lastRenew = lastRenew_;
  v.error = error_;
  return v;
}

}  // namespace nova::kube
