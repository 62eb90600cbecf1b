// Vector/vector matching: set operators and one-to-one / many-to-one operations.
#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "binary.h"
#include "eval_labels.h"

namespace nova::promql::detail {
namespace {

std::vector<std::string> signatures(const EvalVector& vec, const VectorMatching& matching) {
  std::vector<std::string> out(vec.size());
  for (std::size_t i = 0; i < vec.size(); ++i) {
    matchingSignature(vec[i].labels, matching, out[i]);
  }
  return out;
}

Error duplicateSeriesError(const EvalSample& a, const EvalSample& b, const VectorMatching& matching,
                           bool oneSideIsLeft) {
  const Labels group = matching.on ? keepOnlyLabels(a.labels, matching.labels)
                                   : removeLabels(a.labels, matching.labels, true);
  const Labels& first = a.labels < b.labels ? a.labels : b.labels;
  const Labels& second = a.labels < b.labels ? b.labels : a.labels;
  return Error{
      ErrorCode::kInvalidInput,
      "found duplicate series for the match group " + formatLabelsForError(group) + " on the " +
          (oneSideIsLeft ? "left" : "right") + " hand-side of the operation: [" +
          formatLabelsForError(first) + ", " + formatLabelsForError(second) +
          "];many-to-many matching not allowed: matching labels must be unique on one side"};
}

// The labels of a result element: the "many" side's labels, reduced to the matching
// labels for one-to-one, plus group_x labels copied from the "one" side.
Labels resultLabels(const Labels& many, const Labels& one, BinaryOp op,
                    const VectorMatching& matching) {
  LabelsBuilder builder(many);
  if (dropsMetricName(op)) {
    builder.remove(kMetricNameLabel);
  }
  if (matching.card == VectorMatching::Cardinality::kOneToOne) {
    if (matching.on) {
      builder.keepOnly(matching.labels);
    } else {
      for (const auto& name : matching.labels) {
        builder.remove(name);
      }
    }
  }
  for (const auto& name : matching.include) {
    builder.set(name, one.get(name));
  }
  return builder.build();
}

}  // namespace

EvalVector vectorSetOperation(BinaryOp op, EvalVector lhs, EvalVector rhs,
                              const VectorMatching& matching) {
  if (op == BinaryOp::kAnd && (lhs.empty() || rhs.empty())) {
    return {};
  }
  if (op == BinaryOp::kOr && (lhs.empty() || rhs.empty())) {
    if (lhs.empty()) {
      return rhs;
    }
    return lhs;
  }
  if (op == BinaryOp::kUnless && (lhs.empty() || rhs.empty())) {
    return lhs;
  }
  const auto lsigs = signatures(lhs, matching);
  const auto rsigs = signatures(rhs, matching);
  EvalVector out;
  if (op == BinaryOp::kOr) {
    std::unordered_set<std::string_view> left(lsigs.begin(), lsigs.end());
    out = std::move(lhs);
    for (std::size_t i = 0; i < rhs.size(); ++i) {
      if (!left.contains(rsigs[i])) {
        out.push_back(std::move(rhs[i]));
      }
    }
    return out;
  }
  std::unordered_set<std::string_view> right(rsigs.begin(), rsigs.end());
  const bool wantMatch = op == BinaryOp::kAnd;
  for (std::size_t i = 0; i < lhs.size(); ++i) {
    if (right.contains(lsigs[i]) == wantMatch) {
      out.push_back(std::move(lhs[i]));
    }
  }
  return out;
}

Result<EvalVector> vectorBinary(BinaryOp op, EvalVector lhs, EvalVector rhs,
                                const VectorMatching& matching, bool returnBool) {
  using Card = VectorMatching::Cardinality;
  if (lhs.empty() || rhs.empty()) {
    return EvalVector{};
  }
  // one-to-many is many-to-one with the sides swapped; values are swapped back below.
  const bool swapped = matching.card == Card::kOneToMany;
  if (swapped) {
    std::swap(lhs, rhs);
  }
  const auto lsigs = signatures(lhs, matching);
  const auto rsigs = signatures(rhs, matching);

  std::unordered_map<std::string_view, std::size_t> oneSide;
  for (std::size_t i = 0; i < rhs.size(); ++i) {
    auto [it, inserted] = oneSide.emplace(rsigs[i], i);
    if (!inserted) {
      return duplicateSeriesError(rhs[i], rhs[it->second], matching, swapped);
    }
  }

  // One-to-one: each match group at most once. Many-to-one: each result label set once.
  std::unordered_map<std::string_view, std::unordered_set<std::size_t>> matched;
  const bool comparison = isComparison(op);
  EvalVector out;
  for (std::size_t i = 0; i < lhs.size(); ++i) {
    auto found = oneSide.find(lsigs[i]);
    if (found == oneSide.end()) {
      continue;
    }
    const EvalSample& one = rhs[found->second];
    EvalSample& many = lhs[i];
    Labels labels = resultLabels(many.labels, one.labels, op, matching);
    auto [entry, first] = matched.try_emplace(lsigs[i]);
    if (matching.card == Card::kOneToOne) {
      if (!first) {
        return Error{ErrorCode::kInvalidInput,
                     "multiple matches for labels: many-to-one matching must be explicit "
                     "(group_left/group_right)"};
      }
    } else if (!entry->second.insert(labels.hash()).second) {
      return Error{ErrorCode::kInvalidInput,
                   "multiple matches for labels: grouping labels must ensure unique matches"};
    }
    const double l = swapped ? one.v : many.v;
    const double r = swapped ? many.v : one.v;
    auto [value, keep] = applyBinary(op, l, r);
    if (returnBool) {
      value = keep ? 1.0 : 0.0;
    } else if (!keep) {
      continue;
    }
    // Comparisons keep the left element as it is, including a pending name drop.
    const bool dropName = returnBool || (comparison && many.dropName);
    out.push_back(EvalSample{std::move(labels), value, dropName});
  }
  return out;
}

}  // namespace nova::promql::detail
