#include "script.h"

#include <re2/re2.h>

#include <cctype>
#include <cstdlib>
#include <string>
#include <utility>

#include "nova/promql/series_notation.h"

namespace nova::conformance {
namespace {

// The upstream runner's patterns, verbatim, so headers split the same way.
const RE2& loadPattern() {
  static const RE2 re(R"(^load(?:_(with_nhcb))?\s+(.+?)$)");
  return re;
}
const RE2& evalInstantPattern() {
  static const RE2 re(R"(^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$)");
  return re;
}
const RE2& evalRangePattern() {
  static const RE2 re(
      R"(^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$)");
  return re;
}
const RE2& expectPattern() {
  static const RE2 re(
      R"(^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$)");
  return re;
}
const RE2& expectRangePattern() {
  static const RE2 re(R"(^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$)");
  return re;
}
// A bare number line (Go's ParseInt base 0, then ParseFloat).
const RE2& numberLinePattern() {
  static const RE2 re(
      R"(^[+-]?(?:0[xX][0-9a-fA-F]+|[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)"
      R"(|\.[0-9]+(?:[eE][+-]?[0-9]+)?|[Ii][Nn][Ff](?:[Ii][Nn][Ii][Tt][Yy])?|[Nn][Aa][Nn])$)");
  return re;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Trimmed lines with comment lines blanked: a comment ends a block like a blank line.
std::vector<std::string> scriptLines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t from = 0;
  for (;;) {
    const std::size_t nl = text.find('\n', from);
    std::string_view line = trim(text.substr(from, nl == std::string_view::npos ? nl : nl - from));
    lines.emplace_back(line.starts_with("#") ? std::string_view{} : line);
    if (nl == std::string_view::npos) {
      return lines;
    }
    from = nl + 1;
  }
}

std::string firstToken(std::string_view line) {
  const std::size_t end = line.find_first_of(" \t");
  std::string token(line.substr(0, end));
  for (char& c : token) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return token;
}

Error lineError(std::size_t index, const std::string& what) {
  return Error{ErrorCode::kInvalidInput, "line " + std::to_string(index + 1) + ": " + what};
}

Result<DurationMs> duration(std::size_t index, const std::string& what, const std::string& text) {
  Result<DurationMs> d = parseDuration(text);
  if (!d) {
    return lineError(index, "invalid " + what + ": " + d.error().message);
  }
  return d;
}

std::optional<double> parseNumberLine(const std::string& line) {
  if (!RE2::FullMatch(line, numberLinePattern())) {
    return std::nullopt;
  }
  std::string_view digits = line;
  const bool negative = digits.front() == '-';
  if (digits.front() == '+' || digits.front() == '-') {
    digits.remove_prefix(1);
  }
  double v = 0;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    v = static_cast<double>(std::strtoll(std::string(digits.substr(2)).c_str(), nullptr, 16));
  } else {
    v = std::strtod(std::string(digits).c_str(), nullptr);
  }
  return negative ? -v : v;
}

Result<SeriesSpec> seriesSpec(std::size_t index, const std::string& line) {
  Result<promql::SeriesLine> parsed = promql::parseSeriesLine(line);
  if (!parsed) {
    return lineError(index, parsed.error().message);
  }
  return SeriesSpec{static_cast<int>(index + 1), std::move(parsed->labels),
                    std::move(parsed->values), parsed->hasHistogram};
}

// A start-timestamp line: the first token ends in "@st" (upstream's isSTLine).
bool isStartTimestampLine(const std::string& line) {
  const std::size_t blank = line.find_first_of(" \t");
  return blank != std::string::npos && std::string_view(line).substr(0, blank).ends_with("@st");
}

class Reader {
 public:
  explicit Reader(std::string_view text) : lines_(scriptLines(text)) {}

