// Quantile thresholds the buckets cannot show, and bucket selectors that select nothing.
//
// histogram_quantile interpolates linearly inside the bucket holding the quantile's rank and
// answers the highest finite bound when the rank falls in +Inf, so its answer never exceeds
// that bound: `> 0.1` over buckets 0.05, 0.1, +Inf can never fire, however slow things are.

#include "nova/rules/bucket_check.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <set>

namespace nova::rules {
namespace {

using promql::Expr;

constexpr std::string_view kBucketSuffix = "_bucket";

bool endsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// The metric a selector names, written outside the braces or as __name__="...".
std::string metricOf(const promql::VectorSelector& selector) {
  if (!selector.name.empty()) {
    return selector.name;
  }
  for (const promql::Matcher& m : selector.matchers) {
    if (m.name() == kMetricNameLabel && m.op() == promql::MatchOp::kEqual) {
      return m.value();
    }
  }
  return {};
}

// Every vector selector under `expr` (matrix selectors' and subqueries' included).
void collectSelectors(const Expr& expr, std::vector<const promql::VectorSelector*>& out) {
  std::visit(
      [&](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, promql::VectorSelector>) {
          out.push_back(&node);
        } else if constexpr (std::is_same_v<T, promql::MatrixSelector>) {
          out.push_back(&node.selector);
        } else if constexpr (std::is_same_v<T, promql::Subquery> ||
                             std::is_same_v<T, promql::Unary> || std::is_same_v<T, promql::Paren>) {
          collectSelectors(*node.expr, out);
        } else if constexpr (std::is_same_v<T, promql::Call>) {
          for (const auto& arg : node.args) {
            collectSelectors(*arg, out);
          }
        } else if constexpr (std::is_same_v<T, promql::Aggregate>) {
          collectSelectors(*node.expr, out);
        } else if constexpr (std::is_same_v<T, promql::Binary>) {
          collectSelectors(*node.lhs, out);
          collectSelectors(*node.rhs, out);
        }
      },
      expr.node);
}

// The bucket series of `metric` that the selector's matchers other than `le` select.
std::vector<const Labels*> seriesOf(const promql::VectorSelector& selector,
                                    const std::string& metric, std::span<const Labels> series) {
  std::vector<const Labels*> out;
  for (const Labels& labels : series) {
    if (labels.metricName() != metric || !labels.has("le")) {
      continue;
    }
    const bool selected =
        std::all_of(selector.matchers.begin(), selector.matchers.end(), [&](const auto& m) {
          return m.name() == "le" || m.name() == kMetricNameLabel ||
                 m.matches(labels.get(m.name()));
        });
    if (selected) {
      out.push_back(&labels);
    }
  }
  return out;
}

std::optional<double> parseBound(std::string_view text) {
  std::string copy(text);
  char* end = nullptr;
  const double v = std::strtod(copy.c_str(), &end);
  if (end == copy.c_str() || *end != '\0' || std::isnan(v)) {
    return std::nullopt;
  }
  return v;
}

std::string formatNumber(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", v);
  return text;
}

std::string boundList(const std::set<double>& bounds) {
  std::string out;
  for (double b : bounds) {
    out += (out.empty() ? "" : ", ") + (std::isinf(b) ? std::string("+Inf") : formatNumber(b));
  }
  return out;
}

bool sameBound(double a, double b) {
  if (std::isinf(a) || std::isinf(b)) {
    return a == b;
  }
  return std::fabs(a - b) <= 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)});
}

