// Canonical PromQL printing. The output parses back to the same tree:
//  - parentheses appear only where the tree has a Paren node (the parser keeps them);
//  - aggregation modifiers come first: `sum by (job) (x)`;
//  - durations use formatDuration ("1h30m"), `@` timestamps are seconds with 3 decimals;
//  - a unary minus on a number literal was folded into the literal by the parser (as in
//    Prometheus), so `-1` prints as the literal -1;
//  - the `__name__` matcher of a name written outside braces is not repeated.
#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <type_traits>

#include "lexer_text.h"
#include "nova/core/labels.h"
#include "nova/promql/ast.h"

namespace nova::promql {
namespace {

std::string formatNumber(double v) {
  if (std::isnan(v)) {
    return "NaN";
  }
  if (std::isinf(v)) {
    return v > 0 ? "Inf" : "-Inf";
  }
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

std::string labelName(std::string_view name) {
  return detail::isLegacyLabelName(name) ? std::string(name) : detail::quote(name);
}

std::string joinLabels(const std::vector<std::string>& labels) {
  std::string out = "(";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) {
      out += ", ";
    }
    out += labelName(labels[i]);
  }
  return out + ")";
}

std::string_view matchOp(MatchOp op) {
  switch (op) {
    case MatchOp::kEqual:
      return "=";
    case MatchOp::kNotEqual:
      return "!=";
    case MatchOp::kRegexMatch:
      return "=~";
    case MatchOp::kRegexNoMatch:
      return "!~";
  }
  return "=";
}

std::string modifiers(const std::optional<TimestampMs>& at, AtAnchor anchor, DurationMs offset,
                      const std::string& offsetExpr = {}) {
  std::string out;
  if (anchor != AtAnchor::kNone) {
    out += anchor == AtAnchor::kStart ? " @ start()" : " @ end()";
  }
  if (at) {
    const TimestampMs t = *at;
    const std::int64_t abs = t < 0 ? -t : t;
    char buf[64];
    std::snprintf(buf, sizeof buf, " @ %s%" PRId64 ".%03" PRId64, t < 0 ? "-" : "", abs / 1000,
                  abs % 1000);
    out += buf;
  }
  if (!offsetExpr.empty()) {
    out += " offset " + offsetExpr;
  } else if (offset != 0) {
    out += " offset " + formatDuration(offset);
  }
  return out;
}

std::string selectorModifiers(const VectorSelector& vs) {
  std::string out = modifiers(vs.at, vs.atAnchor, vs.offset, vs.offsetExpr);
  if (vs.rangeModifier != RangeModifier::kNone) {
    out += " ";
    out += toString(vs.rangeModifier);
  }
  return out;
}

std::string fill(const Binary& b) {
  if (b.fillLeft && b.fillRight && formatNumber(*b.fillLeft) == formatNumber(*b.fillRight)) {
    return " fill(" + formatNumber(*b.fillLeft) + ")";
  }
  std::string out;
  if (b.fillLeft) {
    out += " fill_left(" + formatNumber(*b.fillLeft) + ")";
  }
  if (b.fillRight) {
    out += " fill_right(" + formatNumber(*b.fillRight) + ")";
  }
  return out;
}

// The selector without its modifiers.
std::string selectorBody(const VectorSelector& vs) {
  const bool bareName = !vs.name.empty() && detail::isLegacyMetricName(vs.name);
  std::string out = bareName ? vs.name : "";
  std::vector<const Matcher*> shown;
  bool skippedName = false;
  for (auto it = vs.matchers.rbegin(); it != vs.matchers.rend(); ++it) {
    if (bareName && !skippedName && it->op() == MatchOp::kEqual && it->name() == kMetricNameLabel &&
        it->value() == vs.name) {
      skippedName = true;
      continue;
    }
    shown.insert(shown.begin(), &*it);
  }
  if (!shown.empty() || !bareName) {
    out += '{';
    if (!vs.name.empty() && !bareName) {
      out += detail::quote(vs.name);
      if (!shown.empty()) {
        out += ", ";
      }
    }
    for (std::size_t i = 0; i < shown.size(); ++i) {
      if (i > 0) {
        out += ", ";
      }
      out += labelName(shown[i]->name());
      out += matchOp(shown[i]->op());
      out += detail::quote(shown[i]->value());
    }
    out += '}';
  }
  return out;
}

std::string matching(const Binary& b) {
  if (!b.matching) {
    return "";
  }
  const VectorMatching& vm = *b.matching;
  const bool grouped = vm.card == VectorMatching::Cardinality::kManyToOne ||
                       vm.card == VectorMatching::Cardinality::kOneToMany;
  if (!vm.on && vm.labels.empty() && !grouped) {
    return "";
  }
  std::string out = vm.on ? " on " : " ignoring ";
  out += joinLabels(vm.labels);
  if (grouped) {
    out += vm.card == VectorMatching::Cardinality::kManyToOne ? " group_left " : " group_right ";
    out += joinLabels(vm.include);
  }
  return out;
}

struct Printer {
  std::string operator()(const NumberLiteral& n) const { return formatNumber(n.value); }
  std::string operator()(const StringLiteral& s) const { return detail::quote(s.value); }
  std::string operator()(const VectorSelector& vs) const {
    return selectorBody(vs) + selectorModifiers(vs);
  }
  std::string operator()(const MatrixSelector& m) const {
    const std::string range = m.rangeExpr.empty() ? formatDuration(m.range) : m.rangeExpr;
    return selectorBody(m.selector) + "[" + range + "]" + selectorModifiers(m.selector);
  }
  std::string operator()(const Subquery& s) const {
    std::string out = toString(*s.expr) + "[" +
                      (s.rangeExpr.empty() ? formatDuration(s.range) : s.rangeExpr) + ":";
    if (!s.stepExpr.empty()) {
      out += s.stepExpr;
    } else if (s.step != 0) {
      out += formatDuration(s.step);
    }
    return out + "]" + modifiers(s.at, s.atAnchor, s.offset, s.offsetExpr);
  }
  std::string operator()(const Call& c) const {
    std::string out = c.function + "(";
    for (std::size_t i = 0; i < c.args.size(); ++i) {
      if (i > 0) {
        out += ", ";
      }
      out += toString(*c.args[i]);
    }
    return out + ")";
  }
  std::string operator()(const Aggregate& a) const {
    std::string out(toString(a.op));
    if (a.without || !a.grouping.empty()) {
      out += a.without ? " without " : " by ";
      out += joinLabels(a.grouping);
      out += ' ';
    }
    out += '(';
    if (a.param) {
      out += toString(*a.param) + ", ";
    }
    return out + toString(*a.expr) + ")";
  }
  std::string operator()(const Binary& b) const {
    std::string out = toString(*b.lhs) + " " + std::string(toString(b.op));
    if (b.returnBool) {
      out += " bool";
    }
    return out + matching(b) + fill(b) + " " + toString(*b.rhs);
  }
  std::string operator()(const Unary& u) const {
    return (u.negate ? "-" : "+") + toString(*u.expr);
  }
  std::string operator()(const Paren& p) const { return "(" + toString(*p.expr) + ")"; }
};

}  // namespace

std::string_view toString(RangeModifier modifier) {
  switch (modifier) {
    case RangeModifier::kAnchored:
      return "anchored";
    case RangeModifier::kSmoothed:
      return "smoothed";
    case RangeModifier::kNone:
      break;
  }
  return "";
}

std::string toString(const Expr& expr) {
  return std::visit(Printer{}, expr.node);
}

}  // namespace nova::promql
