// The label block's rarer paths: quoted names and values with escapes or UTF-8, unescaping
// with normalization, and the exact duplicate-name check the block's screen asks for.

#include <algorithm>
#include <string>

#include "label_flags.h"
#include "nova/expo/parser.h"
#include "number.h"
#include "scan.h"

namespace nova::expo {

namespace {

// Equal names; the size and the first byte settle nearly every pair without a call to
// memcmp.
bool sameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.empty() || a.front() == b.front()) && a == b;
}

}  // namespace

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
  text = detail::slice(body_, open + 1, p);
  pos = p + 1;
  return true;
}

void Parser::unescapeAndNormalize(SampleView& out, bool nameEscaped) {
  // Size the scratch buffer first: views into it must not move while it fills. Any `le` or
  // `quantile` may need room; whether it is normalized depends on the type, known only once
  // the name is unescaped.
  const auto flagsOf = [&](std::size_t i) {
    return i < labelEscaped_.size() ? labelEscaped_[i] : std::uint8_t{0};
  };
  std::size_t need = nameEscaped ? out.name.size() : 0;
  for (std::size_t i = 0; i < labels_.size(); ++i) {
    const std::string_view name = labels_[i].name;
    if (flagsOf(i) != 0 || name == "le" || name == "quantile") {
      need += name.size() + labels_[i].value.size() + detail::kMaxOmFloatGrowth;
    }
  }
  scratch_.clear();
  scratch_.reserve(need);
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
  for (std::size_t i = 0; i < labels_.size(); ++i) {
    const std::uint8_t flags = flagsOf(i);
    if ((flags & detail::kNameEscaped) != 0) {
      unescape(labels_[i].name);
    }
    if ((flags & detail::kValueEscaped) != 0) {
      unescape(labels_[i].value);
    }
    const std::size_t start = scratch_.size();
    if (!normalized.empty() && labels_[i].name == normalized &&
        detail::normalizeOmFloat(labels_[i].value, scratch_)) {
      labels_[i].value = std::string_view(scratch_).substr(start);
    }
  }
}

bool Parser::checkDuplicates(std::size_t seriesPos) {
  const std::size_t n = labels_.size();
  for (const LabelView& label : labels_) {
    if (sameName(label.name, kMetricNameLabel)) {
      return fail(seriesPos, "label __name__ repeats the metric name");
    }
  }
  if (n <= detail::kPairwiseDuplicateCheck) {
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
