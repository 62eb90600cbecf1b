#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "capture_receiver.h"

namespace nova::testing {

/// Slack incoming webhook (specs/slack.md §4, §5): 200 "ok"; 400 "invalid_payload" for a
/// wrong Content-Type or non-JSON body; 400 "no_text" without text and blocks; 400
/// "invalid_blocks" over the limits (50 blocks, header 150, section 3000, 10 fields of
/// 2000 characters).
Responder slackDouble();

/// Generic webhook and Alertmanager: 200 with an empty body for JSON, 415 otherwise.
Responder jsonOkDouble();

/// PagerDuty Events v2 (specs/pagerduty.md §4): validates the event and answers 202 with
/// status, message and dedup_key, or 400 "invalid event" with errors[]. Keeps per-key
/// state: a trigger on a key that is not open opens a new alert (counted in pages()).
class PagerDutyDouble {
 public:
  Responder responder();
  /// Alerts opened (pages) so far.
  int pages() const;
  /// "open", "resolved", or "" for an unknown key.
  std::string state(const std::string& dedupKey) const;

 private:
  http::ServerResponse handle(const Captured& request);
  mutable std::mutex mutex_;
  std::map<std::string, std::string> states_;
  int pages_ = 0;
};

}  // namespace nova::testing
