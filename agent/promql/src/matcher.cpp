// Label matchers. Regular expressions follow Prometheus: fully anchored and with `.`
// matching newlines, i.e. the pattern is compiled as `^(?s:re)$`.
#include <re2/re2.h>

#include "nova/promql/ast.h"

namespace nova::promql {

Matcher::Matcher(MatchOp op, std::string name, std::string value)
    : op_(op), name_(std::move(name)), value_(std::move(value)) {}

Result<Matcher> Matcher::create(MatchOp op, std::string name, std::string value) {
  Matcher m(op, std::move(name), std::move(value));
  if (op == MatchOp::kRegexMatch || op == MatchOp::kRegexNoMatch) {
    RE2::Options options;
    options.set_log_errors(false);
    options.set_dot_nl(true);
    // FullMatch anchors the whole program, so `a|b` means ^(?:a|b)$ as in Prometheus.
    auto re = std::make_shared<const RE2>(m.value_, options);
    if (!re->ok()) {
      return Error{ErrorCode::kInvalidInput, "error parsing regexp: " + re->error()};
    }
    m.regex_ = std::move(re);
  }
  return m;
}

bool Matcher::matches(std::string_view value) const {
  switch (op_) {
    case MatchOp::kEqual:
      return value == value_;
    case MatchOp::kNotEqual:
      return value != value_;
    case MatchOp::kRegexMatch:
      return RE2::FullMatch(value, *regex_);
    case MatchOp::kRegexNoMatch:
      return !RE2::FullMatch(value, *regex_);
  }
  return false;
}

}  // namespace nova::promql
