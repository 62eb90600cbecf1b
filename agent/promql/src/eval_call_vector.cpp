// Functions over instant vectors that keep their elements' values or labels in some way:
// sort and sort_desc (order), label_replace and label_join (labels), and the calendar
// functions (the date of a value, or of the evaluation time).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "annotation_messages.h"
#include "eval_call.h"
#include "fn_date.h"
#include "fn_label.h"

namespace nova::promql::detail {
namespace {

std::string stringArgument(const Expr& arg) {
  if (const auto* s = std::get_if<StringLiteral>(&unwrapParens(arg).node)) {
    return s->value;
  }
  return {};
}

Result<EvalValue> evalLabelFunction(Evaluator& ev, const Call& call, TimestampMs t) {
  if (call.args.size() < 3 || (call.function == "label_replace" && call.args.size() != 5)) {
    return Error{ErrorCode::kInternal, "wrong number of arguments to " + call.function};
  }
  auto in = ev.evalVector(*call.args[0], t);
  if (!in) {
    return in.error();
  }
  Result<EvalVector> out = EvalVector{};
  if (call.function == "label_replace") {
    out = labelReplace(std::move(*in), stringArgument(*call.args[1]), stringArgument(*call.args[2]),
                       stringArgument(*call.args[3]), stringArgument(*call.args[4]));
  } else {
    std::vector<std::string> sources;
    for (std::size_t i = 3; i < call.args.size(); ++i) {
      sources.push_back(stringArgument(*call.args[i]));
    }
    out = labelJoin(std::move(*in), stringArgument(*call.args[1]), stringArgument(*call.args[2]),
                    sources);
  }
  if (!out) {
    return out.error();
  }
  return EvalValue{std::move(*out)};
}

// sort and sort_desc: by value, NaN last either way. The elements keep their names.
Result<EvalValue> evalSort(Evaluator& ev, const Call& call, const Expr& expr, TimestampMs t) {
  if (ev.window().start != ev.window().end) {
    ev.annotate(sortInRangeQueryWarning(expr.pos));
  }
  auto in = ev.evalVector(*call.args[0], t);
  if (!in) {
    return in.error();
  }
  const bool descending = call.function == "sort_desc";
  std::stable_sort(in->begin(), in->end(), [descending](const EvalSample& a, const EvalSample& b) {
    if (std::isnan(a.v)) {
      return false;
    }
    return std::isnan(b.v) || (descending ? a.v > b.v : a.v < b.v);
  });
  return EvalValue{std::move(*in)};
}

// The calendar field of each element's value as Unix seconds, or of the evaluation time
// without an argument (then one element without labels).
Result<EvalValue> evalDate(Evaluator& ev, const Call& call, DateField field, TimestampMs t) {
  if (call.args.empty()) {
    // Go's integer division: toward zero.
    const double value = field(t / kSecond);
    return EvalValue{EvalVector{EvalSample{Labels{}, value, false}}};
  }
  auto in = ev.evalVector(*call.args[0], t);
  if (!in) {
    return in.error();
  }
  for (auto& s : *in) {
    s.v = field(goSecondsOf(s.v));
    s.dropName = true;
  }
  return EvalValue{std::move(*in)};
}

}  // namespace

std::optional<Result<EvalValue>> evalVectorCall(Evaluator& ev, const Call& call, const Expr& expr,
                                                TimestampMs t) {
  const std::string& name = call.function;
  if (name == "label_replace" || name == "label_join") {
    return evalLabelFunction(ev, call, t);
  }
  if (name == "sort" || name == "sort_desc") {
    return evalSort(ev, call, expr, t);
  }
  if (DateField field = findDateFunction(name)) {
    return evalDate(ev, call, field, t);
  }
  return std::nullopt;
}

}  // namespace nova::promql::detail
