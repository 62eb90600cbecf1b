// Sample lines: metric name, label block, quoted strings, and the per-sample label fix-ups
// (unescaping, `le`/`quantile` normalization, duplicate names).

#include <algorithm>
#include <cstring>
#include <string>

#include "nova/expo/parser.h"
#include "number.h"
#include "scan.h"

namespace nova::expo {

using detail::is;
using detail::skipBlanks;

namespace {

constexpr std::uint8_t kNameEscaped = 1;
constexpr std::uint8_t kValueEscaped = 2;
constexpr std::size_t kPairwiseDuplicateCheck = 16;

bool hasAllowedSuffix(std::string_view suffix, MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return suffix == "_total" || suffix == "_created";
    case MetricType::kHistogram:
      return suffix == "_bucket" || suffix == "_sum" || suffix == "_count" || suffix == "_created";
    case MetricType::kSummary:
      return suffix == "_sum" || suffix == "_count" || suffix == "_created";
    default:
      return false;
  }
}

// Equal names; the size and the first byte settle nearly every pair without a call to
// memcmp.
bool sameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.empty() || a.front() == b.front()) && a == b;
}

}  // namespace

bool Parser::parseSample(std::size_t pos, std::size_t lineEnd, SampleView& out) {
  labels_.clear();
  labelEscaped_.clear();
  bool nameSet = false;
  bool nameEscaped = false;
  std::size_t p = pos;
  if (is(body_[p], detail::kNameStart)) {
    p = detail::skipClass(body_, p + 1, lineEnd, detail::kNameChar);
    out.name = body_.substr(pos, p - pos);
    nameSet = true;
    const std::size_t brace = skipBlanks(body_, p, lineEnd);
    if (brace < lineEnd && body_[brace] == '{') {
      p = brace;
      if (!parseLabelBlock(p, lineEnd, out, nameSet, nameEscaped)) {
        return false;
      }
    }
  } else if (body_[p] == '{') {
    if (!parseLabelBlock(p, lineEnd, out, nameSet, nameEscaped)) {
      return false;
    }
    if (!nameSet) {
      return fail(pos,
                  "metric name missing: expected a name before '{' or a quoted name "
                  "inside the braces");
    }
  } else {
    return failGot(pos, lineEnd, "expected metric name, '{' or '#' at start of line");
  }
  out.series = body_.substr(pos, p - pos);
  out.line = line_;
  if (!finishLabels(pos, out, nameEscaped)) {
    return false;
  }
  return parseValueAndTimestamp(p, lineEnd, out);
}

bool Parser::parseLabelBlock(std::size_t& pos, std::size_t lineEnd, SampleView& out, bool& nameSet,
                             bool& nameEscaped) {
  std::size_t p = pos + 1;
  while (true) {
    p = skipBlanks(body_, p, lineEnd);
    if (p >= lineEnd) {
      return failGot(p, lineEnd, "expected label name or '}'");
    }
    const std::size_t namePos = p;
    std::string_view name;
    bool quoted = false;
    bool escaped = false;
    if (body_[p] == '}') {
      pos = p + 1;
      return true;
    }
    if (is(body_[p], detail::kLabelStart)) {
      p = detail::skipClass(body_, p + 1, lineEnd, detail::kLabelChar);
      name = body_.substr(namePos, p - namePos);
    } else if (body_[p] == '"') {
      quoted = true;
      if (!parseQuoted(p, lineEnd, name, escaped, "name")) {
        return false;
      }
    } else {
      return failGot(p, lineEnd, "expected label name");
    }
    p = skipBlanks(body_, p, lineEnd);
    if (quoted && p < lineEnd && (body_[p] == ',' || body_[p] == '}')) {
      // A lone quoted string is the Prometheus 3 form of the metric name.
      if (nameSet) {
        return fail(namePos, "metric name given twice");
      }
      if (name.empty()) {
        return fail(namePos, "empty metric name");
      }
      out.name = name;
      nameSet = true;
      nameEscaped = escaped;
      p += body_[p] == ',' ? 1 : 0;
      continue;
    }
    if (name.empty()) {
      return fail(namePos, "empty label name");
    }
    if (limits_.maxLabelNameBytes != 0 && name.size() > limits_.maxLabelNameBytes) {
      return fail(namePos,
                  "label name longer than " + std::to_string(limits_.maxLabelNameBytes) + " bytes");
    }
    if (p >= lineEnd || body_[p] != '=') {
      return failGot(p, lineEnd, "expected '=' after label name");
    }
    p = skipBlanks(body_, p + 1, lineEnd);
    if (p >= lineEnd || body_[p] != '"') {
      return failGot(p, lineEnd, "expected '\"' to start label value");
    }
    const std::size_t valuePos = p;
    std::string_view value;
    bool valueEscaped = false;
    // Most values are plain ASCII up to the closing quote: taken here, without the call;
    // anything else (escapes, UTF-8, errors) goes through parseQuoted from the start.
    const std::size_t close = detail::skipPlain(body_, p + 1, lineEnd);
    if (close < lineEnd && body_[close] == '"') {
      value = body_.substr(p + 1, close - p - 1);
      p = close + 1;
    } else if (!parseQuoted(p, lineEnd, value, valueEscaped, "label value")) {
      return false;
    }
    if (limits_.maxLabelValueBytes != 0 && value.size() > limits_.maxLabelValueBytes) {
      return fail(valuePos, "label value longer than " +
                                std::to_string(limits_.maxLabelValueBytes) + " bytes");
    }
    if (limits_.maxLabelsPerSample != 0 && labels_.size() >= limits_.maxLabelsPerSample) {
      return fail(namePos, "more than " + std::to_string(limits_.maxLabelsPerSample) +
                               " labels on one sample");
    }
    labels_.push_back({name, value});
    labelEscaped_.push_back(static_cast<std::uint8_t>((escaped ? kNameEscaped : 0) |
                                                      (valueEscaped ? kValueEscaped : 0)));
    // As in Prometheus, the comma between labels may be left out.
    p = skipBlanks(body_, p, lineEnd);
    if (p < lineEnd && body_[p] == ',') {
      ++p;
    }
  }
}

