#pragma once

#include <string>
#include <string_view>

#include "nova/core/result.h"
#include "nova/rollout/record_codec.h"

namespace nova::rollout::detail {

/// kInvalidInput "annotation <key>: <message>".
Error invalid(std::string_view key, const std::string& message);

/// The record from its annotations (the lease removed), strictly validated: every field's
/// syntax, and that the record does not contradict itself.
Result<Record> decodeRecord(const Annotations& annotations, const RecordLimits& limits);

}  // namespace nova::rollout::detail
