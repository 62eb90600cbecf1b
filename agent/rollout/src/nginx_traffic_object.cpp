#include "nginx_traffic_object.h"

#include <boost/json.hpp>

#include "nova/rollout/record_file.h"
#include "nova/traffic/blue_guard.h"

namespace nova::rollout {
namespace {

namespace json = boost::json;

// Outside keys::kRecordKeyPrefix, so the record decoder ignores it: the include's text
// before a switch whose include write is not yet known to have happened.
constexpr std::string_view kSwitchPending = "nova.io/switch-pending";

std::string resourceVersion(const json::value& object) {
  boost::system::error_code ec;
  const json::value* v = object.find_pointer("/metadata/resourceVersion", ec);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : "";
}

}  // namespace

NginxTrafficObject::NginxTrafficObject(traffic::NginxSwitchOptions options, const Clock& clock)
    : options_(options),
      switch_(std::move(options), clock),
      recordFile_(recordFileFor(options_.upstreamFile)) {}

std::string NginxTrafficObject::describe() const {
  return "nginx upstream " + options_.upstreamFile;
}

Result<TrafficRead> NginxTrafficObject::read() {
  auto file = readRecordFile(recordFile_);
  if (!file.ok()) {
    return file.error();
  }
  auto include = switch_.includeText();
  if (!include.ok()) {
    return include.error().prefixed("nginx upstream: ");
  }
  auto state = switch_.current();
  if (!state.ok()) {
    return state.error();
  }
  TrafficRead read;
  read.object = file->asObject();
  using Backend = traffic::TrafficState::Backend;
  read.side = state->backend == Backend::kBlue    ? TrafficSide::kBlue
              : state->backend == Backend::kGreen ? TrafficSide::kGreen
                                                  : TrafficSide::kUnknown;
  read.detail = state->detail;
  if (Status decoded = decodeInto(read); !decoded.ok()) {
    return decoded.error().prefixed(recordFile_ + ": ");
  }
  const auto pending = file->annotations.find(std::string(kSwitchPending));
  if (pending != file->annotations.end() && pending->second == *include && read.record) {
    // The decision was written but the include never changed: not switched yet.
    read.record->switchedAt.reset();
    read.record->phase = Phase::kSwitch;
    read.detail += " (switch to green decided but not applied)";
  }
  return read;
}

Status NginxTrafficObject::write(const TrafficRead& read, Annotations after) {
  auto now = readRecordFile(recordFile_);
  if (!now.ok()) {
    return now.error();
  }
  if (resourceVersion(now->asObject()) != resourceVersion(read.object)) {
    return Error(ErrorCode::kConflict, recordFile_ + " changed since it was read");
  }
  const auto pending = after.find(std::string(kSwitchPending));
  if (pending != after.end()) {
    auto include = switch_.includeText();
    if (include.ok() && *include != pending->second) {
      after.erase(pending);  // the include moved: the journal entry is settled
    }
  }
  return writeRecordFile(recordFile_, *now, after);
}

Status NginxTrafficObject::apply(const TrafficRead& read, const RecordPatch& patch) {
  return write(read, patch.after);
}

Result<std::string> NginxTrafficObject::switchToGreen(const TrafficRead& read, const Record& next,
                                                      const Lease& held) {
  auto include = switch_.includeText();
  if (!include.ok()) {
    return include.error().prefixed("nginx upstream: ");
  }
  auto patch = recordPatch(read.object, next, held);
  if (!patch.ok()) {
    return patch.error();
  }
  Annotations after = patch->after;
  after[std::string(kSwitchPending)] = *include;
  if (Status s = write(read, std::move(after)); !s.ok()) {
    return s.error();
  }
  return switch_.moveToGreen("nova rollout " + next.rolloutId + " of " + next.version +
                             ": traffic on green");
}

std::string NginxTrafficObject::backup(const TrafficRead& read) const {
  auto include = switch_.includeText();
  json::object out{{"upstream_file", options_.upstreamFile},
                   {"upstream", include.ok() ? include.value() : ""},
                   {"record_file", recordFile_},
                   {"record", read.object}};
  return json::serialize(out) + "\n";
}

std::optional<std::int64_t> NginxTrafficObject::blueReady() {
  traffic::BlueGuard guard(
      nullptr, traffic::BlueHealthCheck{options_.blueHealthUrl, "healthy", options_.healthTimeout});
  auto verdict = guard.check();
  if (!verdict.ok()) {
    return std::nullopt;
  }
  return verdict->ready ? 1 : 0;
}

Result<BlueBefore> NginxTrafficObject::blueBefore() {
  return Error(ErrorCode::kInvalidInput,
               "nginx: blue runs on plain hosts; blue.hook stops it and a rollback's blue hook "
               "starts it");
}

Status NginxTrafficObject::scaleBlue(std::int64_t) {
  return blueBefore().error();
}

}  // namespace nova::rollout
