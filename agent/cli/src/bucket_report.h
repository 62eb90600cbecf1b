#pragma once

// What `rules check --url` and `rules test` say about rules the histograms' buckets cannot
// show (rules::checkBuckets).

#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "nova/core/labels.h"
#include "nova/rules/bucket_check.h"

namespace nova::cli {

/// The bucket series of the exposition at `url` (GET, 10 s, TLS verified); nullopt after
/// printing to `err` why it could not be fetched or parsed.
std::optional<std::vector<Labels>> targetBuckets(const std::string& url, std::ostream& err);

/// Prints each finding as "<where>: rule <rule>: warning|note: <message>": an unreachable
/// threshold or an empty selector is a warning, an interpolated threshold a note. Returns
/// the number of warnings.
int printBucketFindings(const std::string& where, std::span<const rules::BucketFinding> findings,
                        std::ostream& out);

}  // namespace nova::cli
