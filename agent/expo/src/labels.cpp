// Sample lines: metric name, label block and the common per-sample label fix-ups (family,
// `le`/`quantile` normalization); the rarer ones are in label_slow_paths.cpp.

#include <cstring>
#include <string>

#include "float_cache.h"
#include "label_flags.h"
#include "label_window.h"
#include "nova/expo/parser.h"
#include "number.h"
#include "scan.h"

namespace nova::expo {

using detail::is;
using detail::skipBlanks;

namespace {

// 1 or 0, for flags combined without a branch.
unsigned oneIf(bool condition) {
  return condition ? 1U : 0U;
}

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

}  // namespace

bool Parser::parseSample(std::size_t pos, std::size_t lineEnd, SampleView& out) {
  labels_.clear();
  labelEscaped_.clear();
  sawEscape_ = false;
  nameCollisions_ = 0;
  normalizeCandidates_ = 0;
  bool nameSet = false;
  bool nameEscaped = false;
  std::size_t p = pos;
  if (is(body_[p], detail::kNameStart)) {
    p = detail::skipNameChars<true>(body_, p + 1, lineEnd);
    out.name = detail::slice(body_, pos, p);
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
  out.series = detail::slice(body_, pos, p);
  out.line = line_;
  if (!finishLabels(pos, out, nameEscaped)) {
    return false;
  }
  return parseValueAndTimestamp(p, lineEnd, out);
}

bool Parser::parseLabelBlock(std::size_t& pos, std::size_t lineEnd, SampleView& out, bool& nameSet,
                             bool& nameEscaped) {
  // One bit per name, from its first byte and length: a name whose bit is clear cannot repeat
  // an earlier one, so checkDuplicates runs only when two bits collide.
  std::uint64_t seenNames = 0;
  detail::LabelWindow window;
  const auto nameTooLong = [&](std::size_t at) {
    return fail(at,
                "label name longer than " + std::to_string(limits_.maxLabelNameBytes) + " bytes");
  };
  std::size_t p = pos + 1;
  while (true) {
    p = skipBlanks(body_, p, lineEnd);
    if (p >= lineEnd) {
      return failGot(p, lineEnd, "expected label name or '}'");
    }
    const std::size_t namePos = p;
    std::string_view name;
    std::string_view value;
    std::size_t valuePos = 0;
    bool escaped = false;
    bool valueEscaped = false;
    detail::PlainLabel plain;
    if (is(body_[p], detail::kLabelStart) &&
        detail::readPlainLabel(body_, p, lineEnd, window, plain)) [[likely]] {
      name = plain.name;
      if (name.size() > limits_.maxLabelNameBytes) [[unlikely]] {
        return nameTooLong(namePos);
      }
      value = plain.value;
      valuePos = plain.valuePos;
      p = plain.end;
    } else {
      bool quoted = false;
      if (is(body_[p], detail::kLabelStart)) [[likely]] {
        p = detail::skipNameChars<false>(body_, p + 1, lineEnd);
        name = detail::slice(body_, namePos, p);
      } else if (body_[p] == '}') {
        if (labels_.size() > detail::kPairwiseDuplicateCheck) {
          nameCollisions_ = 1;
        }
        pos = p + 1;
        return true;
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
      if (name.size() > limits_.maxLabelNameBytes) [[unlikely]] {
        return nameTooLong(namePos);
      }
      if (p >= lineEnd || body_[p] != '=') {
        return failGot(p, lineEnd, "expected '=' after label name");
      }
      p = skipBlanks(body_, p + 1, lineEnd);
      if (p >= lineEnd || body_[p] != '"') {
        return failGot(p, lineEnd, "expected '\"' to start label value");
      }
      valuePos = p;
      // Most values are plain ASCII up to the closing quote: taken here, without the call;
      // anything else (escapes, UTF-8, errors) goes through parseQuoted from the start.
      const std::size_t close = detail::skipPlain(body_, p + 1, lineEnd);
      if (close < lineEnd && body_[close] == '"') {
        value = detail::slice(body_, p + 1, close);
        p = close + 1;
      } else if (!parseQuoted(p, lineEnd, value, valueEscaped, "label value")) {
        return false;
      }
    }
    if (value.size() > limits_.maxLabelValueBytes) [[unlikely]] {
      return fail(valuePos, "label value longer than " +
                                std::to_string(limits_.maxLabelValueBytes) + " bytes");
    }
    if (labels_.size() >= limits_.maxLabelsPerSample) [[unlikely]] {
      return fail(namePos, "more than " + std::to_string(limits_.maxLabelsPerSample) +
                               " labels on one sample");
    }
    labels_.push_back({name, value});
    if (escaped || valueEscaped) [[unlikely]] {
      labelEscaped_.resize(labels_.size());
      labelEscaped_.back() = static_cast<std::uint8_t>((escaped ? detail::kNameEscaped : 0) |
                                                       (valueEscaped ? detail::kValueEscaped : 0));
      sawEscape_ = true;
      nameCollisions_ = 1;
    }
    // Which label comes where differs from line to line, so these screens take no branch.
    // Labels that may be le or quantile (a superset: finishLabels compares exactly); the
    // name is followed by at least `="`, so name[1] is in the body.
    const std::size_t n = name.size();
    const unsigned maybeNormalized =
        (oneIf(n == 2) & oneIf(name[0] == 'l') & oneIf(name[1] == 'e')) |
        (oneIf(n == 8) & oneIf(name[0] == 'q') & oneIf(name[n - 1] == 'e'));
    const std::size_t keep = maybeNormalized - std::size_t{1};  // all ones when not a candidate
    normalizeIndex_ = (normalizeIndex_ & keep) | ((labels_.size() - 1) & ~keep);
    normalizeCandidates_ += maybeNormalized;
    // Names alike by first byte and length, or shaped like __name__, make checkDuplicates run.
    const std::uint64_t bit = 1ULL << ((static_cast<unsigned char>(name[0]) + n) & 63);
    nameCollisions_ |= (seenNames & bit) | (oneIf(n == 8) & oneIf(name[0] == '_'));
    seenNames |= bit;
    // As in Prometheus, the comma between labels may be left out.
    p = skipBlanks(body_, p, lineEnd);
    if (p < lineEnd && body_[p] == ',') {
      ++p;
    }
  }
}

void Parser::resolveFamily(SampleView& out) const {
  const std::string_view name = out.name;
  const std::string_view family = familyName_;
  bool member =
      name.size() == family.size() && detail::sameBytes(name.data(), family.data(), name.size());
  if (!member && name.size() > family.size() && !family.empty() &&
      detail::sameBytes(name.data(), family.data(), family.size())) {
    member = hasAllowedSuffix(name.substr(family.size()), familyType_);
  }
  out.type = member ? familyType_ : MetricType::kUntyped;
  out.help = member ? familyHelp_ : std::string_view{};
  out.family = member ? family : name;
}

bool Parser::finishLabels(std::size_t seriesPos, SampleView& out, bool nameEscaped) {
  out.labels = labels_;
  if (nameEscaped || sawEscape_ || normalizeCandidates_ > 1) [[unlikely]] {
    unescapeAndNormalize(out, nameEscaped);
  } else {
    resolveFamily(out);
    if (normalizeCandidates_ == 1) {
      normalizeOne(out.type, labels_[normalizeIndex_]);
    }
  }
  return nameCollisions_ == 0 || checkDuplicates(seriesPos);
}

void Parser::normalizeOne(MetricType type, LabelView& label) {
  const bool normalize = (type == MetricType::kHistogram && label.name == "le") ||
                         (type == MetricType::kSummary && label.name == "quantile");
  if (normalize) {
    // Without escapes, the value is a view into the body.
    const auto readable =
        static_cast<std::size_t>(body_.data() + body_.size() - label.value.data());
    if (!floatCache_) {
      floatCache_ = std::make_unique<detail::OmFloatCache>();
    }
    label.value = floatCache_->normalize(label.value, readable, scratch_);
  }
}

}  // namespace nova::expo
