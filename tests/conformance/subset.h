#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/labels.h"
#include "nova/promql/ast.h"

namespace nova::conformance {

/// Calls `fn` for every vector selector in `expr`, including those inside range selectors
/// and subqueries.
void forEachSelector(const promql::Expr& expr,
                     const std::function<void(const promql::VectorSelector&)>& fn);

/// Series loaded since the last `clear` that a float-only engine cannot serve as upstream
/// does: native histograms (written `{{...}}` or made by load_with_nhcb), series with start
/// timestamps, and series carrying __type__/__unit__ labels. An eval whose selectors can
/// select one of them is outside the subset.
class SpecialSeries {
 public:
  enum class Kind { kNativeHistogram, kStartTimestamps, kTypeUnitLabels };

  void add(Kind kind, Labels labels);
  void clear() { series_.clear(); }

  /// Why `expr` is out of the subset because a selector matches a special series.
  std::optional<std::string> reachedBy(const promql::Expr& expr) const;
  /// The same decision for an expression our parser refused for another reason: a special
  /// series counts as reached when its metric name appears as a word in the text, or when
  /// the text matches on __name__ or the series has no name.
  std::optional<std::string> reachedByText(std::string_view expr) const;

 private:
  struct Entry {
    Kind kind;
    Labels labels;
  };
  std::vector<Entry> series_;
};

std::string_view toString(SpecialSeries::Kind kind);

}  // namespace nova::conformance
