#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <span>
#include <string>

#include "nova/core/result.h"
#include "nova/rollout/lease.h"
#include "nova/rollout/record.h"
#include "nova/rollout/record_codec.h"

namespace nova::rollout {

/// A JSON-patch (RFC 6902) that writes the record or the lease on the traffic object as a
/// compare-and-swap: `test` operations first pin what was read, so the server applies all
/// of it or nothing (422 when anything changed since), and a write can never silently
/// overwrite another run's.
struct RecordPatch {
  boost::json::array ops;
  /// The object's annotations once the patch applies; keep them to build the next patch
  /// without reading again.
  Annotations after;
};

/// One change that moves traffic, given by the traffic module (it knows the object's
/// shape): the JSON Pointer, the value it must have now, and the value it gets.
struct BackendChange {
  std::string path;
  boost::json::value expected;
  boost::json::value value;
};

/// metadata.annotations of a Kubernetes object as read (empty when absent). Errors
/// (kInvalidInput) for a non-object document or a non-string annotation value.
Result<Annotations> annotationsOf(const boost::json::value& object);

/// Writes `next` as the lease of `object` (acquire, renew, take-over): tests the lease
/// annotation as read (or, when there is none, metadata.resourceVersion), then sets it.
/// Errors: kInvalidInput for an object without a resourceVersion or a patch that would take
/// the annotations over kAnnotationsTotalLimit.
Result<RecordPatch> leasePatch(const boost::json::value& object, const Lease& next);

/// Removes the lease `held` (this run's, as last written) at the end of a run.
/// kConflict when the object's lease is not `held`.
Result<RecordPatch> releasePatch(const boost::json::value& object, const Lease& held);

/// Writes `next` as the record. Its revision is set to the object's revision + 1 (1 for a
/// first record). Tests that the lease is still `held` and the revision is still the one
/// read (or resourceVersion for a first record), then sets every record key and removes
/// the record keys `next` no longer has. Errors: kConflict when the object's lease is not
/// `held` (naming the holder); kInvalidInput for an unencodable record or the size limit.
Result<RecordPatch> recordPatch(const boost::json::value& object, Record next, const Lease& held,
                                const RecordLimits& limits = {});

/// The switch to green in ONE patch: tests each `backend` change's expected value, the lease
/// and the revision, then moves the backend and writes `next` (which must carry switchedAt),
/// so the record never disagrees with where traffic goes. Errors as recordPatch, plus
/// kInvalidInput when `backend` is empty or `next` has no switch time.
Result<RecordPatch> switchPatch(const boost::json::value& object, Record next, const Lease& held,
                                std::span<const BackendChange> backend,
                                const RecordLimits& limits = {});

}  // namespace nova::rollout