// Selectors with an `le` matcher that no exposed bucket satisfies.
void checkLeSelectors(const Rule& rule, const Expr& expr, std::span<const Labels> series,
                      std::vector<BucketFinding>& out) {
  std::vector<const promql::VectorSelector*> selectors;
  collectSelectors(expr, selectors);
  for (const promql::VectorSelector* selector : selectors) {
    const std::string metric = metricOf(*selector);
    if (!endsWith(metric, kBucketSuffix)) {
      continue;
    }
    const std::vector<const Labels*> buckets = seriesOf(*selector, metric, series);
    if (buckets.empty()) {
      continue;
    }
    for (const promql::Matcher& m : selector->matchers) {
      if (m.name() != "le") {
        continue;
      }
      std::set<std::string> spelled;
      bool any = false;
      for (const Labels* labels : buckets) {
        const std::string_view le = labels->get("le");
        spelled.insert(std::string(le));
        any = any || m.matches(le);
      }
      if (any) {
        continue;
      }
      std::string message = metric + " has no bucket le" +
                            (m.op() == promql::MatchOp::kEqual ? "=" : " matching ") + "\"" +
                            m.value() + "\": the selector is empty, so the rule has no data";
      const auto wanted = parseBound(m.value());
      for (const std::string& le : spelled) {
        const auto bound = parseBound(le);
        if (wanted && bound && sameBound(*wanted, *bound)) {
          message += " (the target spells it \"" + le + "\"; le matches as text)";
        }
      }
      std::set<double> bounds;
      for (const std::string& le : spelled) {
        if (const auto b = parseBound(le)) {
          bounds.insert(*b);
        }
      }
      message += "; its buckets: " + boundList(bounds);
      BucketFinding finding{BucketFinding::Kind::kNoSuchBucket, rule.name, metric, message};
      if (std::find(out.begin(), out.end(), finding) == out.end()) {
        out.push_back(std::move(finding));
      }
    }
  }
}

// Through parentheses and functions that keep their first argument's scale.
const Expr* unwrap(const Expr* expr) {
  while (true) {
    if (const auto* paren = std::get_if<promql::Paren>(&expr->node)) {
      expr = paren->expr.get();
      continue;
    }
    const auto* call = std::get_if<promql::Call>(&expr->node);
    if (call != nullptr && !call->args.empty() &&
        (call->function == "round" || call->function == "clamp_min" ||
         call->function == "clamp_max" || call->function == "clamp")) {
      expr = call->args[0].get();
      continue;
    }
    return expr;
  }
}

std::optional<double> numberOf(const Expr& expr) {
  const Expr* e = unwrap(&expr);
  if (const auto* n = std::get_if<promql::NumberLiteral>(&e->node)) {
    return n->value;
  }
  return std::nullopt;
}

// The comparison a quantile is judged by: `quantile <op> number` at the root, else the
// rule's threshold. `number < quantile` reads as `quantile > number`.
struct Judged {
  const promql::Call* quantile = nullptr;
  ThresholdOp op = ThresholdOp::kGreater;
  double value = 0;
};

std::optional<ThresholdOp> thresholdOpOf(promql::BinaryOp op) {
  switch (op) {
    case promql::BinaryOp::kGtr:
      return ThresholdOp::kGreater;
    case promql::BinaryOp::kGte:
      return ThresholdOp::kGreaterEqual;
    case promql::BinaryOp::kLss:
      return ThresholdOp::kLess;
    case promql::BinaryOp::kLte:
      return ThresholdOp::kLessEqual;
    default:
      return std::nullopt;
  }
}

const promql::Call* quantileCall(const Expr& expr) {
  const auto* call = std::get_if<promql::Call>(&unwrap(&expr)->node);
  return call != nullptr && call->function == "histogram_quantile" && call->args.size() == 2
             ? call
             : nullptr;
}

std::optional<Judged> judgedQuantile(const Rule& rule) {
  const Expr& root = *unwrap(rule.parsedExpr.get());
  if (const auto* binary = std::get_if<promql::Binary>(&root.node);
      binary != nullptr && !binary->returnBool) {
    const auto op = thresholdOpOf(binary->op);
    if (!op) {
      return std::nullopt;
    }
    if (const auto* q = quantileCall(*binary->lhs); q != nullptr && numberOf(*binary->rhs)) {
      return Judged{q, *op, *numberOf(*binary->rhs)};
    }
    if (const auto* q = quantileCall(*binary->rhs); q != nullptr && numberOf(*binary->lhs)) {
      return Judged{q, swapped(*op), *numberOf(*binary->lhs)};
    }
    return std::nullopt;
  }
  const promql::Call* q = quantileCall(root);
  if (q == nullptr || rule.threshold.op == ThresholdOp::kAnyResult ||
      rule.threshold.op == ThresholdOp::kEqual || rule.threshold.op == ThresholdOp::kNotEqual) {
    return std::nullopt;
  }
  return Judged{q, rule.threshold.op, rule.threshold.value};
}

