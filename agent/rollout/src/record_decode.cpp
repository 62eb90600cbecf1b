#include "record_decode.h"

#include <charconv>

#include "json_fields.h"
#include "nova/core/rfc3339.h"

namespace nova::rollout::detail {

Error invalid(std::string_view key, const std::string& message) {
  return Error(ErrorCode::kInvalidInput, "annotation " + std::string(key) + ": " + message);
}

namespace {

namespace json = boost::json;

const std::string* find(const Annotations& a, std::string_view key) {
  const auto it = a.find(std::string(key));
  return it == a.end() ? nullptr : &it->second;
}

Result<std::string> required(const Annotations& a, std::string_view key) {
  const std::string* value = find(a, key);
  if (value == nullptr) {
    return invalid(key, "missing (the record is incomplete)");
  }
  return *value;
}

Result<TimestampMs> timeAt(std::string_view key, const std::string& value) {
  auto parsed = parseRfc3339(value);
  if (!parsed) {
    return invalid(key, parsed.error().message);
  }
  return *parsed;
}

Result<Phase> phaseAt(std::string_view key, const std::string& value) {
  auto phase = parsePhase(value);
  if (!phase) {
    return invalid(key, "unknown phase \"" + value + "\"");
  }
  return *phase;
}

Status decodeSteps(const std::string& value, const RecordLimits& limits, Record& record) {
  const std::string where = "annotation " + std::string(keys::kSteps);
  auto parsed = detail::parseJson(value, where);
  if (!parsed) {
    return parsed.error();
  }
  detail::FieldReader reader(*parsed, where);
  record.stepsDropped = reader.integer("dropped").value_or(0);
  const json::value* items = reader.member("items");
  if (Status done = reader.finish(); !done) {
    return done;
  }
  if (!items->is_array() || items->get_array().size() > limits.maxSteps) {
    return invalid(keys::kSteps, "\"items\" must be a list of at most " +
                                     std::to_string(limits.maxSteps) + " steps");
  }
  for (std::size_t i = 0; i < items->get_array().size(); ++i) {
    detail::FieldReader item(items->get_array()[i], where + " item " + std::to_string(i));
    StepRecord step;
    const auto phase = item.text("phase");
    const auto result = item.text("result");
    step.name = item.text("step").value_or("");
    step.at = item.time("at").value_or(0);
    step.detail = item.text("detail").value_or("");
    if (phase && !parsePhase(*phase)) {
      item.fail("phase", "unknown phase \"" + *phase + "\"");
    }
    if (result && !parseStepResult(*result)) {
      item.fail("result", "expected ok, failed or skipped, got \"" + *result + "\"");
    }
    if (Status done = item.finish(); !done) {
      return done;
    }
    step.phase = *parsePhase(*phase);
    step.result = *parseStepResult(*result);
    record.steps.push_back(std::move(step));
  }
  return {};
}

Status decodeOptionalJson(const Annotations& a, Record& record) {
  if (const std::string* blue = find(a, keys::kBlue)) {
    const std::string where = "annotation " + std::string(keys::kBlue);
    auto parsed = detail::parseJson(*blue, where);
    if (!parsed) {
      return parsed.error();
    }
    detail::FieldReader reader(*parsed, where);
    BlueBefore before;
    before.replicas = reader.integer("replicas").value_or(0);
    before.image = reader.text("image").value_or("");
    if (Status done = reader.finish(); !done) {
      return done;
    }
    record.blue = before;
  }
  if (const std::string* o = find(a, keys::kWindowOverride)) {
    const std::string where = "annotation " + std::string(keys::kWindowOverride);
    auto parsed = detail::parseJson(*o, where);
    if (!parsed) {
      return parsed.error();
    }
    detail::FieldReader reader(*parsed, where);
    OverrideRecord override;
    override.reason = reader.text("reason").value_or("");
    override.by = reader.text("by").value_or("");
    override.at = reader.time("at").value_or(0);
    if (Status done = reader.finish(); !done) {
      return done;
    }
    record.windowOverride = override;
  }
  return {};
}

// The record must not contradict itself: the switch time exists exactly when traffic was
// moved by this rollout's switch patch.
Status checkConsistent(const Record& r) {
  if (r.stoppedIn && !isStopped(r.phase)) {
    return invalid(keys::kStoppedIn, "only a needs-person or parked rollout has one");
  }
  if (isStopped(r.phase)) {
    if (!r.stoppedIn) {
      return invalid(keys::kStoppedIn, "missing for phase " + std::string(phaseName(r.phase)));
    }
    if (!nextRunPhase(*r.stoppedIn)) {
      return invalid(keys::kStoppedIn,
                     "must be a run phase, got " + std::string(phaseName(*r.stoppedIn)));
    }
  }
  const Phase p = r.effectivePhase();
  const bool needsSwitch = p == Phase::kMonitor || p == Phase::kCleanupBlue || p == Phase::kDone;
  const bool noSwitch = isBeforeSwitch(p) || p == Phase::kFailedBeforeSwitch;
  if (needsSwitch && !r.switchedAt) {
    return invalid(keys::kSwitchedAt, "missing for phase " + std::string(phaseName(p)));
  }
  if (noSwitch && r.switchedAt) {
    return invalid(keys::kSwitchedAt,
                   "set, but phase " + std::string(phaseName(p)) + " is before the switch");
  }
  return {};
}

}  // namespace

Result<Record> decodeRecord(const Annotations& a, const RecordLimits& limits) {
  auto format = required(a, keys::kFormat);
  if (!format) {
    return format.error();
  }
  if (*format != kRecordFormat) {
    return invalid(keys::kFormat, "format \"" + *format + "\" is not " +
                                      std::string(kRecordFormat) +
                                      " (written by another novactl version?)");
  }
  Record record;
  for (auto [key, field] :
       {std::pair{keys::kId, &record.rolloutId}, std::pair{keys::kVersion, &record.version}}) {
    auto value = required(a, key);
    if (!value) {
      return value.error();
    }
    *field = *value;
  }
  if (Status id = validateRolloutId(record.rolloutId); !id) {
    return invalid(keys::kId, id.error().message);
  }
  if (Status version = validateVersion(record.version); !version) {
    return invalid(keys::kVersion, version.error().message);
  }
  auto phase = required(a, keys::kPhase);
  if (!phase) {
    return phase.error();
  }
  auto parsedPhase = phaseAt(keys::kPhase, *phase);
  if (!parsedPhase) {
    return parsedPhase.error();
  }
  record.phase = *parsedPhase;
  if (const std::string* stopped = find(a, keys::kStoppedIn)) {
    auto stoppedIn = phaseAt(keys::kStoppedIn, *stopped);
    if (!stoppedIn) {
      return stoppedIn.error();
    }
    record.stoppedIn = *stoppedIn;
  }
  auto started = required(a, keys::kStartedAt);
  if (!started) {
    return started.error();
  }
  auto startedAt = timeAt(keys::kStartedAt, *started);
  if (!startedAt) {
    return startedAt.error();
  }
  record.startedAt = *startedAt;
  if (const std::string* switched = find(a, keys::kSwitchedAt)) {
    auto switchedAt = timeAt(keys::kSwitchedAt, *switched);
    if (!switchedAt) {
      return switchedAt.error();
    }
    record.switchedAt = *switchedAt;
  }
  if (const std::string* snapshot = find(a, keys::kSnapshotId)) {
    if (snapshot->empty()) {
      return invalid(keys::kSnapshotId, "empty");
    }
    record.snapshotId = *snapshot;
  }
  if (Status done = decodeOptionalJson(a, record); !done) {
    return done.error();
  }
  auto steps = required(a, keys::kSteps);
  if (!steps) {
    return steps.error();
  }
  if (Status done = decodeSteps(*steps, limits, record); !done) {
    return done.error();
  }
  auto revision = required(a, keys::kRevision);
  if (!revision) {
    return revision.error();
  }
  const char* end = revision->data() + revision->size();
  auto [ptr, ec] = std::from_chars(revision->data(), end, record.revision);
  if (ec != std::errc() || ptr != end || record.revision < 1) {
    return invalid(keys::kRevision,
                   "expected a whole number of at least 1, got \"" + *revision + "\"");
  }
  if (Status consistent = checkConsistent(record); !consistent) {
    return consistent.error();
  }
  return record;
}

}  // namespace nova::rollout::detail
