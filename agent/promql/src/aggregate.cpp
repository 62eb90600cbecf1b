// sum, avg, min, max, count, group, stddev and stdvar with by/without, using the same
// float arithmetic as Prometheus (Kahan sums, overflow-aware mean, NaN rules).
#include <cmath>
#include <string>
#include <unordered_map>

#include "aggregate_param.h"
#include "eval_context.h"
#include "eval_labels.h"
#include "fn_kahan.h"
#include "fn_range.h"

namespace nova::promql::detail {
namespace {

struct Group {
  Labels labels;
  double value = 0;
  double kahanC = 0;
  double mean = 0;
  double count = 0;
  bool incrementalMean = false;
  bool dropName = false;
};

void start(Group& g, AggregateOp op, double f) {
  g.value = f;
  g.mean = f;
  g.count = 1;
  if (op == AggregateOp::kStddev || op == AggregateOp::kStdvar) {
    // A lone NaN or infinity has no defined spread.
    g.value = std::isfinite(f) ? 0 : std::nan("");
  } else if (op == AggregateOp::kGroup) {
    g.value = 1;
  }
}

// Sums directly while the sum stays finite, then switches to an incremental mean.
void addToAverage(Group& g, double f) {
  g.count++;
  if (!g.incrementalMean) {
    double sum = g.value;
    double c = g.kahanC;
    kahanInc(f, sum, c);
    if (!std::isinf(sum)) {
      g.value = sum;
      g.kahanC = c;
      return;
    }
    g.incrementalMean = true;
    g.mean = g.value / (g.count - 1);
    g.kahanC /= g.count - 1;
  }
  const double q = (g.count - 1) / g.count;
  g.mean = q * g.mean;
  g.kahanC = q * g.kahanC;
  kahanInc(f / g.count, g.mean, g.kahanC);
}

void add(Group& g, AggregateOp op, double f) {
  switch (op) {
    case AggregateOp::kSum:
      kahanInc(f, g.value, g.kahanC);
      g.count++;
      break;
    case AggregateOp::kAvg:
      addToAverage(g, f);
      break;
    case AggregateOp::kMax:
      if (g.value < f || std::isnan(g.value)) {
        g.value = f;
      }
      break;
    case AggregateOp::kMin:
      if (g.value > f || std::isnan(g.value)) {
        g.value = f;
      }
      break;
    case AggregateOp::kStddev:
    case AggregateOp::kStdvar: {
      g.count++;
      const double delta = f - g.mean;
      g.mean += delta / g.count;
      g.value += delta * (f - g.mean);
      break;
    }
    default:  // count and group only count
      g.count++;
      break;
  }
}

double finish(const Group& g, AggregateOp op) {
  switch (op) {
    case AggregateOp::kSum:
      return g.value + g.kahanC;
    case AggregateOp::kAvg:
      if (g.incrementalMean) {
        return g.mean + g.kahanC;
      }
      return g.value / g.count + g.kahanC / g.count;
    case AggregateOp::kCount:
      return g.count;
    case AggregateOp::kStdvar:
      return g.value / g.count;
    case AggregateOp::kStddev:
      return std::sqrt(g.value / g.count);
    default:
      return g.value;
  }
}

bool supported(AggregateOp op) {
  switch (op) {
    case AggregateOp::kSum:
    case AggregateOp::kAvg:
    case AggregateOp::kMin:
    case AggregateOp::kMax:
    case AggregateOp::kCount:
    case AggregateOp::kGroup:
    case AggregateOp::kStddev:
    case AggregateOp::kStdvar:
      return true;
    default:
      return false;
  }
}

// The groups of one aggregation, filled one input sample at a time.
class Aggregator {
 public:
  explicit Aggregator(const Aggregate& agg) : agg_(agg) {}

  void add(const Labels& labels, double v, bool dropName) {
    groupingSignature(labels, agg_.grouping, agg_.without, signature_);
    auto [it, inserted] = index_.emplace(signature_, groups_.size());
    if (inserted) {
      Group g;
      g.labels = agg_.without ? removeLabels(labels, agg_.grouping, true)
                              : keepOnlyLabels(labels, agg_.grouping);
      start(g, agg_.op, v);
      groups_.push_back(std::move(g));
    } else {
      ::nova::promql::detail::add(groups_[it->second], agg_.op, v);
    }
    // A name kept by `by (__name__)` is still dropped if any member would drop it.
    groups_[it->second].dropName = groups_[it->second].dropName || dropName;
  }

  EvalVector finish() {
    EvalVector out;
    out.reserve(groups_.size());
    for (auto& g : groups_) {
      out.push_back(
          EvalSample{std::move(g.labels), ::nova::promql::detail::finish(g, agg_.op), g.dropName});
    }
    return out;
  }

 private:
  const Aggregate& agg_;
  std::vector<Group> groups_;
  std::unordered_map<std::string, std::size_t> index_;
  std::string signature_;
};

}  // namespace

Result<EvalValue> Evaluator::evalAggregate(const Aggregate& agg, TimestampMs t) {
  if (agg.param) {
    return evalAggregateWithParam(*this, agg, t);
  }
  if (!supported(agg.op)) {
    return Error{ErrorCode::kRefused, "aggregation " + std::string(toString(agg.op)) +
                                          " is not supported by the local engine"};
  }
  Aggregator aggregator(agg);
  // sum(rate(x[1m])) and the like: feed the aggregation from the store's labels directly,
  // without a copy of every series' labels in between.
  const Expr& arg = unwrapParens(*agg.expr);
  if (const auto* selector = std::get_if<VectorSelector>(&arg.node)) {
    auto st = streamInstant(*selector, t, [&](const Labels& labels, const Sample& newest) {
      aggregator.add(labels, newest.v, false);
    });
    if (!st) {
      return st.error();
    }
    return EvalValue{aggregator.finish()};
  }
  if (const auto* call = std::get_if<Call>(&arg.node)) {
    if (const RangeFunctionInfo* info = findRangeFunction(call->function)) {
      auto st = streamRangeFunction(*this, *info, *call, t,
                                    [&](const Labels& labels, double v, bool dropName) {
                                      aggregator.add(labels, v, dropName);
                                    });
      if (!st) {
        return st.error();
      }
      return EvalValue{aggregator.finish()};
    }
  }
  auto in = evalVector(*agg.expr, t);
  if (!in) {
    return in.error();
  }
  for (const auto& sample : *in) {
    aggregator.add(sample.labels, sample.v, sample.dropName);
  }
  return EvalValue{aggregator.finish()};
}

}  // namespace nova::promql::detail
