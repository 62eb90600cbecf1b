#include "nova/rules/template.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <utility>

#include "nova/core/suggest.h"
#include "nova/core/text.h"
#include "nova/core/time.h"

namespace nova::rules {
namespace {

constexpr std::array<std::pair<std::string_view, ValueFormat>, 3> kFunctions{{
    {"humanize", ValueFormat::kHumanize},
    {"humanizePercentage", ValueFormat::kHumanizePercentage},
    {"humanizeDuration", ValueFormat::kHumanizeDuration},
}};

// The fewest digits that read back as `v`, printed as Go prints a float64 with %v (so as
// Prometheus prints $value): an exponent below -4 or from 6 on, plain digits otherwise
// ("10", "123456", "1.234567e+06", "1e-05").
std::string shortest(double v) {
  char buf[64];
  int digits = 17;
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision - 1, v);
    if (std::strtod(buf, nullptr) == v) {
      digits = precision;
      break;
    }
  }
  const int exponent = std::atoi(std::strchr(buf, 'e') + 1);
  if (exponent < -4 || exponent >= 6) {
    std::snprintf(buf, sizeof buf, "%.*e", digits - 1, v);
  } else {
    std::snprintf(buf, sizeof buf, "%.*f", std::max(0, digits - 1 - exponent), v);
  }
  return buf;
}

std::string fixed(double v, const char* suffix) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g%s", v, suffix);
  return buf;
}

// SI prefixes as Prometheus's humanize: 1234 -> 1.234k, 0.0125 -> 12.5m.
std::string humanize(double v) {
  static constexpr std::array<const char*, 8> kBig{"", "k", "M", "G", "T", "P", "E", "Z"};
  static constexpr std::array<const char*, 7> kSmall{"", "m", "u", "n", "p", "f", "a"};
  if (v == 0) {
    return "0";
  }
  std::size_t i = 0;
  if (std::fabs(v) >= 1) {
    while (std::fabs(v) >= 1000 && i + 1 < kBig.size()) {
      v /= 1000;
      ++i;
    }
    return fixed(v, kBig[i]);
  }
  while (std::fabs(v) < 1 && i + 1 < kSmall.size()) {
    v *= 1000;
    ++i;
  }
  return fixed(v, kSmall[i]);
}

std::string humanizeDuration(double seconds) {
  if (std::fabs(seconds) < 1) {
    return fixed(seconds * 1000, "ms");
  }
  if (seconds >= 0 && seconds < 9e15) {
    return formatDuration(static_cast<DurationMs>(std::llround(seconds * 1000)));
  }
  return fixed(seconds, "s");
}

// Parses the inside of one `{{ ... }}`; `offset` is where the inside starts in the source.
std::optional<Template::Part> parseAction(std::string_view inside, std::size_t offset,
                                          std::vector<Template::ParseProblem>& problems) {
  const std::string_view action = trim(inside);
  const std::size_t at = offset + static_cast<std::size_t>(action.data() - inside.data());
  const std::size_t bar = action.find('|');
  const std::string_view subject = trim(action.substr(0, bar));
  if (subject.starts_with("$labels.")) {
    const std::string_view name = subject.substr(8);
    if (name.empty() || bar != std::string_view::npos) {
      problems.push_back({at, "expected {{ $labels.<name> }}"});
      return std::nullopt;
    }
    return Template::LabelRef{std::string(name)};
  }
  if (subject != "$value") {
    problems.push_back({at, "unknown template variable \"" + std::string(subject) +
                                "\" (use $value or $labels.<name>)"});
    return std::nullopt;
  }
  if (bar == std::string_view::npos) {
    return Template::ValueRef{ValueFormat::kPlain};
  }
  const std::string_view fn = trim(action.substr(bar + 1));
  for (const auto& [name, format] : kFunctions) {
    if (fn == name) {
      return Template::ValueRef{format};
    }
  }
  std::array<std::string_view, kFunctions.size()> names{};
  for (std::size_t i = 0; i < kFunctions.size(); ++i) {
    names[i] = kFunctions[i].first;
  }
  std::string message = "unknown template function \"" + std::string(fn) + "\"";
  if (auto hint = closestMatch(fn, names)) {
    message += "; did you mean " + *hint + "?";
  }
  const std::size_t fnAt = at + static_cast<std::size_t>(fn.data() - action.data());
  problems.push_back({fnAt, message});
  return std::nullopt;
}

}  // namespace

Template Template::parse(std::string_view text, std::vector<ParseProblem>& problems) {
  Template t;
  t.source_ = std::string(text);
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t open = text.find("{{", i);
    if (open == std::string_view::npos) {
      t.parts_.push_back(Literal{std::string(text.substr(i))});
      break;
    }
    if (open > i) {
      t.parts_.push_back(Literal{std::string(text.substr(i, open - i))});
    }
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      problems.push_back({open, "unclosed {{ in template"});
      break;
    }
    if (auto part = parseAction(text.substr(open + 2, close - open - 2), open + 2, problems)) {
      t.parts_.push_back(std::move(*part));
    }
    i = close + 2;
  }
  return t;
}

std::string Template::render(double value, const Labels& labels) const {
  std::string out;
  for (const Part& part : parts_) {
    if (const auto* literal = std::get_if<Literal>(&part)) {
      out += literal->text;
    } else if (const auto* ref = std::get_if<ValueRef>(&part)) {
      out += formatValue(value, ref->format);
    } else {
      out += labels.get(std::get<LabelRef>(part).name);
    }
  }
  return out;
}

std::string formatValue(double value, ValueFormat format) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  switch (format) {
    case ValueFormat::kPlain:
      return shortest(value);
    case ValueFormat::kHumanize:
      return humanize(value);
    case ValueFormat::kHumanizePercentage:
      return fixed(value * 100, "%");
    case ValueFormat::kHumanizeDuration:
      return humanizeDuration(value);
  }
  return shortest(value);
}

}  // namespace nova::rules
