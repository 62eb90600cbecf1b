#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "nova/core/result.h"
#include "nova/rollout/lease.h"
#include "nova/rollout/record.h"

namespace nova::rollout {

/// An object's metadata.annotations.
using Annotations = std::map<std::string, std::string>;

/// The annotation keys of the record and the lease. Scalars are plain strings, structured
/// values are JSON, times are RFC 3339 UTC with milliseconds, so `kubectl get -o yaml`
/// shows a readable record. Every key starts with kRecordKeyPrefix.
namespace keys {
inline constexpr std::string_view kRecordKeyPrefix = "nova.io/rollout-";
inline constexpr std::string_view kFormat = "nova.io/rollout-format";  ///< "1"
inline constexpr std::string_view kId = "nova.io/rollout-id";
inline constexpr std::string_view kVersion = "nova.io/rollout-version";
inline constexpr std::string_view kPhase = "nova.io/rollout-phase";           ///< phaseName()
inline constexpr std::string_view kStoppedIn = "nova.io/rollout-stopped-in";  ///< optional
inline constexpr std::string_view kStartedAt = "nova.io/rollout-started-at";
inline constexpr std::string_view kSwitchedAt = "nova.io/rollout-switched-at";  ///< optional
inline constexpr std::string_view kSnapshotId = "nova.io/rollout-snapshot-id";  ///< optional
/// {"replicas": 3, "image": "..."}; optional.
inline constexpr std::string_view kBlue = "nova.io/rollout-blue";
/// {"reason": "...", "by": "...", "at": "..."}; optional.
inline constexpr std::string_view kWindowOverride = "nova.io/rollout-window-override";
/// {"dropped": 0, "items": [{"phase", "step", "result", "at", "detail"}]}
inline constexpr std::string_view kSteps = "nova.io/rollout-steps";
inline constexpr std::string_view kRevision = "nova.io/rollout-revision";  ///< decimal
/// {"holder", "instance", "who", "acquired", "renewed", "durationMs", "transitions"}
inline constexpr std::string_view kLease = "nova.io/rollout-lease";
}  // namespace keys

/// The record format this build writes and reads.
inline constexpr std::string_view kRecordFormat = "1";

/// The record as annotations (record keys only, the lease not included). Steps beyond the
/// limits are dropped oldest first until the record fits limits.maxRecordBytes; a record
/// that still does not fit (huge ids or override reasons) is kInvalidInput.
Result<Annotations> encodeRecord(const Record& record, const RecordLimits& limits = {});

/// The lease annotation's value.
std::string encodeLease(const Lease& lease);

/// What the annotations of a traffic object hold.
struct DecodedAnnotations {
  std::optional<Record> record;
  std::optional<Lease> lease;
};

/// Reads the record and the lease from an object's annotations, ignoring keys outside
/// keys::kRecordKeyPrefix. Strict (kInvalidInput, naming the annotation and field): an
/// unknown nova.io/rollout-* key, a format other than kRecordFormat, a missing required
/// key, malformed JSON or values, a value over limits.maxRecordBytes, and records that
/// contradict themselves (a monitor phase without a switch time, a switch time before the
/// switch, stopped-in outside needs-person/parked).
Result<DecodedAnnotations> decodeAnnotations(const Annotations& annotations,
                                             const RecordLimits& limits = {});

/// The lease from its annotation value alone.
Result<Lease> decodeLease(std::string_view value);

/// The bytes Kubernetes counts against kAnnotationsTotalLimit: every key plus every value.
std::size_t annotationsSize(const Annotations& annotations);

}  // namespace nova::rollout
