// Binary operators: scalar/scalar, vector/scalar and the dispatch for vector/vector.
#include "binary.h"

#include <cmath>

namespace nova::promql::detail {

bool dropsMetricName(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
    case BinaryOp::kMul:
    case BinaryOp::kDiv:
    case BinaryOp::kMod:
    case BinaryOp::kPow:
    case BinaryOp::kAtan2:
      return true;
    default:
      return false;
  }
}

std::pair<double, bool> applyBinary(BinaryOp op, double lhs, double rhs) {
  switch (op) {
    case BinaryOp::kAdd:
      return {lhs + rhs, true};
    case BinaryOp::kSub:
      return {lhs - rhs, true};
    case BinaryOp::kMul:
      return {lhs * rhs, true};
    case BinaryOp::kDiv:
      return {lhs / rhs, true};
    case BinaryOp::kMod:
      return {std::fmod(lhs, rhs), true};
    case BinaryOp::kPow:
      return {std::pow(lhs, rhs), true};
    case BinaryOp::kAtan2:
      return {std::atan2(lhs, rhs), true};
    case BinaryOp::kEql:
      return {lhs, lhs == rhs};
    case BinaryOp::kNeq:
      return {lhs, lhs != rhs};
    case BinaryOp::kGtr:
      return {lhs, lhs > rhs};
    case BinaryOp::kLss:
      return {lhs, lhs < rhs};
    case BinaryOp::kGte:
      return {lhs, lhs >= rhs};
    case BinaryOp::kLte:
      return {lhs, lhs <= rhs};
    default:
      return {lhs, false};
  }
}

namespace {

double scalarBinary(BinaryOp op, double lhs, double rhs) {
  auto [value, keep] = applyBinary(op, lhs, rhs);
  if (isComparison(op)) {
    return keep ? 1.0 : 0.0;
  }
  return value;
}

// `swap` says the scalar was written on the left.
EvalVector vectorScalar(BinaryOp op, EvalVector vec, double scalar, bool swap, bool returnBool) {
  EvalVector out;
  out.reserve(vec.size());
  const bool comparison = isComparison(op);
  for (auto& s : vec) {
    const double l = swap ? scalar : s.v;
    const double r = swap ? s.v : scalar;
    auto [value, keep] = applyBinary(op, l, r);
    // A comparison filters but keeps the vector's own value, whichever side it is on.
    if (comparison && swap) {
      value = r;
    }
    if (returnBool) {
      value = keep ? 1.0 : 0.0;
      keep = true;
    }
    if (!keep) {
      continue;
    }
    s.v = value;
    if (dropsMetricName(op) || returnBool) {
      s.dropName = true;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

Result<EvalValue> Evaluator::evalBinary(const Binary& bin, TimestampMs t) {
  auto lhs = eval(*bin.lhs, t);
  if (!lhs) {
    return lhs;
  }
  auto rhs = eval(*bin.rhs, t);
  if (!rhs) {
    return rhs;
  }
  auto* ls = std::get_if<Scalar>(&*lhs);
  auto* rs = std::get_if<Scalar>(&*rhs);
  auto* lv = std::get_if<EvalVector>(&*lhs);
  auto* rv = std::get_if<EvalVector>(&*rhs);
  if (ls != nullptr && rs != nullptr) {
    return scalarResult(t, scalarBinary(bin.op, ls->v, rs->v));
  }
  if (lv != nullptr && rs != nullptr) {
    return EvalValue{vectorScalar(bin.op, std::move(*lv), rs->v, false, bin.returnBool)};
  }
  if (ls != nullptr && rv != nullptr) {
    return EvalValue{vectorScalar(bin.op, std::move(*rv), ls->v, true, bin.returnBool)};
  }
  if (lv == nullptr || rv == nullptr) {
    return Error{ErrorCode::kInternal, "binary operator " + std::string(toString(bin.op)) +
                                           " needs scalar or instant vector operands"};
  }
  const VectorMatching matching = bin.matching.value_or(VectorMatching{});
  if (isSetOperator(bin.op)) {
    return EvalValue{vectorSetOperation(bin.op, std::move(*lv), std::move(*rv), matching)};
  }
  auto out = vectorBinary(bin.op, std::move(*lv), std::move(*rv), matching, bin.returnBool);
  if (!out) {
    return out.error();
  }
  return EvalValue{std::move(*out)};
}

}  // namespace nova::promql::detail
