#include "nova/watch/baseline.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <variant>

#include "nova/core/rfc3339.h"
#include "nova/core/sample.h"
#include "nova/promql/engine.h"
#include "nova/promql/parser.h"

namespace nova::watch {
namespace {

// The value of a recipe's result: a vector's one sample or a scalar; nullopt when it has
// none or it is not a number (0 requests give a share of NaN: no baseline for it).
std::optional<double> single(const promql::Value& value) {
  std::optional<double> v;
  if (const auto* scalar = std::get_if<promql::Scalar>(&value)) {
    v = scalar->v;
  } else if (const auto* vector = std::get_if<promql::Vector>(&value);
             vector != nullptr && vector->size() == 1) {
    v = vector->front().v;
  }
  if (v && !std::isfinite(*v)) {
    return std::nullopt;
  }
  return v;
}

// The shortest text that reads back as `v` (100, 0.015).
std::string shortest(double v) {
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, v).ptr;
  return std::string(text, end);
}

// "(<switch time>) from blue's last <window>: name=value ...", for the log.
std::string describe(const Baseline& baseline) {
  std::string text = "(" + formatRfc3339(baseline.switchedAt) + ") from blue's last " +
                     formatDuration(baseline.window) + ":";
  for (const BaselineValue& v : baseline.values) {
    text += " " + v.name + "=" + shortest(v.value);
  }
  return text;
}

std::string withWindow(std::string_view expr, const std::string& window) {
  std::string out(expr);
  for (auto at = out.find("$window"); at != std::string::npos; at = out.find("$window", at)) {
    out.replace(at, 7, window);
    at += window.size();
  }
  return out;
}

// The oldest sample of `blue` at or before `switchedAt` (stale markers aside), when some
// sample lies in (switchedAt - window, switchedAt): blue was scraped in the window.
std::optional<TimestampMs> oldestScrape(const tsdb::Storage& blue, TimestampMs switchedAt,
                                        DurationMs window) {
  std::optional<TimestampMs> oldest;
  bool inWindow = false;
  blue.forEachSeries([&](tsdb::SeriesId id, const Labels&) {
    for (const Sample& s : blue.samples(id)) {
      if (s.t > switchedAt) {
        break;
      }
      if (isStaleNaN(s.v)) {
        continue;
      }
      oldest = std::min(oldest.value_or(s.t), s.t);
      inWindow = inWindow || (s.t > switchedAt - window && s.t < switchedAt);
    }
  });
  return inWindow ? oldest : std::nullopt;
}

}  // namespace

const std::vector<BaselineRecipe>& baselineRecipes() {
  static const std::vector<BaselineRecipe> recipes{
      {"baseline:nova_http_requests:rate", "sum(rate(nova_http_requests_total[$window]))"},
      {"baseline:nova_http_error_ratio:rate",
       "(sum(rate(nova_http_errors_total[$window])) or vector(0))"
       " / sum(rate(nova_http_requests_total[$window]))"},
      {"baseline:nova_http_requests_within_200ms:ratio",
       "sum(rate(nova_http_request_duration_seconds_bucket{le=\"0.2\"}[$window]))"
       " / sum(rate(nova_http_request_duration_seconds_count[$window]))"},
      {"baseline:nova_streaming_websocket_connections:avg",
       "sum(avg_over_time(nova_streaming_websocket_connections[$window]))"},
  };
  return recipes;
}

Result<Baseline> summarizeBlue(const tsdb::Storage& blue, TimestampMs switchedAt,
                               DurationMs window) {
  const std::string span = formatDuration(window);
  const auto oldest = oldestScrape(blue, switchedAt, window);
  if (!oldest) {
    return Error(ErrorCode::kNotFound, "blue was not scraped in the " + span +
                                           " before the switch (at " + formatRfc3339(switchedAt) +
                                           ")");
  }
  // Blue scraped for less than the window (the agent started shortly before the switch):
  // the rates are taken over the span scraped, which a rate over the whole window would
  // dilute with the minutes nobody saw. The oldest sample itself falls just outside the
  // range (ranges are open at their start) and anchors rate()'s extrapolation, as the
  // sample before a full window does.
  const DurationMs covered = std::min(window, switchedAt - *oldest);
  const promql::Engine engine;
  Baseline baseline{switchedAt, covered, {}};
  for (const BaselineRecipe& recipe : baselineRecipes()) {
    auto parsed = promql::parse(withWindow(recipe.expr, formatDuration(covered)));
    if (!parsed.ok()) {
      return Error(ErrorCode::kInternal,
                   std::string("baseline recipe ") + std::string(recipe.name) + " does not parse");
    }
    auto value = engine.instant(parsed.expr(), blue, switchedAt);
    if (!value.ok()) {
      continue;  // a bound of the engine: this summary is missing, the others stand
    }
    if (const auto v = single(*value)) {
      baseline.values.push_back({std::string(recipe.name), *v});
    }
  }
  if (baseline.values.empty()) {
    return Error(ErrorCode::kNotFound, "blue was not scraped in the " + span +
                                           " before the switch (at " + formatRfc3339(switchedAt) +
                                           ")");
  }
  return baseline;
}