  Result<std::vector<Command>> read() {
    std::vector<Command> commands;
    for (i_ = 0; i_ < lines_.size(); ++i_) {
      const std::string& line = lines_[i_];
      if (line.empty()) {
        continue;
      }
      const std::string cmd = firstToken(line);
      Status st;
      if (cmd == "clear") {
        commands.emplace_back(ClearCommand{static_cast<int>(i_ + 1)});
      } else if (cmd.starts_with("load")) {
        st = readLoad(commands);
      } else if (cmd.starts_with("eval")) {
        st = readEval(commands);
      } else {
        st = lineError(i_, "invalid command \"" + line + "\"");
      }
      if (!st) {
        return st.error();
      }
    }
    return commands;
  }

 private:
  bool nextBodyLine() {
    if (i_ + 1 < lines_.size() && !lines_[i_ + 1].empty()) {
      ++i_;
      return true;
    }
    return false;
  }

  Status readLoad(std::vector<Command>& out);
  Status readEval(std::vector<Command>& out);
  Status readEvalHeader(EvalCommand& ev, std::string& mod);
  // Returns false when the line ends the block (a scalar or a deprecated fail message).
  Result<bool> readEvalBodyLine(EvalCommand& ev, bool deprecatedFail);

  std::vector<std::string> lines_;
  std::size_t i_ = 0;
  int expectFailLines_ = 0;
};

Status Reader::readLoad(std::vector<Command>& out) {
  std::string nhcb;
  std::string step;
  if (!RE2::FullMatch(lines_[i_], loadPattern(), &nhcb, &step)) {
    return lineError(i_, "invalid load command (load[_with_nhcb] <step>)");
  }
  LoadCommand load;
  load.line = static_cast<int>(i_ + 1);
  load.withNhcb = nhcb == "with_nhcb";
  Result<DurationMs> gap = duration(i_, "step", step);
  if (!gap) {
    return gap.error();
  }
  load.step = *gap;
  bool pendingStartTimestamps = false;
  while (nextBodyLine()) {
    const std::string& line = lines_[i_];
    if (isStartTimestampLine(line)) {
      // Start timestamps are outside the subset; only which series carry them matters.
      if (line.starts_with("@st")) {
        load.defaultStartTimestamps = true;
      } else {
        pendingStartTimestamps = true;
      }
      continue;
    }
    Result<SeriesSpec> spec = seriesSpec(i_, line);
    if (!spec) {
      return spec.error();
    }
    if (pendingStartTimestamps || load.defaultStartTimestamps) {
      load.startTimestampSeries.push_back(spec->labels);
      pendingStartTimestamps = false;
    }
    load.series.push_back(std::move(*spec));
  }
  if (pendingStartTimestamps) {
    return lineError(i_, "@st line has no following sample line");
  }
  out.emplace_back(std::move(load));
  return {};
}

Status Reader::readEvalHeader(EvalCommand& ev, std::string& mod) {
  const std::string& line = lines_[i_];
  std::string at;
  std::string from;
  std::string to;
  std::string step;
  if (RE2::FullMatch(line, evalInstantPattern(), &mod, &at, &ev.expr)) {
    Result<DurationMs> t = duration(i_, "timestamp", at);
    if (!t) {
      return t.error();
    }
    ev.start = *t;
    return {};
  }
  if (!RE2::FullMatch(line, evalRangePattern(), &mod, &from, &to, &step, &ev.expr)) {
    return lineError(i_, "invalid evaluation command");
  }
  ev.isRange = true;
  Result<DurationMs> start = duration(i_, "start", from);
  Result<DurationMs> end = duration(i_, "end", to);
  Result<DurationMs> gap = duration(i_, "step", step);
  for (const Result<DurationMs>* r : {&start, &end, &gap}) {
    if (!*r) {
      return r->error();
    }
  }
  if (*end < *start) {
    return lineError(i_, "end timestamp is before start timestamp");
  }
  ev.start = *start;
  ev.end = *end;
  ev.step = *gap;
  return {};
}

Status Reader::readEval(std::vector<Command>& out) {
  EvalCommand ev;
  ev.line = static_cast<int>(i_ + 1);
  expectFailLines_ = 0;
  std::string mod;
  if (Status st = readEvalHeader(ev, mod); !st) {
    return st;
  }
  ev.fail = mod == "fail";
  ev.ordered = mod == "ordered";
  ev.warnings.required = mod == "warn";
  ev.infos.required = mod == "info";
  while (nextBodyLine()) {
    Result<bool> more = readEvalBodyLine(ev, mod == "fail");
    if (!more) {
      return more.error();
    }
    if (!*more) {
      break;
    }
  }
  out.emplace_back(std::move(ev));
  return {};
}

Result<bool> Reader::readEvalBodyLine(EvalCommand& ev, bool deprecatedFail) {
  const std::string& line = lines_[i_];
  for (const auto& [prefix, regex] : {std::pair{std::string_view("expected_fail_message"), false},
                                      std::pair{std::string_view("expected_fail_regexp"), true}}) {
    if (deprecatedFail && line.starts_with(prefix)) {
      ev.failChecks.push_back({regex, std::string(trim(line.substr(prefix.size())))});
      return false;
    }
  }
  if (line.starts_with("expect range vector")) {
    std::string from;
    std::string to;
    std::string step;
    if (ev.isRange || !RE2::FullMatch(line, expectRangePattern(), &from, &to, &step)) {
      return lineError(i_, "invalid range vector definition");
    }
    Result<DurationMs> start = duration(i_, "start", from);
    Result<DurationMs> end = duration(i_, "end", to);
    Result<DurationMs> gap = duration(i_, "step", step);
    if (!start || !end || !gap || *end < *start) {
      return lineError(i_, "invalid range vector definition");
    }
    ev.rangeVector = true;
    ev.start = *start;
    ev.end = *end;
    ev.step = *gap;
    return true;
  }
  if (line.starts_with("expect string")) {
    Result<std::string> s = promql::parseStringLiteral(trim(line.substr(13)));
    if (!s) {
      return lineError(i_, "expected string literal not valid: " + s.error().message);
    }
    ev.expectedString = std::move(*s);
    return true;
  }
  if (line.substr(0, line.find(' ')) == "expect") {
    std::string kind;
    std::string matchType;
    std::string text;
    if (!RE2::FullMatch(line, expectPattern(), &kind, &matchType, &text)) {
      return lineError(i_, "invalid expect statement");
    }
    if (kind == "fail") {
      if (++expectFailLines_ > 1) {
        return lineError(i_, "multiple expect fail lines are not allowed");
      }
      ev.fail = true;
      if (!matchType.empty()) {
        ev.failChecks.push_back({matchType == "regex", std::string(trim(text))});
      }
    } else if (kind == "ordered") {
      ev.ordered = true;
    } else {
      AnnotationExpectation& e = kind.ends_with("warn") ? ev.warnings : ev.infos;
      if (kind.starts_with("no_")) {
        e.none = true;
      } else {
        e.checks.push_back({matchType != "msg", std::string(trim(text))});
      }
      if (e.none && !e.checks.empty()) {
        return lineError(i_, "invalid expect lines, " + kind.substr(kind.find('_') + 1) +
                                 " and no_" + kind.substr(kind.find('_') + 1) +
                                 " cannot be used together");
      }
    }
    return true;
  }
  if (std::optional<double> scalar = parseNumberLine(line)) {
    ev.expectedScalar = *scalar;
    return false;
  }
  Result<SeriesSpec> spec = seriesSpec(i_, line);
  if (!spec) {
    return spec.error();
  }
  if (spec->values.size() > 1 && !ev.isRange && !ev.rangeVector) {
    return lineError(i_, "multiple values in an instant evaluation need 'expect range vector'");
  }
  ev.expectsHistogram = ev.expectsHistogram || spec->hasHistogram;
  ev.expected.push_back(std::move(*spec));
  return true;
}

}  // namespace

Result<std::vector<Command>> readScript(std::string_view text) {
  return Reader(text).read();
}

}  // namespace nova::conformance
