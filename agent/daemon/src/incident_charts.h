#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "nova/core/result.h"

namespace nova::daemon::detail {

/// The chart documents of incidents the agent rolled back: written once the rollback
/// completes, so the incident report can draw them after the store has moved on or the
/// agent restarted. Each is kept durably as `<stateDir>/incident-<id>-charts.json` (tmp,
/// fsync, rename) when the agent has a state directory, and the newest few in memory.
/// Thread-safe: the loop saves, the HTTP thread reads.
class IncidentCharts {
 public:
  /// Documents larger than this are refused; the dashboard's caps keep one near 50 KB.
  static constexpr std::size_t kMaxBytes = std::size_t{1} << 20;
  /// Documents kept in memory (for an agent without a state directory, and to spare reads).
  static constexpr std::size_t kInMemory = 4;

  /// `stateDir` "" keeps the documents in memory only.
  explicit IncidentCharts(std::string stateDir) : stateDir_(std::move(stateDir)) {}

  /// Saves `document` as incident `id`'s, replacing an earlier one. Errors: kInvalidInput
  /// for an id that is not a plain name (isValidIncidentId) or a document over kMaxBytes;
  /// the write's error when it fails (then it is in memory only).
  Status save(const std::string& id, std::string document);

  /// Incident `id`'s document. Errors: kInvalidInput for an id that is not a plain name;
  /// kNotFound when none was saved; the read's error otherwise.
  Result<std::string> load(const std::string& id) const;

  /// Whether incident `id` has a saved document (in memory or on disk).
  bool has(const std::string& id) const { return load(id).ok(); }

  /// 1 to 128 characters of [A-Za-z0-9._-], not starting with '.': safe in a file name.
  static bool isValidIncidentId(std::string_view id);

 private:
  std::string pathOf(const std::string& id) const;

  const std::string stateDir_;
  mutable std::mutex mutex_;
  std::deque<std::pair<std::string, std::string>> recent_;
};

}  // namespace nova::daemon::detail