tsdb::Limits blueStoreLimits(const BaselineOptions& options) {
  tsdb::Limits limits;
  limits.retention = options.window + 5 * kMinute;
  limits.maxSeries = 20'000;
  limits.maxBytes = std::size_t{64} << 20;
  return limits;
}

std::string_view baselineStateName(BaselineState state) {
  switch (state) {
    case BaselineState::kWaiting:
      return "waiting";
    case BaselineState::kFrozen:
      return "frozen";
    case BaselineState::kExpired:
      return "expired";
    case BaselineState::kNone:
      return "none";
  }
  return "none";
}

BaselineKeeper::BaselineKeeper(BaselineOptions options) : options_(options) {}

std::optional<std::string> BaselineKeeper::step(const tsdb::Storage* blue,
                                                std::optional<TimestampMs> switchedAt,
                                                TimestampMs now) {
  if (switchedAt != switchedAt_) {
    // Another rollout's switch (or the first one known): what was frozen belongs to the
    // previous one.
    switchedAt_ = switchedAt;
    state_ = BaselineState::kWaiting;
    baseline_.reset();
    reason_.clear();
    restored_ = false;
  }
  if (!switchedAt_) {
    return std::nullopt;
  }
  if (offered_ && offered_->switchedAt != *switchedAt_) {
    offered_.reset();  // frozen for an earlier rollout
  }
  if (state_ == BaselineState::kWaiting && offered_ && now >= *switchedAt_) {
    baseline_ = std::move(*offered_);
    offered_.reset();
    state_ = BaselineState::kFrozen;
    restored_ = true;
    return "baseline: restored, as frozen at the switch " + describe(*baseline_);
  }
  if (state_ == BaselineState::kWaiting && now >= *switchedAt_) {
    if (blue == nullptr) {
      state_ = BaselineState::kNone;
      reason_ = "blue is not configured (baseline: in the agent config)";
      return "baseline: none for the switch at " + formatRfc3339(*switchedAt_) + ": " + reason_;
    }
    auto summary = summarizeBlue(*blue, *switchedAt_, options_.window);
    if (!summary.ok()) {
      state_ = BaselineState::kNone;
      reason_ = summary.error().message;
      return "baseline: none: " + reason_ + "; the rules judge green by its own history";
    }
    baseline_ = std::move(summary).value();
    state_ = BaselineState::kFrozen;
    return "baseline: frozen at the switch " + describe(*baseline_);
  }
  if (state_ == BaselineState::kFrozen && now >= *switchedAt_ + options_.keep) {
    state_ = BaselineState::kExpired;
    return "baseline: expired " + formatDuration(options_.keep) +
           " after the switch; the rules judge green by its own history";
  }
  return std::nullopt;
}

void BaselineKeeper::offer(Baseline restored) {
  offered_ = std::move(restored);
}

void BaselineKeeper::write(tsdb::ScrapeAppender& appender, TimestampMs now) {
  if (lastWritten_ && now <= *lastWritten_) {
    return;  // one sample per series and time; an earlier time would only be refused
  }
  lastWritten_ = now;
  appender.begin(now);
  if (state_ == BaselineState::kFrozen && baseline_) {
    for (const BaselineValue& v : baseline_->values) {
      appender.add(
          v.name,
          [&] {
            return Labels{{"__name__", v.name}};
          },
          v.value);
    }
  }
  appender.commit();
}

std::string BaselineKeeper::statusJson() const {
  boost::json::object out;
  out["state"] = std::string(baselineStateName(state_));
  out["source"] = "blue";
  out["window_seconds"] = options_.window / kSecond;
  out["keep_seconds"] = options_.keep / kSecond;
  // Less than the window when blue was first scraped after the window's start.
  out["summarized_seconds"] = baseline_
                                  ? boost::json::value(static_cast<double>(baseline_->window) /
                                                       static_cast<double>(kSecond))
                                  : boost::json::value(nullptr);
  out["switched_at"] =
      switchedAt_ ? boost::json::value(formatRfc3339(*switchedAt_)) : boost::json::value(nullptr);
  out["expires_at"] = switchedAt_ && baseline_
                          ? boost::json::value(formatRfc3339(*switchedAt_ + options_.keep))
                          : boost::json::value(nullptr);
  boost::json::object values;
  if (baseline_) {
    for (const BaselineValue& v : baseline_->values) {
      values[v.name] = v.value;
    }
  }
  out["values"] = std::move(values);
  out["reason"] = reason_;
  return boost::json::serialize(out);
}

}  // namespace nova::watch
