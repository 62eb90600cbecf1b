// Prometheus's type checks, run once the whole query parsed. The first failure in
// Prometheus's traversal order wins.
#include <algorithm>
#include <type_traits>

#include "functions_table.h"
#include "lexer_text.h"
#include "nova/core/labels.h"
#include "parser_impl.h"

namespace nova::promql::detail {
namespace {

using Card = VectorMatching::Cardinality;

class Checker {
 public:
  explicit Checker(std::string_view input) : input_(input) {}

  std::optional<Failure> failure;

  ValueType check(Expr& e) {
    const ValueType type = e.type();
    if (!failure) {
      std::visit([&](auto& n) { checkNode(e, n); }, e.node);
    }
    return type;
  }

 private:
  void fail(int pos, std::string message) {
    if (!failure) {
      failure = Failure{pos, std::move(message)};
    }
  }

  void expectType(Expr& e, ValueType want, std::string_view context) {
    const ValueType got = check(e);
    if (got != want) {
      fail(e.pos.start, "expected type " + std::string(documentedType(want)) + " in " +
                            std::string(context) + ", got " + std::string(documentedType(got)));
    }
  }

  // The operator of a binary expression: the first non-space after the left operand.
  int operatorPos(const Binary& b) const {
    auto pos = static_cast<std::size_t>(b.lhs->pos.end);
    while (pos < input_.size() && (input_[pos] == ' ' || input_[pos] == '\t' ||
                                   input_[pos] == '\n' || input_[pos] == '\r')) {
      ++pos;
    }
    return static_cast<int>(pos);
  }

  void checkNode(Expr&, NumberLiteral&) {}
  void checkNode(Expr&, StringLiteral&) {}
  void checkNode(Expr&, Paren& p) { check(*p.expr); }
  void checkNode(Expr& e, MatrixSelector& m) { checkSelector(m.selector, e.pos.start); }
  void checkNode(Expr& e, VectorSelector& vs) { checkSelector(vs, e.pos.start); }

  void checkSelector(const VectorSelector& vs, int pos) {
    if (!vs.name.empty()) {
      // The last matcher is the one for the name outside the braces.
      for (std::size_t i = 0; i + 1 < vs.matchers.size(); ++i) {
        if (vs.matchers[i].name() == kMetricNameLabel) {
          fail(pos, "metric name must not be set twice: " + quote(vs.name) + " or " +
                        quote(vs.matchers[i].value()));
          return;
        }
      }
      return;
    }
    if (&vs == infoSelector_) {
      return;  // info()'s label selector may match everything
    }
    for (const Matcher& m : vs.matchers) {
      if (!m.matches("")) {
        return;
      }
    }
    fail(pos, "vector selector must contain at least one non-empty matcher");
  }

  void checkNode(Expr& e, Subquery& s) {
    const ValueType t = check(*s.expr);
    if (t != ValueType::kVector) {
      fail(e.pos.start, "subquery is only allowed on instant vector, got " +
                            std::string(toString(t)) + " instead");
    }
  }

  void checkNode(Expr& e, Unary& u) {
    const ValueType t = check(*u.expr);
    if (t != ValueType::kScalar && t != ValueType::kVector) {
      fail(e.pos.start,
           "unary expression only allowed on expressions of type scalar or instant vector, "
           "got \"" +
               std::string(documentedType(t)) + "\"");
    }
  }

  void checkNode(Expr&, Aggregate& a) {
    expectType(*a.expr, ValueType::kVector, "aggregation expression");
    switch (a.op) {
      case AggregateOp::kTopk:
      case AggregateOp::kBottomk:
      case AggregateOp::kQuantile:
      case AggregateOp::kLimitk:
      case AggregateOp::kLimitRatio:
        expectType(*a.param, ValueType::kScalar, "aggregation parameter");
        break;
      case AggregateOp::kCountValues:
        expectType(*a.param, ValueType::kString, "aggregation parameter");
        break;
      default:
        break;
    }
  }

  void checkNode(Expr& e, Call& c) {
    const FunctionInfo* f = findFunction(c.function);
    if (f == nullptr) {
      fail(e.pos.start, "unknown function " + c.function);
      return;
    }
    const auto nargs = static_cast<int>(f->argTypes.size());
    const auto given = static_cast<int>(c.args.size());
    const std::string name = quote(c.function);
    if (f->variadic == 0) {
      if (nargs != given) {
        fail(e.pos.start, "expected " + std::to_string(nargs) + " argument(s) in call to " + name +
                              ", got " + std::to_string(given));
      }
    } else if (nargs - 1 > given) {
      fail(e.pos.start, "expected at least " + std::to_string(nargs - 1) +
                            " argument(s) in call to " + name + ", got " + std::to_string(given));
    } else if (f->variadic > 0 && nargs - 1 + f->variadic < given) {
      fail(e.pos.start, "expected at most " + std::to_string(nargs - 1 + f->variadic) +
                            " argument(s) in call to " + name + ", got " + std::to_string(given));
    }
    for (const ExprPtr& arg : c.args) {
      checkRangeModifier(e, c.function, *arg);
    }
    if (c.function == "info" && given > 1) {
      checkInfoSelector(e, *c.args[1]);
    }
    for (int i = 0; i < given; ++i) {
      int k = i;
      if (k >= nargs) {
        if (f->variadic == 0) {
          break;
        }
        k = nargs - 1;
      }
      expectType(*c.args[static_cast<std::size_t>(i)], f->argTypes[static_cast<std::size_t>(k)],
                 "call to function " + name);
    }
  }