void checkQuantile(const Rule& rule, std::span<const Labels> series,
                   std::vector<BucketFinding>& out) {
  const auto judged = judgedQuantile(rule);
  if (!judged || std::isnan(judged->value)) {
    return;
  }
  std::vector<const promql::VectorSelector*> selectors;
  collectSelectors(*judged->quantile->args[1], selectors);
  for (const promql::VectorSelector* selector : selectors) {
    const std::string metric = metricOf(*selector);
    if (!endsWith(metric, kBucketSuffix)) {
      continue;
    }
    std::set<double> bounds;
    for (const Labels* labels : seriesOf(*selector, metric, series)) {
      if (const auto b = parseBound(labels->get("le")); b && !std::isinf(*b)) {
        bounds.insert(*b);
      }
    }
    if (bounds.empty()) {
      continue;
    }
    const double t = judged->value;
    const double top = *bounds.rbegin();
    const std::string q = numberOf(*judged->quantile->args[0])
                              ? formatNumber(*numberOf(*judged->quantile->args[0]))
                              : "q";
    const std::string head = "histogram_quantile(" + q + ", " + metric + ")";
    const std::string threshold = std::string(toString(judged->op)) + " " + formatNumber(t);
    const bool unreachable =
        (judged->op == ThresholdOp::kGreater && (t > top || sameBound(t, top))) ||
        (judged->op == ThresholdOp::kGreaterEqual && t > top && !sameBound(t, top));
    if (unreachable) {
      out.push_back({BucketFinding::Kind::kUnreachable, rule.name, metric,
                     head + " never exceeds " + formatNumber(top) +
                         ", the highest finite bucket, so \"" + threshold +
                         "\" can never fire; judge the share within the bound instead (bucket "
                         "le=\"" +
                         formatNumber(std::min(t, top)) +
                         "\" over the count), or add buckets above it; buckets: " +
                         boundList(bounds) + ", +Inf"});
      continue;
    }
    const bool onBoundary =
        std::any_of(bounds.begin(), bounds.end(), [&](double b) { return sameBound(b, t); });
    if (onBoundary) {
      continue;
    }
    const auto above = bounds.upper_bound(t);
    const std::string where =
        above == bounds.begin()
            ? "below the lowest bucket " + formatNumber(*above)
            : "between the buckets " + formatNumber(*std::prev(above)) + " and " +
                  (above == bounds.end() ? std::string("+Inf") : formatNumber(*above));
    out.push_back({BucketFinding::Kind::kInterpolated, rule.name, metric,
                   head + " " + threshold + ": the threshold lies " + where +
                       ", where the quantile is linear interpolation inside a bucket (an "
                       "estimate); a bucket boundary at " +
                       formatNumber(t) + " makes it exact"});
  }
}

}  // namespace

std::string_view toString(BucketFinding::Kind kind) {
  switch (kind) {
    case BucketFinding::Kind::kUnreachable:
      return "unreachable";
    case BucketFinding::Kind::kInterpolated:
      return "interpolated";
    case BucketFinding::Kind::kNoSuchBucket:
      break;
  }
  return "no_such_bucket";
}

bool isBucketSeries(const Labels& labels) {
  return endsWith(labels.metricName(), kBucketSuffix) && labels.has("le");
}

std::vector<BucketFinding> checkBuckets(const Rule& rule, std::span<const Labels> series) {
  std::vector<BucketFinding> out;
  if (!rule.parsedExpr) {
    return out;
  }
  checkQuantile(rule, series, out);
  checkLeSelectors(rule, *rule.parsedExpr, series, out);
  if (rule.parsedGuard) {
    checkLeSelectors(rule, *rule.parsedGuard, series, out);
  }
  return out;
}

std::vector<BucketFinding> checkBuckets(const RuleSet& ruleSet, std::span<const Labels> series) {
  std::vector<BucketFinding> out;
  for (const Rule& rule : ruleSet.rules) {
    for (BucketFinding& finding : checkBuckets(rule, series)) {
      out.push_back(std::move(finding));
    }
  }
  return out;
}

}  // namespace nova::rules
