#pragma once

#include <optional>
#include <string>

#include "nova/core/clock.h"
#include "nova/core/time.h"
#include "nova/scrape/prober.h"
#include "nova/tsdb/storage.h"

namespace nova::hostile::test {

/// The timeouts the prober-level tests configure, and how late a failure may come.
inline constexpr DurationMs kHealthTimeout = 2 * kSecond;
inline constexpr DurationMs kMetricsTimeout = 3 * kSecond;
inline constexpr DurationMs kConnectTimeout = kSecond;
inline constexpr DurationMs kSlack = 1500;

/// A target config for `healthUrl` and `metricsUrl` with the test timeouts, intervals long
/// enough that exactly one probe and one scrape start, and job/instance labels.
scrape::TargetConfig hostileTarget(std::string healthUrl, std::string metricsUrl);

/// One Prober with its own store, driven until its first probe and first scrape finish.
class ProbeRun {
 public:
  explicit ProbeRun(scrape::TargetConfig config);

  /// Polls for at most `maxWaitMs`; records the first event of each kind.
  void poll(DurationMs maxWaitMs);
  /// Both the first probe and the first scrape have finished.
  bool done() const { return health_.has_value() && scrape_.has_value(); }
  /// Polls until done() or `deadlineMs` of wall time passed.
  void runUntilDone(DurationMs deadlineMs);

  const std::optional<scrape::ProbeEvent>& health() const { return health_; }
  const std::optional<scrape::ProbeEvent>& scrape() const { return scrape_; }
  /// The newest value of `name` with the target labels, nullopt when never written.
  std::optional<double> latest(std::string_view name) const;
  const scrape::Prober& prober() const { return prober_; }

 private:
  SystemClock clock_;
  tsdb::Storage storage_;
  scrape::Prober prober_;
  std::optional<scrape::ProbeEvent> health_;
  std::optional<scrape::ProbeEvent> scrape_;
};

/// VmRSS or VmHWM ("VmRSS:", "VmHWM:") of `/proc/<pid>/status` in KiB; pid 0 reads self.
long procStatusKib(const char* field, int pid = 0);
/// Resets this process's VmHWM to its current RSS (Linux clear_refs 5).
void resetPeakRss();

}  // namespace nova::hostile::test
