#include "annotation_check.h"

#include <doctest/doctest.h>

#include <string>

#include "script_testing.h"

using namespace nova::conformance;
using namespace nova::conformance::testing;
namespace promql = nova::promql;

namespace {

// A warning about `quantile(2, x)`'s parameter (1:10) and an info about `x` (1:13).
const std::string kQuery = "quantile(2, x)";
promql::Annotations both() {
  promql::Annotation warn;
  warn.kind = promql::AnnotationKind::kWarning;
  warn.message = "quantile value should be between 0 and 1, got 2";
  warn.pos = {9, 10};
  promql::Annotation info;
  info.kind = promql::AnnotationKind::kInfo;
  info.message = "something about x";
  info.pos = {12, 13};
  return {warn, info};
}

}  // namespace

TEST_CASE("annotations are checked only where the script states them") {
  const EvalCommand none = mustEval("eval instant at 0 quantile(2, x)\n");
  CHECK_FALSE(checkAnnotations(none, both(), kQuery));
}

TEST_CASE("expect warn msg: compares the rendered text with its position") {
  const EvalCommand exact = mustEval(
      "eval instant at 0 quantile(2, x)\n"
      "  expect warn msg: PromQL warning: quantile value should be between 0 and 1, got 2 "
      "(1:10)\n");
  CHECK_FALSE(checkAnnotations(exact, both(), kQuery));
  const EvalCommand moved = mustEval(
      "eval instant at 0 quantile(2, x)\n"
      "  expect warn msg: PromQL warning: quantile value should be between 0 and 1, got 2 "
      "(1:9)\n");
  CHECK(*checkAnnotations(moved, both(), kQuery) ==
        "expected warn annotation equal to \"PromQL warning: quantile value should be between 0 "
        "and 1, got 2 (1:9)\", found: [PromQL warning: quantile value should be between 0 and 1, "
        "got 2 (1:10)]");
  CHECK(*checkAnnotations(exact, {}, kQuery) == "expected warn annotations but none were found");
}

TEST_CASE("every annotation of a checked kind must be expected") {
  const EvalCommand regex = mustEval(
      "eval instant at 0 quantile(2, x)\n"
      "  expect info regex: about y\n");
  CHECK(*checkAnnotations(regex, both(), kQuery) ==
        "expected info annotation matching \"about y\", found: [PromQL info: something about x "
        "(1:13)]");
  const EvalCommand one = mustEval(
      "eval instant at 0 quantile(2, x)\n"
      "  expect info regex: about\n"
      "  expect warn regex: got NaN\n");
  promql::Annotations two = both();
  two.push_back(two[0]);
  two.back().message = "quantile value should be between 0 and 1, got NaN";
  CHECK(*checkAnnotations(one, two, kQuery) ==
        "unexpected warn annotation \"PromQL warning: quantile value should be between 0 and 1, "
        "got 2 (1:10)\"");
}

TEST_CASE("no_warn, no_info and the deprecated eval_warn / eval_info") {
  const EvalCommand quiet = mustEval(
      "eval instant at 0 quantile(2, x)\n"
      "  expect no_info\n");
  CHECK(*checkAnnotations(quiet, both(), kQuery) ==
        "unexpected info annotations: [PromQL info: something about x (1:13)]");
  CHECK_FALSE(checkAnnotations(quiet, {both()[0]}, kQuery));
  const EvalCommand old = mustEval("eval_info instant at 0 quantile(2, x)\n");
  CHECK_FALSE(checkAnnotations(old, both(), kQuery));
  CHECK(*checkAnnotations(old, {both()[0]}, kQuery) == "expected info annotations but got none");
  const auto both = readScript(
      "eval instant at 0 x\n"
      "  expect warn\n"
      "  expect no_warn\n");
  REQUIRE_FALSE(both.ok());
  CHECK(both.error().message ==
        "line 3: invalid expect lines, warn and no_warn cannot be used together");
}
