#include "nova/rollout/record_codec.h"

#include <algorithm>
#include <array>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>

#include "json_fields.h"
#include "nova/core/rfc3339.h"
#include "record_decode.h"

namespace nova::rollout {
namespace {

namespace json = boost::json;

constexpr std::array<std::string_view, 13> kKnownKeys{
    keys::kFormat,    keys::kId,         keys::kVersion,    keys::kPhase, keys::kStoppedIn,
    keys::kStartedAt, keys::kSwitchedAt, keys::kSnapshotId, keys::kBlue,  keys::kWindowOverride,
    keys::kSteps,     keys::kRevision,   keys::kLease};

std::string time(TimestampMs t) {
  return formatRfc3339(t, SubSecond::kMillis);
}

std::string encodeSteps(const Record& record) {
  json::array items;
  for (const StepRecord& step : record.steps) {
    items.push_back(json::object{{"phase", phaseName(step.phase)},
                                 {"step", step.name},
                                 {"result", stepResultName(step.result)},
                                 {"at", time(step.at)},
                                 {"detail", step.detail}});
  }
  return json::serialize(json::object{{"dropped", record.stepsDropped}, {"items", items}});
}

Annotations encodeUnbounded(const Record& r) {
  Annotations out;
  out[std::string(keys::kFormat)] = std::string(kRecordFormat);
  out[std::string(keys::kId)] = r.rolloutId;
  out[std::string(keys::kVersion)] = r.version;
  out[std::string(keys::kPhase)] = std::string(phaseName(r.phase));
  if (r.stoppedIn) {
    out[std::string(keys::kStoppedIn)] = std::string(phaseName(*r.stoppedIn));
  }
  out[std::string(keys::kStartedAt)] = time(r.startedAt);
  if (r.switchedAt) {
    out[std::string(keys::kSwitchedAt)] = time(*r.switchedAt);
  }
  if (!r.snapshotId.empty()) {
    out[std::string(keys::kSnapshotId)] = r.snapshotId;
  }
  if (r.blue) {
    out[std::string(keys::kBlue)] =
        json::serialize(json::object{{"replicas", r.blue->replicas}, {"image", r.blue->image}});
  }
  if (r.windowOverride) {
    out[std::string(keys::kWindowOverride)] =
        json::serialize(json::object{{"reason", r.windowOverride->reason},
                                     {"by", r.windowOverride->by},
                                     {"at", time(r.windowOverride->at)}});
  }
  out[std::string(keys::kSteps)] = encodeSteps(r);
  out[std::string(keys::kRevision)] = std::to_string(r.revision);
  return out;
}

}  // namespace

std::size_t annotationsSize(const Annotations& annotations) {
  std::size_t total = 0;
  for (const auto& [key, value] : annotations) {
    total += key.size() + value.size();
  }
  return total;
}

Result<Annotations> encodeRecord(const Record& record, const RecordLimits& limits) {
  Record bounded = record;
  Annotations out = encodeUnbounded(bounded);
  while (annotationsSize(out) > limits.maxRecordBytes && !bounded.steps.empty()) {
    bounded.steps.erase(bounded.steps.begin());
    ++bounded.stepsDropped;
    out = encodeUnbounded(bounded);
  }
  if (annotationsSize(out) > limits.maxRecordBytes) {
    return Error(ErrorCode::kInvalidInput, "the rollout record needs " +
                                               std::to_string(annotationsSize(out)) +
                                               " bytes of annotations, over its limit of " +
                                               std::to_string(limits.maxRecordBytes));
  }
  return out;
}

std::string encodeLease(const Lease& lease) {
  return json::serialize(json::object{{"holder", lease.holder},
                                      {"instance", lease.instance},
                                      {"who", lease.who},
                                      {"acquired", time(lease.acquiredAt)},
                                      {"renewed", time(lease.renewedAt)},
                                      {"durationMs", lease.duration},
                                      {"transitions", lease.transitions}});
}

Result<Lease> decodeLease(std::string_view value) {
  const std::string where = "annotation " + std::string(keys::kLease);
  auto parsed = detail::parseJson(value, where);
  if (!parsed) {
    return parsed.error();
  }
  detail::FieldReader reader(*parsed, where);
  Lease lease;
  lease.holder = reader.text("holder").value_or("");
  lease.instance = reader.text("instance").value_or("");
  lease.who = reader.text("who").value_or("");
  lease.acquiredAt = reader.time("acquired").value_or(0);
  lease.renewedAt = reader.time("renewed").value_or(0);
  lease.duration = reader.integer("durationMs", true, 1).value_or(1);
  lease.transitions = reader.integer("transitions").value_or(0);
  if (Status done = reader.finish(); !done) {
    return done.error();
  }
  if (Status id = validateRolloutId(lease.holder); !id) {
    return detail::invalid(keys::kLease, "holder: " + id.error().message);
  }
  if (lease.instance.empty()) {
    return detail::invalid(keys::kLease, "instance is empty");
  }
  return lease;
}

Result<DecodedAnnotations> decodeAnnotations(const Annotations& annotations,
                                             const RecordLimits& limits) {
  Annotations ours;
  for (const auto& [key, value] : annotations) {
    if (!key.starts_with(keys::kRecordKeyPrefix)) {
      continue;
    }
    if (std::find(kKnownKeys.begin(), kKnownKeys.end(), key) == kKnownKeys.end()) {
      return detail::invalid(key,
                             "unknown rollout annotation (written by another novactl version?)");
    }
    ours.emplace(key, value);
  }
  if (annotationsSize(ours) > limits.maxRecordBytes + 1024) {
    return Error(ErrorCode::kInvalidInput,
                 "the rollout annotations total " + std::to_string(annotationsSize(ours)) +
                     " bytes, over the record's limit of " + std::to_string(limits.maxRecordBytes));
  }
  DecodedAnnotations out;
  if (const auto lease = ours.find(std::string(keys::kLease)); lease != ours.end()) {
    auto decoded = decodeLease(lease->second);
    if (!decoded) {
      return decoded.error();
    }
    out.lease = std::move(decoded).value();
    ours.erase(std::string(keys::kLease));
  }
  if (!ours.empty()) {
    auto record = detail::decodeRecord(ours, limits);
    if (!record) {
      return record.error();
    }
    out.record = std::move(record).value();
  }
  return out;
}

}  // namespace nova::rollout
