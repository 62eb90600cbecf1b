// Error tables: each bad query fails with Prometheus's message at the line:column of the
// offending token.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "nova/promql/parser.h"

namespace {

using nova::promql::parse;
using nova::promql::ParseOptions;

struct BadQuery {
  std::string_view input;
  std::string_view error;
};

constexpr BadQuery kBad[] = {
    // Lexical errors.
    {"\"abc", "1:1: unterminated quoted string"},
    {"`abc", "1:1: unterminated raw string"},
    {"\"a\nb\"", "1:1: unterminated quoted string"},
    {"\"\\q\"", "1:1: unknown escape sequence U+0071 'q'"},
    {"\"\\xZZ\"", "1:1: illegal character U+005A 'Z' in escape sequence"},
    {"\"\\uD800\"", "1:1: escape sequence is an invalid Unicode code point"},
    {"a !b", "1:3: unexpected character after '!': 'b'"},
    {"x ~ y", "1:3: unexpected character: '~'"},
    {"foo{a=\"b\"", "1:10: unexpected end of input inside braces"},
    {"foo{a=\"b\" ; }", "1:11: unexpected character inside braces: ';'"},
    {"sum(x", "1:6: unclosed left parenthesis"},
    {"x)", "1:2: unexpected right parenthesis ')'"},
    {"x]", "1:2: unexpected right bracket ']'"},
    {"x[5m", "1:5: unexpected end of input in duration expression"},
    {"x[5q]", "1:3: bad number or duration syntax: \"5\""},
    {"x[1h30]", "1:3: bad number or duration syntax: \"1h30\""},
    {"x[:5m]", "1:3: unexpected colon before duration in duration expression"},
    {"x[5m:1m:1m]", "1:8: unexpected repeated colon in duration expression"},
    {"1e", "1:1: bad number or duration syntax: \"1e\""},
    {"0x", "1:1: error parsing number: strconv.ParseFloat: parsing \"0x\": invalid syntax"},
    {"1e999",
     "1:1: error parsing number: strconv.ParseFloat: parsing \"1e999\": value out of range"},
    {"x[1.5m]", "1:3: not a valid duration string: \"1.5m\""},
    // Syntax errors.
    {"", "1:1: no expression found in input"},
    {"1 +", "1:4: unexpected end of input"},
    {"foo bar", "1:5: unexpected identifier \"bar\""},
    {"1 2", "1:3: unexpected number \"2\""},
    {"x = y", "1:3: unexpected \"=\""},
    {"foo{a}", "1:6: unexpected \"}\" in label matching, expected label matching operator"},
    {"foo{a=}", "1:7: unexpected \"}\" in label matching, expected string"},
    {"foo{a=\"b\" c=\"d\"}",
     "1:11: unexpected identifier \"c\" in label matching, expected \",\" or \"}\""},
    {"foo{=\"b\"}", "1:5: unexpected \"=\" in label matching, expected identifier or \"}\""},
    {"sum by a (x)", "1:8: unexpected identifier \"a\" in grouping opts, expected \"(\""},
    {"sum by (a (x)", "1:11: unexpected \"(\" in grouping opts, expected \",\" or \")\""},
    {"sum by (1) (x)", "1:9: unexpected number \"1\" in grouping opts, expected label"},
    {"sum(x) by (a) without (b)", "1:15: unexpected <without>"},
    {"x offset",
     "1:9: unexpected end of input in offset, expected number, duration, step(), or range()"},
    {"x @", "1:4: unexpected end of input in @, expected timestamp"},
    {"x[5m:1m", "1:8: unexpected end of input in duration expression"},
    {"x[]",
     "1:3: unexpected \"]\" in subquery or range selector, expected number, duration, step(), "
     "or range()"},
    {"x[5m:1m)", "1:8: unexpected right parenthesis ')'"},
    {"x[5m 1m]", "1:6: unexpected duration \"1m\" in subquery or range, expected \":\" or \"]\""},
    {"x[0s]", "1:3: duration must be greater than 0"},
    {"x[-5m]", "1:3: duration must be greater than 0"},
    {"x[5m:0s]", "1:6: duration must be greater than 0"},
    {"x[5m+]",
     "1:6: unexpected \"]\" in duration expression, expected number, duration, step(), or "
     "range()"},
    {"x[step]",
     "1:3: unexpected identifier \"step\" in subquery or range selector, expected number, "
     "duration, step(), or range()"},
    {"x[min_of(1m)]", "1:12: unexpected \")\" in duration expression, expected \",\""},
    {"x[(1m]", "1:6: unexpected \"]\" in duration expression, expected \")\""},
    {"x offset foo()",
     "1:10: unexpected identifier \"foo\" in offset, expected number, duration, step(), or "
     "range()"},
    {"a + fill(x) b", "1:10: unexpected identifier \"x\" in fill modifier, expected number"},
    {"a + fill(1 b", "1:12: unexpected identifier \"b\" in fill modifier, expected \")\""},
    {"a + fill(1) fill_left(2) b", "1:13: fill modifier may not be set multiple times"},
    {"a * group_left b", "1:5: unexpected <group_left>"},
    {"count by (a)", "1:13: unexpected end of input in aggregation"},
    {"sum by (a) x", "1:12: unexpected identifier \"x\" in aggregation"},
    // Errors found while parsing.
    {"ratee(x[5m])", "1:1: unknown function ratee; did you mean rate?"},
    {"sum(rate(x[5m])) + ratee(x[5m])", "1:20: unknown function ratee; did you mean rate?"},
    {"summ by (a) (x)", "1:1: unknown aggregation summ; did you mean sum?"},
    {"frobnicate(x)", "1:1: unknown function frobnicate"},
    {"RATE(x[5m])", "1:1: unknown function RATE"},
    {"rate(x[5m],)", "1:11: trailing commas not allowed in function call args"},
    {"sum()", "1:1: no arguments for aggregate expression provided"},
    {"sum(x, y)",
     "1:1: wrong number of arguments for aggregate expression provided, expected 1, got 2"},
    {"topk(x)",
     "1:1: wrong number of arguments for aggregate expression provided, expected 2, got 1"},
    {"rate(x[5m])[5m]", "1:12: ranges only allowed for vector selectors"},
    {"(x)[5m]", "1:4: ranges only allowed for vector selectors"},
    {"x offset 5m [5m]", "1:13: no offset modifiers allowed before range"},
    {"x @ 10 [5m]", "1:8: no @ modifiers allowed before range"},
    {"1 offset 5m",
     "1:1: offset modifier must be preceded by an instant vector selector or range vector "
     "selector or a subquery"},
    {"x offset 5m offset 1m", "1:1: offset may not be set multiple times"},
    {"sum(x) @ 5",
     "1:1: @ modifier must be preceded by an instant vector selector or range vector selector "
     "or a subquery"},
    {"x @ 5 @ 6", "1:1: @ <timestamp> may not be set multiple times"},
    {"x @ start() @ 5", "1:1: @ <timestamp> may not be set multiple times"},
    {"x @ end() [5m]", "1:11: no @ modifiers allowed before range"},
    {"info(up, target_info)", "1:10: expected label selectors only, got vector selector instead"},
    {"info(up, 1)", "1:1: expected type instant vector in call to function \"info\", got scalar"},
    {"x @ Inf", "1:1: timestamp out of bounds for @ modifier: +Inf"},
    {"foo{a=~\"(\"}", "1:5: error parsing regexp: missing ): ("},
    {"deriv(foo[3m] smoothed)",
     "1:1: smoothed modifier can only be used with: delta, increase, rate - not with deriv"},
    {"max_over_time(foo[3m] anchored)",
     "1:1: anchored modifier can only be used with: changes, delta, increase, rate, resets - "
     "not with max_over_time"},
    {"rate(x[5m]) anchored",
     "1:13: anchored modifier must be preceded by an instant vector selector or range vector "
     "selector"},
    {"x[5m] anchored smoothed",
     "1:16: anchored or smoothed modifier may not be set multiple times"},
    // Type checks.
    {"rate(x)", "1:6: expected type range vector in call to function \"rate\", got instant vector"},
    {"abs(x[5m])",
     "1:5: expected type instant vector in call to function \"abs\", got range vector"},
    {"clamp(x, \"a\", 1)", "1:10: expected type scalar in call to function \"clamp\", got string"},
    {"rate(x[5m], 1)", "1:1: expected 1 argument(s) in call to \"rate\", got 2"},
    {"time(1)", "1:1: expected 0 argument(s) in call to \"time\", got 1"},
    {"round()", "1:1: expected at least 1 argument(s) in call to \"round\", got 0"},
    {"round(x, 1, 2)", "1:1: expected at most 2 argument(s) in call to \"round\", got 3"},
    {"label_join(x)", "1:1: expected at least 3 argument(s) in call to \"label_join\", got 1"},
    {"label_join(x, \"a\", \",\", 1)",
     "1:25: expected type string in call to function \"label_join\", got scalar"},
    {"sum(x[5m])", "1:5: expected type instant vector in aggregation expression, got range vector"},
    {"topk(\"a\", x)", "1:6: expected type scalar in aggregation parameter, got string"},
    {"count_values(1, x)", "1:14: expected type string in aggregation parameter, got scalar"},
    {"sum(1)", "1:5: expected type instant vector in aggregation expression, got scalar"},
    {"a + bool b", "1:3: bool modifier can only be used on comparison operators"},
    {"1 == 2", "1:3: comparisons between scalars must use BOOL modifier"},
    {"1 and 2", "1:1: set operator \"and\" not allowed in binary scalar expression"},
    {"x or 1", "1:1: set operator \"or\" not allowed in binary scalar expression"},
    {"a and on(x) group_left b", "1:1: no grouping allowed for \"and\" operation"},
    {"a * on(x) group_left(x) b", "1:3: label \"x\" must not occur in ON and GROUP clause at once"},
    {"x[5m] + 1", "1:1: binary expression must contain only scalar and instant vector types"},
    {"1 + \"a\"", "1:5: binary expression must contain only scalar and instant vector types"},
    {"a - on(x) 1", "1:1: vector matching only allowed between instant vectors"},
    {"-x[5m]",
     "1:1: unary expression only allowed on expressions of type scalar or instant vector, got "
     "\"range vector\""},
    {"x[5m][5m:]", "1:1: subquery is only allowed on instant vector, got matrix instead"},
    {"{}", "1:1: vector selector must contain at least one non-empty matcher"},
    {"{a=\"\"}", "1:1: vector selector must contain at least one non-empty matcher"},
    {"{a=~\".*\", b!=\"x\"}", "1:1: vector selector must contain at least one non-empty matcher"},
    {"foo{__name__=\"bar\"}", "1:1: metric name must not be set twice: \"foo\" or \"bar\""},
    // Positions on later lines.
    {"sum(\n  rate(x)\n)",
     "2:8: expected type range vector in call to function \"rate\", got instant vector"},
    {"foo\n  + bar{a=\"b\"}\n  + ratee(x)", "3:5: unknown function ratee; did you mean rate?"},
};

}  // namespace

