#pragma once

#include <boost/json/value.hpp>
#include <string>

#include "nova/core/result.h"
#include "nova/rollout/record_codec.h"

namespace nova::rollout {

/// The record and lease on plain hosts (the nginx switch): the same annotations as on a
/// Kubernetes object, kept as one JSON object of strings in a file beside the nginx
/// upstream include, so one decoder, one lease logic and one set of patch builders serve
/// both.
struct RecordFileState {
  /// Empty when the file does not exist yet.
  Annotations annotations;
  /// The file's bytes as read: what a write compares against.
  std::string raw;
  bool exists = false;

  /// The state as a Kubernetes-shaped object ({"metadata": {"annotations": ...,
  /// "resourceVersion": ...}}), for leasePatch, recordPatch and switchPatch; apply their
  /// `after` with writeRecordFile.
  boost::json::value asObject() const;
};

/// Reads the record file. A missing file is an empty state. Errors: kInvalidInput for a
/// file that is not a JSON object of strings (naming the path), and readFile's errors.
Result<RecordFileState> readRecordFile(const std::string& path);

/// Replaces the file with `after`, but only if it still holds exactly what `expected` read
/// (or is still missing): compare-and-swap under an exclusive lock on "<path>.lock", the
/// write durable (temporary file, fsync, rename). Errors: kConflict when the file changed
/// since it was read; kInternal or kRefused for I/O failures.
Status writeRecordFile(const std::string& path, const RecordFileState& expected,
                       const Annotations& after);

}  // namespace nova::rollout
