#include "faults.h"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>

namespace nova::demo {
namespace {

namespace json = boost::json;

constexpr std::int64_t kMaxLatencyMs = 60'000;
// The error spread counts in parts per million so that 0.1 is exactly one in ten.
constexpr std::int64_t kPpm = 1'000'000;

Result<double> readRatio(const json::value& value, std::string_view field) {
  if (!value.is_number()) {
    return Error{ErrorCode::kInvalidInput, std::string(field) + ": expected a number in [0, 1]"};
  }
  const double ratio = value.to_number<double>();
  if (!(ratio >= 0.0 && ratio <= 1.0)) {
    return Error{ErrorCode::kInvalidInput,
                 std::string(field) + ": " + json::serialize(value) + " is outside [0, 1]"};
  }
  return ratio;
}

Result<std::int64_t> readMillis(const json::value& value, std::string_view field) {
  if (!value.is_number()) {
    return Error{ErrorCode::kInvalidInput,
                 std::string(field) + ": expected a number of milliseconds"};
  }
  const double ms = value.to_number<double>();
  if (!(ms >= 0.0 && ms <= static_cast<double>(kMaxLatencyMs))) {
    return Error{ErrorCode::kInvalidInput,
                 std::string(field) + ": " + json::serialize(value) + " is outside [0, 60000]"};
  }
  return static_cast<std::int64_t>(std::llround(ms));
}

Result<bool> readBool(const json::value& value, std::string_view field) {
  if (!value.is_bool()) {
    return Error{ErrorCode::kInvalidInput, std::string(field) + ": expected true or false"};
  }
  return value.get_bool();
}

// Copies a parsed field into the patch, or returns the field's error.
template <typename T>
Status assign(Result<T> parsed, std::optional<T>& slot) {
  if (!parsed) {
    return parsed.error();
  }
  slot = *parsed;
  return {};
}

Status readField(std::string_view key, const json::value& value, FaultPatch& patch) {
  if (key == "error_ratio") {
    return assign(readRatio(value, key), patch.errorRatio);
  }
  if (key == "ws_drop_ratio") {
    return assign(readRatio(value, key), patch.wsDropRatio);
  }
  if (key == "added_latency_ms") {
    return assign(readMillis(value, key), patch.addedLatencyMs);
  }
  if (key == "db_latency_ms") {
    return assign(readMillis(value, key), patch.dbLatencyMs);
  }
  if (key == "health_down") {
    return assign(readBool(value, key), patch.healthDown);
  }
  if (key == "metrics_down") {
    return assign(readBool(value, key), patch.metricsDown);
  }
  if (key == "data_loss") {
    return assign(readBool(value, key), patch.dataLoss);
  }
  return Error{ErrorCode::kInvalidInput,
               std::string(key) +
                   ": unknown fault (known: error_ratio, added_latency_ms, health_down, "
                   "ws_drop_ratio, metrics_down, data_loss, db_latency_ms)"};
}

}  // namespace

Result<FaultPatch> parseFaultPatch(std::string_view text) {
  boost::system::error_code ec;
  const json::value doc = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) {
    return Error{ErrorCode::kInvalidInput, "faults: invalid JSON: " + ec.message()};
  }
  if (!doc.is_object()) {
    return Error{ErrorCode::kInvalidInput, "faults: expected a JSON object"};
  }
  FaultPatch patch;
  for (const auto& field : doc.get_object()) {
    const std::string_view key(field.key().data(), field.key().size());
    if (Status status = readField(key, field.value(), patch); !status) {
      return status.error().prefixed("faults: ");
    }
  }
  return patch;
}

std::string faultSetToJson(const FaultSet& faults) {
  // Boost.JSON would print 0.5 as 5E-1; shortest round-trip decimal reads better.
  const auto number = [](double value) {
    char text[32];
    const auto result = std::to_chars(text, text + sizeof text, value);
    return std::string(text, result.ptr);
  };
  const auto boolean = [](bool value) { return value ? "true" : "false"; };
  return std::string("{\"error_ratio\":") + number(faults.errorRatio) +
         ",\"added_latency_ms\":" + std::to_string(faults.addedLatencyMs) +
         ",\"health_down\":" + boolean(faults.healthDown) +
         ",\"ws_drop_ratio\":" + number(faults.wsDropRatio) +
         ",\"metrics_down\":" + boolean(faults.metricsDown) +
         ",\"data_loss\":" + boolean(faults.dataLoss) +
         ",\"db_latency_ms\":" + std::to_string(faults.dbLatencyMs) + "}";
}

FaultSet FaultControl::apply(const FaultPatch& patch) {
  std::lock_guard lock(mutex_);
  if (patch.errorRatio && *patch.errorRatio != faults_.errorRatio) {
    faults_.errorRatio = *patch.errorRatio;
    apiRequests_ = 0;
  }
  faults_.addedLatencyMs = patch.addedLatencyMs.value_or(faults_.addedLatencyMs);
  faults_.healthDown = patch.healthDown.value_or(faults_.healthDown);
  faults_.wsDropRatio = patch.wsDropRatio.value_or(faults_.wsDropRatio);
  faults_.metricsDown = patch.metricsDown.value_or(faults_.metricsDown);
  faults_.dataLoss = patch.dataLoss.value_or(faults_.dataLoss);
  faults_.dbLatencyMs = patch.dbLatencyMs.value_or(faults_.dbLatencyMs);
  return faults_;
}

void FaultControl::reset() {
  std::lock_guard lock(mutex_);
  faults_ = FaultSet{};
  apiRequests_ = 0;
}

FaultSet FaultControl::current() const {
  std::lock_guard lock(mutex_);
  return faults_;
}

bool FaultControl::nextApiRequestFails() {
  std::lock_guard lock(mutex_);
  const auto ppm = static_cast<std::uint64_t>(std::llround(faults_.errorRatio * kPpm));
  const std::uint64_t n = apiRequests_++;
  return (n + 1) * ppm / kPpm > n * ppm / kPpm;
}

}  // namespace nova::demo
