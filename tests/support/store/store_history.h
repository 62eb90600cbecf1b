#pragma once

#include <string>
#include <vector>

#include "nova/core/labels.h"
#include "nova/core/sample.h"
#include "nova/tsdb/storage.h"

namespace nova::testing {

/// A series' samples rendered as "t:v" (values as integers) and "t:stale" for a stale marker,
/// so a test compares a whole history in one check. Empty when the series does not exist.
inline std::vector<std::string> storeHistory(const tsdb::Storage& storage, const Labels& labels) {
  std::vector<std::string> out;
  const auto id = storage.find(labels);
  if (!id) {
    return out;
  }
  for (const Sample& s : storage.samples(*id)) {
    out.push_back(std::to_string(s.t) + ":" +
                  (isStaleNaN(s.v) ? std::string("stale") : std::to_string(static_cast<int>(s.v))));
  }
  return out;
}

}  // namespace nova::testing