TEST_CASE("errors: bad queries fail with Prometheus's message and position") {
  ParseOptions options;
  options.allowOutsideSubset = true;
  CHECK(std::size(kBad) >= 40);
  for (const BadQuery& b : kBad) {
    CAPTURE(b.input);
    auto result = parse(b.input, options);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().toString() == b.error);
  }
}

TEST_CASE("errors: line and column are 1-based and count bytes") {
  auto result = parse("x +\n\n   (1 ==");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().line == 3);
  CHECK(result.error().column == 9);
  CHECK(result.error().message == "unclosed left parenthesis");
}

TEST_CASE("errors: absurdly deep nesting fails cleanly instead of exhausting the stack") {
  const std::string parens = std::string(5000, '(') + "x" + std::string(5000, ')');
  auto deep = parse(parens);
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().message == "expression nested too deeply");

  std::string chain = "x";
  for (int i = 0; i < 5000; ++i) {
    chain += " + x";
  }
  CHECK(parse(chain).error().message == "expression nested too deeply");
  CHECK(parse(std::string(5000, '-') + "x").error().message == "expression nested too deeply");

  // Realistic depths are fine.
  const std::string ok = std::string(200, '(') + "x" + std::string(200, ')');
  CHECK(parse(ok).ok());
  std::string sum = "x";
  for (int i = 0; i < 300; ++i) {
    sum += " or x";
  }
  CHECK(parse(sum).ok());
}