bool Parser::parseQuoted(std::size_t& pos, std::size_t lineEnd, std::string_view& text,
                         bool& escaped, std::string_view what) {
  const std::size_t open = pos;
  std::size_t p = pos + 1;
  while (true) {
    p = detail::skipPlain(body_, p, lineEnd);
    if (p >= lineEnd) {
      return fail(open, "unterminated quoted " + std::string(what));
    }
    const auto c = static_cast<unsigned char>(body_[p]);
    if (c == '"') {
      break;
    }
    if (c == '\\') {
      const char e = p + 1 < lineEnd ? body_[p + 1] : '\0';
      if (p + 1 >= lineEnd) {
        return fail(open, "unterminated quoted " + std::string(what));
      }
      escaped = true;
      // Prometheus keeps an unknown escape such as `\q` as written (a Windows path in a label
      // must not fail the scrape); the byte after it is then read as an ordinary byte.
      p += (e == '\\' || e == '"' || e == 'n') ? 2 : 1;
      continue;
    }
    if (c == 0) {
      return fail(p, "NUL byte in " + std::string(what));
    }
    const std::size_t len = detail::utf8SequenceLength(body_, p, lineEnd);
    if (len == 0) {
      return fail(p, "invalid UTF-8 in " + std::string(what));
    }
    p += len;
  }
  text = body_.substr(open + 1, p - open - 1);
  pos = p + 1;
  return true;
}

void Parser::resolveFamily(SampleView& out) const {
  const std::string_view name = out.name;
  const std::string_view family = familyName_;
  bool member = name == family;
  if (!member && name.size() > family.size() && !family.empty() && name.starts_with(family)) {
    member = hasAllowedSuffix(name.substr(family.size()), familyType_);
  }
  out.type = member ? familyType_ : MetricType::kUntyped;
  out.help = member ? familyHelp_ : std::string_view{};
  out.family = member ? family : name;
}

bool Parser::finishLabels(std::size_t seriesPos, SampleView& out, bool nameEscaped) {
  // Size the scratch buffer first: views into it must not move while it fills. Any `le` or
  // `quantile` may need room; whether it is normalized depends on the type, known only once
  // the name is unescaped.
  std::size_t need = nameEscaped ? out.name.size() : 0;
  for (std::size_t i = 0; i < labels_.size(); ++i) {
    const std::string_view name = labels_[i].name;
    if (labelEscaped_[i] != 0 || name == "le" || name == "quantile") {
      need += name.size() + labels_[i].value.size() + detail::kMaxOmFloatGrowth;
    }
  }
  if (need != 0) {
    scratch_.clear();
    scratch_.reserve(need);
  }
  const auto unescape = [&](std::string_view& text) {
    const std::size_t start = scratch_.size();
    detail::unescapeQuoted(text, scratch_);
    text = std::string_view(scratch_).substr(start);
  };
  if (nameEscaped) {
    unescape(out.name);
  }
  resolveFamily(out);
  std::string_view normalized;
  if (out.type == MetricType::kHistogram) {
    normalized = "le";
  } else if (out.type == MetricType::kSummary) {
    normalized = "quantile";
  }
  if (need != 0) {
    for (std::size_t i = 0; i < labels_.size(); ++i) {
      const std::uint8_t flags = labelEscaped_[i];
      if ((flags & kNameEscaped) != 0) {
        unescape(labels_[i].name);
      }
      if ((flags & kValueEscaped) != 0) {
        unescape(labels_[i].value);
      }
      const std::size_t start = scratch_.size();
      if (!normalized.empty() && labels_[i].name == normalized &&
          detail::normalizeOmFloat(labels_[i].value, scratch_)) {
        labels_[i].value = std::string_view(scratch_).substr(start);
      }
    }
  }
  out.labels = labels_;
  return checkDuplicates(seriesPos);
}

bool Parser::checkDuplicates(std::size_t seriesPos) {
  const std::size_t n = labels_.size();
  for (const LabelView& label : labels_) {
    if (sameName(label.name, kMetricNameLabel)) {
      return fail(seriesPos, "label __name__ repeats the metric name");
    }
  }
  if (n <= kPairwiseDuplicateCheck) {
    // One bit per first byte (mod 64) seen so far: a name whose bit is clear cannot repeat an
    // earlier one, and the names of one sample rarely share a first byte.
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::string_view name = labels_[i].name;
      const std::uint64_t bit = name.empty() ? 1 : 1ULL << (name.front() & 63);
      for (std::size_t j = 0; (seen & bit) != 0 && j < i; ++j) {
        if (sameName(name, labels_[j].name)) {
          return fail(seriesPos, "duplicate label name \"" + std::string(name) + "\"");
        }
      }
      seen |= bit;
    }
    return true;
  }
  sortedNames_.clear();
  for (const LabelView& label : labels_) {
    sortedNames_.push_back(label.name);
  }
  std::sort(sortedNames_.begin(), sortedNames_.end());
  const auto dup = std::adjacent_find(sortedNames_.begin(), sortedNames_.end());
  if (dup != sortedNames_.end()) {
    return fail(seriesPos, "duplicate label name \"" + std::string(*dup) + "\"");
  }
  return true;
}

}  // namespace nova::expo
