// Aggregations with a parameter: topk, bottomk and quantile.
#include "aggregate_param.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>

#include "eval_labels.h"

namespace nova::promql::detail {
namespace {

struct Group {
  Labels labels;
  std::vector<std::size_t> members;
  bool dropName = false;
};

std::vector<Group> groupSamples(const EvalVector& in, const Aggregate& agg) {
  std::vector<Group> groups;
  std::unordered_map<std::string, std::size_t> index;
  std::string signature;
  for (std::size_t i = 0; i < in.size(); ++i) {
    groupingSignature(in[i].labels, agg.grouping, agg.without, signature);
    auto [it, inserted] = index.emplace(signature, groups.size());
    if (inserted) {
      groups.push_back(Group{agg.without ? removeLabels(in[i].labels, agg.grouping, true)
                                         : keepOnlyLabels(in[i].labels, agg.grouping),
                             {},
                             false});
    }
    groups[it->second].members.push_back(i);
    groups[it->second].dropName = groups[it->second].dropName || in[i].dropName;
  }
  return groups;
}

// NaN sorts last for both directions, as in Prometheus's result heaps.
bool ranksBefore(double a, double b, bool top) {
  if (std::isnan(a)) {
    return false;
  }
  if (std::isnan(b)) {
    return true;
  }
  return top ? a > b : a < b;
}

}  // namespace

double quantileOf(double q, std::vector<double> values) {
  if (values.empty() || std::isnan(q)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (q < 0) {
    return -std::numeric_limits<double>::infinity();
  }
  if (q > 1) {
    return std::numeric_limits<double>::infinity();
  }
  // NaN sorts first, as Prometheus's value heap orders it.
  std::sort(values.begin(), values.end(), [](double a, double b) {
    if (std::isnan(a)) {
      return !std::isnan(b);
    }
    return a < b;
  });
  const double n = static_cast<double>(values.size());
  const double rank = q * (n - 1);
  const double lower = std::max(0.0, std::floor(rank));
  const double upper = std::min(n - 1, lower + 1);
  const double weight = rank - std::floor(rank);
  return values[static_cast<std::size_t>(lower)] * (1 - weight) +
         values[static_cast<std::size_t>(upper)] * weight;
}

Result<EvalVector> aggregateWithParam(const Aggregate& agg, double param, EvalVector in) {
  const auto groups = groupSamples(in, agg);
  EvalVector out;
  if (agg.op == AggregateOp::kQuantile) {
    for (const auto& g : groups) {
      std::vector<double> values;
      values.reserve(g.members.size());
      for (std::size_t i : g.members) {
        values.push_back(in[i].v);
      }
      out.push_back(EvalSample{g.labels, quantileOf(param, std::move(values)), g.dropName});
    }
    return out;
  }
  if (std::isnan(param)) {
    return Error{ErrorCode::kInvalidInput, "Parameter value is NaN"};
  }
  if (param < 1) {
    return out;
  }
  const double limit = std::min(param, static_cast<double>(in.size()));
  const auto k = static_cast<std::size_t>(limit);
  const bool top = agg.op == AggregateOp::kTopk;
  for (const auto& g : groups) {
    std::vector<std::size_t> members = g.members;
    std::stable_sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) {
      return ranksBefore(in[a].v, in[b].v, top);
    });
    members.resize(std::min(k, members.size()));
    for (std::size_t i : members) {
      out.push_back(std::move(in[i]));
    }
  }
  return out;
}

}  // namespace nova::promql::detail
