#pragma once

#include "nova/rollout/traffic_object.h"
#include "nova/traffic/nginx_switch.h"

namespace nova::rollout {

/// Blue-green on plain hosts: the upstream include decides where traffic goes and the
/// record file beside it (recordFileFor) holds the record and lease.
///
/// Two files cannot change in one write, so the switch is a small journal: the record is
/// written first (the decision, with switchedAt) together with a pending marker holding the
/// include as it was, then the include is rewritten and nginx reloaded. A read that finds
/// the marker while the include is still exactly as it was knows the move never happened
/// (a crash or a failed reload in between) and shows the record as not yet switched, so a
/// resumed run switches again; an include that changed (green, or a rollback to blue)
/// shows the record as written.
class NginxTrafficObject final : public TrafficObject {
 public:
  NginxTrafficObject(traffic::NginxSwitchOptions options, const Clock& clock);

  Result<TrafficRead> read() override;
  Status apply(const TrafficRead& read, const RecordPatch& patch) override;
  Result<std::string> switchToGreen(const TrafficRead& read, const Record& next,
                                    const Lease& held) override;
  std::string backup(const TrafficRead& read) const override;
  std::string describe() const override;
  std::optional<std::int64_t> blueReady() override;
  Result<BlueBefore> blueBefore() override;
  Status scaleBlue(std::int64_t replicas) override;
  traffic::WeightedSwitch& weights() override { return switch_; }
  /// The include naming blue alone, as green's weight 0 writes it.
  Result<std::string> planToBlue() override { return switch_.planGreenWeight(0); }

 private:
  /// Writes `after` over the file if it still is what `read` saw (kConflict otherwise).
  Status write(const TrafficRead& read, Annotations after);

  traffic::NginxSwitchOptions options_;
  traffic::NginxSwitch switch_;
  std::string recordFile_;
};

}  // namespace nova::rollout