  // Prometheus defines `anchored` and `smoothed` ranges only for these functions.
  void checkRangeModifier(const Expr& call, const std::string& function, const Expr& arg) {
    const auto* ms = std::get_if<MatrixSelector>(&arg.node);
    if (ms == nullptr || ms->selector.rangeModifier == RangeModifier::kNone) {
      return;
    }
    const bool anchored = ms->selector.rangeModifier == RangeModifier::kAnchored;
    const std::vector<std::string_view> allowed =
        anchored ? std::vector<std::string_view>{"changes", "delta", "increase", "rate", "resets"}
                 : std::vector<std::string_view>{"delta", "increase", "rate"};
    if (std::find(allowed.begin(), allowed.end(), function) != allowed.end()) {
      return;
    }
    std::string list;
    for (std::string_view name : allowed) {
      list += list.empty() ? "" : ", ";
      list += name;
    }
    fail(call.pos.start, std::string(toString(ms->selector.rangeModifier)) +
                             " modifier can only be used with: " + list + " - not with " +
                             function);
  }

  // info(v, {labels...}): the second argument selects info metrics by label only.
  void checkInfoSelector(const Expr& call, const Expr& arg) {
    if (arg.type() != ValueType::kVector) {
      fail(call.pos.start, "expected type instant vector in call to function \"info\", got " +
                               std::string(documentedType(arg.type())));
    }
    const auto* vs = std::get_if<VectorSelector>(&arg.node);
    if (vs != nullptr && !vs->name.empty()) {
      fail(arg.pos.start, "expected label selectors only, got vector selector instead");
    } else if (vs != nullptr) {
      infoSelector_ = vs;
    } else {
      fail(arg.pos.start, "expected label selectors only");
    }
  }

  void checkNode(Expr& e, Binary& b) {
    const ValueType lt = check(*b.lhs);
    const ValueType rt = check(*b.rhs);
    const int opPos = operatorPos(b);
    const bool comparison = isComparison(b.op);
    const bool setOp = isSetOperator(b.op);
    if (b.returnBool && !comparison) {
      fail(opPos, "bool modifier can only be used on comparison operators");
    }
    if (comparison && !b.returnBool && lt == ValueType::kScalar && rt == ValueType::kScalar) {
      fail(opPos, "comparisons between scalars must use BOOL modifier");
    }
    if (!b.matching) {
      b.matching.emplace();
    }
    VectorMatching& vm = *b.matching;
    if (setOp && vm.card == Card::kOneToOne) {
      vm.card = Card::kManyToMany;
    }
    if (vm.on) {
      for (const std::string& l : vm.labels) {
        for (const std::string& inc : vm.include) {
          if (l == inc) {
            fail(opPos, "label " + quote(l) + " must not occur in ON and GROUP clause at once");
          }
        }
      }
    }
    if (lt != ValueType::kScalar && lt != ValueType::kVector) {
      fail(b.lhs->pos.start, "binary expression must contain only scalar and instant vector types");
    }
    if (rt != ValueType::kScalar && rt != ValueType::kVector) {
      fail(b.rhs->pos.start, "binary expression must contain only scalar and instant vector types");
    }
    if (lt != ValueType::kVector || rt != ValueType::kVector) {
      if (!vm.labels.empty()) {
        fail(e.pos.start, "vector matching only allowed between instant vectors");
      }
      b.matching.reset();
    } else if (setOp) {
      if (vm.card == Card::kOneToMany || vm.card == Card::kManyToOne) {
        fail(e.pos.start,
             "no grouping allowed for \"" + std::string(toString(b.op)) + "\" operation");
      }
      if (vm.card != Card::kManyToMany) {
        fail(e.pos.start, "set operations must always be many-to-many");
      }
    }
    if ((lt == ValueType::kScalar || rt == ValueType::kScalar) && setOp) {
      fail(e.pos.start, "set operator \"" + std::string(toString(b.op)) +
                            "\" not allowed in binary scalar expression");
    }
  }

  std::string_view input_;
  const VectorSelector* infoSelector_ = nullptr;
};

}  // namespace

std::optional<Failure> checkTypes(Expr& expr, std::string_view input) {
  Checker checker(input);
  checker.check(expr);
  return checker.failure;
}

}  // namespace nova::promql::detail
