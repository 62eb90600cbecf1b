#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "nova/promql/ast.h"
#include "nova/tsdb/storage.h"
#include "sliding_window.h"

namespace nova::promql::detail {

/// The state behind IncrementalState: series lists by selector and running windows by
/// range-function call, over the store whose layout version they were made at.
class IncrementalImpl {
 public:
  /// Keeps everything while `storage` shows the layout version it was made at; otherwise
  /// (another store, a series created or dropped, a sample rewritten) starts afresh.
  void bind(const tsdb::Storage& storage);

  /// The series list remembered for `selector`'s matchers, or null.
  const std::vector<tsdb::SeriesId>* findSeries(const VectorSelector& selector);
  const std::vector<tsdb::SeriesId>& storeSeries(const VectorSelector& selector,
                                                 std::vector<tsdb::SeriesId> ids);

  /// The windows of the call `function(selector[range])` (with its offset and `@`), one per
  /// series of the selector's list (`seriesCount` of them).
  std::vector<SlidingWindow>& windows(std::string_view function, const MatrixSelector& selector,
                                      std::size_t seriesCount);

  void counted(bool slid) { ++(slid ? slid_ : rebuilt_); }
  std::size_t slid() const { return slid_; }
  std::size_t rebuilt() const { return rebuilt_; }
  void clear();

 private:
  const tsdb::Storage* storage_ = nullptr;
  std::uint64_t layoutVersion_ = 0;
  std::unordered_map<std::string, std::vector<tsdb::SeriesId>> series_;
  std::unordered_map<std::string, std::vector<SlidingWindow>> windows_;
  std::string key_;  // reused for lookups
  std::size_t slid_ = 0;
  std::size_t rebuilt_ = 0;
};

}  // namespace nova::promql::detail
