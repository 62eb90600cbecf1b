// Label matcher semantics: Prometheus anchors regular expressions at both ends and lets
// `.` match a newline.
#include <doctest/doctest.h>

#include "nova/promql/ast.h"
#include "nova/promql/parser.h"

namespace {

using nova::promql::Matcher;
using nova::promql::MatchOp;

Matcher make(MatchOp op, std::string value) {
  auto m = Matcher::create(op, "job", std::move(value));
  REQUIRE_MESSAGE(m.ok(), m.error().message);
  return *m;
}

}  // namespace

TEST_CASE("matcher: equality and inequality compare whole values") {
  const Matcher eq = make(MatchOp::kEqual, "api");
  CHECK(eq.matches("api"));
  CHECK_FALSE(eq.matches("api2"));
  CHECK_FALSE(eq.matches(""));
  const Matcher ne = make(MatchOp::kNotEqual, "api");
  CHECK_FALSE(ne.matches("api"));
  CHECK(ne.matches("web"));
  CHECK(ne.matches(""));
  CHECK(make(MatchOp::kEqual, "").matches(""));
}

TEST_CASE("matcher: regular expressions are fully anchored") {
  const Matcher re = make(MatchOp::kRegexMatch, "api|web");
  CHECK(re.matches("api"));
  CHECK(re.matches("web"));
  CHECK_FALSE(re.matches("xapi"));
  CHECK_FALSE(re.matches("apix"));
  CHECK_FALSE(re.matches("api|web"));
  const Matcher prefix = make(MatchOp::kRegexMatch, "ap.*");
  CHECK(prefix.matches("ap"));
  CHECK(prefix.matches("apple"));
  CHECK_FALSE(prefix.matches("map"));
  // Alternation stays inside the anchors.
  CHECK_FALSE(make(MatchOp::kRegexMatch, "a|b").matches("ab"));
  CHECK_FALSE(make(MatchOp::kRegexMatch, "x|y.*").matches("xz"));
  CHECK(make(MatchOp::kRegexMatch, "x|y.*").matches("yz"));
  // Explicit anchors inside the pattern are harmless.
  CHECK(make(MatchOp::kRegexMatch, "^api$").matches("api"));
}

TEST_CASE("matcher: dot matches newlines, as with Go's (?s)") {
  const Matcher re = make(MatchOp::kRegexMatch, "a.b");
  CHECK(re.matches("a\nb"));
  CHECK(make(MatchOp::kRegexMatch, ".*").matches("line1\nline2"));
  CHECK_FALSE(make(MatchOp::kRegexNoMatch, ".+").matches("x\ny"));
}

TEST_CASE("matcher: !~ is the negation of =~") {
  const Matcher nre = make(MatchOp::kRegexNoMatch, "api|web");
  CHECK_FALSE(nre.matches("api"));
  CHECK(nre.matches("apix"));
  CHECK(nre.matches(""));
  CHECK(make(MatchOp::kRegexNoMatch, ".+").matches(""));
  CHECK_FALSE(make(MatchOp::kRegexNoMatch, ".*").matches(""));
}

TEST_CASE("matcher: empty-string matching decides the non-empty selector rule") {
  CHECK(make(MatchOp::kRegexMatch, ".*").matches(""));
  CHECK_FALSE(make(MatchOp::kRegexMatch, ".+").matches(""));
  CHECK(make(MatchOp::kRegexMatch, "a|").matches(""));
  CHECK(nova::promql::parse("{job=~\".+\"}").ok());
  CHECK_FALSE(nova::promql::parse("{job=~\"a|\"}").ok());
  CHECK(nova::promql::parse("{job!=\"\"}").ok());
}

TEST_CASE("matcher: a bad regular expression is an error naming the problem") {
  auto m = Matcher::create(MatchOp::kRegexMatch, "job", "a(b");
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().message.find("missing )") != std::string::npos);
  CHECK(Matcher::create(MatchOp::kEqual, "job", "a(b").ok());
}

TEST_CASE("matcher: accessors return what was given") {
  const Matcher m = make(MatchOp::kRegexNoMatch, "x+");
  CHECK(m.op() == MatchOp::kRegexNoMatch);
  CHECK(m.name() == "job");
  CHECK(m.value() == "x+");
}

TEST_CASE("parseSelector: matchers in order, the outside name last") {
  auto ms = nova::promql::parseSelector("up{job=\"api\", instance=~\"a.*\"}");
  REQUIRE(ms.ok());
  REQUIRE(ms->size() == 3);
  CHECK((*ms)[0].name() == "job");
  CHECK((*ms)[1].op() == MatchOp::kRegexMatch);
  CHECK((*ms)[2].name() == "__name__");
  CHECK((*ms)[2].value() == "up");

  auto bare = nova::promql::parseSelector("{__name__=\"x\"}");
  REQUIRE(bare.ok());
  CHECK(bare->size() == 1);

  auto bad = nova::promql::parseSelector("up + 1");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "1:4: unexpected <op:+>");
  auto badRegex = nova::promql::parseSelector("up{a=~\"(\"}");
  REQUIRE_FALSE(badRegex.ok());
  CHECK(badRegex.error().message.rfind("1:4: error parsing regexp", 0) == 0);
}
