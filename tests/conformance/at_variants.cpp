#include "at_variants.h"

#include <set>
#include <string_view>
#include <type_traits>
#include <variant>

#include "nova/promql/parser.h"

namespace nova::conformance {
namespace {

// Prometheus's AtModifierUnsafeFunctions.
bool timeDependent(std::string_view function) {
  static const std::set<std::string_view> kUnsafe = {
      "days_in_month", "day_of_month", "day_of_week", "day_of_year",    "end",
      "hour",          "minute",       "month",       "predict_linear", "range",
      "start",         "step",         "time",        "timestamp",      "year"};
  return kUnsafe.contains(function);
}

void pinSelector(promql::VectorSelector& vs, TimestampMs t) {
  if (!vs.at && vs.atAnchor == promql::AtAnchor::kNone) {
    vs.at = t;
  }
}

// Puts `@ t` where upstream does; `pinned` inside a subquery, which then has an `@`.
void pin(promql::Expr& e, TimestampMs t, bool pinned, bool& unsafe) {
  std::visit(
      [&](auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, promql::VectorSelector>) {
          if (!pinned) {
            pinSelector(node, t);
          }
        } else if constexpr (std::is_same_v<T, promql::MatrixSelector>) {
          if (!pinned) {
            pinSelector(node.selector, t);
          }
        } else if constexpr (std::is_same_v<T, promql::Subquery>) {
          // Pinned before its inside is visited (upstream inspects top-down), so nothing
          // inside a subquery is touched: its steps follow from its own time.
          if (!pinned && !node.at && node.atAnchor == promql::AtAnchor::kNone) {
            node.at = t;
          }
          pin(*node.expr, t, true, unsafe);
        } else if constexpr (std::is_same_v<T, promql::Call>) {
          unsafe = unsafe || (!pinned && timeDependent(node.function));
          for (promql::ExprPtr& arg : node.args) {
            pin(*arg, t, pinned, unsafe);
          }
        } else if constexpr (std::is_same_v<T, promql::Aggregate>) {
          if (node.param) {
            pin(*node.param, t, pinned, unsafe);
          }
          pin(*node.expr, t, pinned, unsafe);
        } else if constexpr (std::is_same_v<T, promql::Binary>) {
          pin(*node.lhs, t, pinned, unsafe);
          pin(*node.rhs, t, pinned, unsafe);
        } else if constexpr (std::is_same_v<T, promql::Unary> || std::is_same_v<T, promql::Paren>) {
          pin(*node.expr, t, pinned, unsafe);
        }
      },
      e.node);
}

}  // namespace

std::optional<AtVariants> atVariants(const std::string& expr, TimestampMs t) {
  promql::ParseResult parsed = promql::parse(expr, {.allowOutsideSubset = true});
  if (!parsed.ok()) {
    return std::nullopt;
  }
  promql::ExprPtr tree = parsed.release();
  bool unsafe = false;
  pin(*tree, t, false, unsafe);
  if (unsafe) {
    return std::nullopt;
  }
  AtVariants out{promql::toString(*tree), {}};
  if (t == 0) {
    out.times = {-kSecond, 0, kSecond};
  } else {
    out.times = {-10 * t, 0, t / 5, t, 10 * t};
  }
  return out;
}

}  // namespace nova::conformance
