#include "subset.h"

#include <variant>

namespace nova::conformance {
namespace {

bool selects(const promql::VectorSelector& selector, const Labels& labels) {
  for (const promql::Matcher& m : selector.matchers) {
    if (!m.matches(labels.get(m.name()))) {
      return false;
    }
  }
  return true;
}

bool isWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == ':';
}

bool containsWord(std::string_view text, std::string_view word) {
  for (std::size_t at = text.find(word); at != std::string_view::npos;
       at = text.find(word, at + 1)) {
    const bool startOk = at == 0 || !isWordChar(text[at - 1]);
    const std::size_t end = at + word.size();
    const bool endOk = end == text.size() || !isWordChar(text[end]);
    if (startOk && endOk) {
      return true;
    }
  }
  return false;
}

}  // namespace

void forEachSelector(const promql::Expr& expr,
                     const std::function<void(const promql::VectorSelector&)>& fn) {
  std::visit(
      [&](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, promql::VectorSelector>) {
          fn(node);
        } else if constexpr (std::is_same_v<T, promql::MatrixSelector>) {
          fn(node.selector);
        } else if constexpr (std::is_same_v<T, promql::Subquery> ||
                             std::is_same_v<T, promql::Unary> || std::is_same_v<T, promql::Paren>) {
          if (node.expr) {
            forEachSelector(*node.expr, fn);
          }
        } else if constexpr (std::is_same_v<T, promql::Call>) {
          for (const promql::ExprPtr& arg : node.args) {
            if (arg) {
              forEachSelector(*arg, fn);
            }
          }
        } else if constexpr (std::is_same_v<T, promql::Aggregate>) {
          for (const promql::ExprPtr* child : {&node.expr, &node.param}) {
            if (*child) {
              forEachSelector(**child, fn);
            }
          }
        } else if constexpr (std::is_same_v<T, promql::Binary>) {
          for (const promql::ExprPtr* child : {&node.lhs, &node.rhs}) {
            if (*child) {
              forEachSelector(**child, fn);
            }
          }
        }
      },
      expr.node);
}

std::string_view toString(SpecialSeries::Kind kind) {
  switch (kind) {
    case SpecialSeries::Kind::kNativeHistogram:
      return "native histogram";
    case SpecialSeries::Kind::kStartTimestamps:
      return "start timestamps";
    case SpecialSeries::Kind::kTypeUnitLabels:
      return "__type__/__unit__ labels";
  }
  return "?";
}

void SpecialSeries::add(Kind kind, Labels labels) {
  series_.push_back({kind, std::move(labels)});
}

std::optional<std::string> SpecialSeries::reachedBy(const promql::Expr& expr) const {
  std::optional<std::string> why;
  forEachSelector(expr, [&](const promql::VectorSelector& selector) {
    for (const Entry& e : series_) {
      if (!why && selects(selector, e.labels)) {
        why = "selects a series with " + std::string(toString(e.kind)) + ": " + e.labels.toString();
      }
    }
  });
  return why;
}

std::optional<std::string> SpecialSeries::reachedByText(std::string_view expr) const {
  for (const Entry& e : series_) {
    const std::string_view name = e.labels.metricName();
    if (name.empty() || containsWord(expr, "__name__") || containsWord(expr, name)) {
      return "may select a series with " + std::string(toString(e.kind)) + ": " +
             e.labels.toString();
    }
  }
  return std::nullopt;
}

}  // namespace nova::conformance
