// The local engine evaluates a subset of PromQL; everything else is refused with a
// message pointing the rule author at `source: prometheus`.
#include <type_traits>

#include "functions_table.h"
#include "lexer_text.h"
#include "parser_impl.h"

namespace nova::promql::detail {

namespace {

class SubsetChecker {
 public:
  std::optional<Failure> failure;

  void visit(const Expr& e) {
    if (!failure) {
      std::visit([&](const auto& n) { visitNode(e, n); }, e.node);
    }
  }

 private:
  void refuse(const Expr& e, std::string what) {
    if (!failure) {
      failure = Failure{e.pos.start, std::move(what) + std::string(kNotSupportedLocally),
                        ErrorCode::kRefused};
    }
  }

  void visitNode(const Expr&, const NumberLiteral&) {}
  void visitNode(const Expr&, const StringLiteral&) {}
  void visitNode(const Expr&, const Paren& p) { visit(*p.expr); }
  void visitNode(const Expr& e, const Unary& u) {
    (void)e;
    visit(*u.expr);
  }
  void visitNode(const Expr&, const VectorSelector&) {}
  void visitNode(const Expr&, const MatrixSelector&) {}
  void visitNode(const Expr&, const Subquery& s) { visit(*s.expr); }
  void visitNode(const Expr& e, const Call& c) {
    const FunctionInfo* f = findFunction(c.function);
    if (f == nullptr || !f->supportedLocally) {
      refuse(e, "function " + quote(c.function));
      return;
    }
    for (const ExprPtr& arg : c.args) {
      visit(*arg);
    }
  }
  void visitNode(const Expr& e, const Aggregate& a) {
    if (!isAggregationSupportedLocally(a.op)) {
      refuse(e, "aggregation " + quote(toString(a.op)));
      return;
    }
    if (a.param) {
      visit(*a.param);
    }
    visit(*a.expr);
  }
  void visitNode(const Expr&, const Binary& b) {
    visit(*b.lhs);
    visit(*b.rhs);
  }
};

}  // namespace

std::optional<Failure> checkSubset(const Expr& expr) {
  SubsetChecker checker;
  checker.visit(expr);
  return checker.failure;
}

}  // namespace nova::promql::detail
