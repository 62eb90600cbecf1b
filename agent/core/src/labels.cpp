#include "nova/core/labels.h"

#include <algorithm>
#include <cstring>

#include "label_block.h"

namespace nova {
namespace {

// Views of owned labels, normalized and packed into one block.
template <typename Range>
std::unique_ptr<std::uint32_t[]> packOwned(const Range& labels) {
  detail::LabelRefBuffer refs(labels.size());
  std::size_t i = 0;
  for (const Label& label : labels) {
    refs.span()[i++] = {label.name, label.value};
  }
  const std::size_t kept = detail::normalizeLabelRefs(refs.span());
  return detail::packLabelRefs(refs.span().first(kept));
}

// FNV-1a over names and values with separators, so ("ab","c") and ("a","bc") differ.
std::size_t fnv1a(std::size_t h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

Labels::Labels(std::initializer_list<Label> labels) : block_(packOwned(labels)) {}

Labels::Labels(const Labels& other) {
  if (other.block_) {
    const std::size_t words = detail::blockWords(other.block_.get());
    block_ = std::make_unique_for_overwrite<std::uint32_t[]>(words);
    std::memcpy(block_.get(), other.block_.get(), words * sizeof(std::uint32_t));
  }
}

Labels& Labels::operator=(const Labels& other) {
  if (this != &other) {
    Labels copy(other);
    block_ = std::move(copy.block_);
  }
  return *this;
}

Labels Labels::fromUnsorted(const std::vector<Label>& labels) {
  return Labels(packOwned(labels));
}

Labels Labels::fromViews(std::span<LabelRef> labels) {
  const std::size_t kept = detail::normalizeLabelRefs(labels);
  return Labels(detail::packLabelRefs(labels.first(kept)));
}

std::string_view Labels::get(std::string_view name) const {
  for (const LabelRef label : *this) {
    if (label.name == name) {
      return label.value;
    }
  }
  return {};
}

Labels Labels::without(std::initializer_list<std::string_view> names) const {
  detail::LabelRefBuffer refs(size());
  std::size_t kept = 0;
  for (const LabelRef label : *this) {
    if (std::find(names.begin(), names.end(), label.name) == names.end()) {
      refs.span()[kept++] = label;
    }
  }
  return Labels(detail::packLabelRefs(refs.span().first(kept)));
}

Labels Labels::with(std::string_view name, std::string_view value) const {
  return LabelsBuilder(*this).set(name, value).build();
}

std::size_t Labels::hash() const {
  std::size_t h = 14695981039346656037ULL;
  for (const LabelRef label : *this) {
    h = fnv1a(h, label.name);
    h = fnv1a(h, "\xff");
    h = fnv1a(h, label.value);
    h = fnv1a(h, "\xfe");
  }
  return h;
}

std::string Labels::toString() const {
  std::string out(metricName());
  out += '{';
  bool first = true;
  for (const LabelRef label : *this) {
    if (label.name == kMetricNameLabel) {
      continue;
    }
    if (!first) {
      out += ", ";
    }
    first = false;
    out += label.name;
    out += "=\"";
    appendEscapedLabelValue(out, label.value);
    out += '"';
  }
  out += '}';
  if (out.size() > 2 && out.ends_with("{}") && !metricName().empty()) {
    out.resize(out.size() - 2);
  }
  return out;
}

std::size_t Labels::heapBytes() const {
  return block_ ? detail::blockWords(block_.get()) * sizeof(std::uint32_t) : 0;
}

bool operator==(const Labels& a, const Labels& b) {
  if (a.size() != b.size()) {
    return false;
  }
  if (a.empty()) {
    return true;
  }
  // Offsets follow from the content, so equal sets have equal headers and text.
  const std::uint32_t count = a.block_[0];
  const std::size_t bytes = (2 * count + 2) * sizeof(std::uint32_t) + a.block_[1 + 2 * count];
  return b.block_[1 + 2 * count] == a.block_[1 + 2 * count] &&
         std::memcmp(a.block_.get(), b.block_.get(), bytes) == 0;
}

bool operator<(const Labels& a, const Labels& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const LabelRef x = a.begin()[static_cast<std::ptrdiff_t>(i)];
    const LabelRef y = b.begin()[static_cast<std::ptrdiff_t>(i)];
    if (x.name != y.name) {
      return x.name < y.name;
    }
    if (x.value != y.value) {
      return x.value < y.value;
    }
  }
  return a.size() < b.size();
}

void appendEscapedLabelValue(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

}  // namespace nova
