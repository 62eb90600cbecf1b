#include "nova/core/labels.h"

#include <algorithm>

namespace nova {
namespace {

bool byName(const Label& a, const Label& b) {
  return a.name < b.name;
}

bool alreadyNormal(const std::vector<Label>& labels) {
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i].value.empty() || (i > 0 && !(labels[i - 1].name < labels[i].name))) {
      return false;
    }
  }
  return true;
}

std::vector<Label> normalize(std::vector<Label> labels) {
  // Scraped series usually arrive sorted already (__name__ sorts before lower-case names).
  if (alreadyNormal(labels)) {
    return labels;
  }
  // Stable sort keeps input order among equal names so that "last wins" below holds.
  std::stable_sort(labels.begin(), labels.end(), byName);
  std::vector<Label> out;
  out.reserve(labels.size());
  for (auto& label : labels) {
    if (!out.empty() && out.back().name == label.name) {
      out.back() = std::move(label);
    } else {
      out.push_back(std::move(label));
    }
  }
  std::erase_if(out, [](const Label& l) { return l.value.empty(); });
  return out;
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

Labels::Labels(std::initializer_list<Label> labels)
    : labels_(normalize(std::vector<Label>(labels))) {}

Labels Labels::fromUnsorted(std::vector<Label> labels) {
  Labels out;
  out.labels_ = normalize(std::move(labels));
  return out;
}

std::string_view Labels::get(std::string_view name) const {
  for (const auto& label : labels_) {
    if (label.name == name) {
      return label.value;
    }
  }
  return {};
}

Labels Labels::without(std::initializer_list<std::string_view> names) const {
  Labels out;
  out.labels_.reserve(labels_.size());
  for (const auto& label : labels_) {
    if (std::find(names.begin(), names.end(), label.name) == names.end()) {
      out.labels_.push_back(label);
    }
  }
  return out;
}

Labels Labels::with(std::string_view name, std::string_view value) const {
  return LabelsBuilder(*this).set(name, value).build();
}

std::size_t Labels::hash() const {
  std::size_t h = 14695981039346656037ULL;
  for (const auto& label : labels_) {
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
  for (const auto& label : labels_) {
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

bool operator<(const Labels& a, const Labels& b) {
  const std::size_t n = std::min(a.labels_.size(), b.labels_.size());
  for (std::size_t i = 0; i < n; ++i) {
    const Label& x = a.labels_[i];
    const Label& y = b.labels_[i];
    if (x.name != y.name) {
      return x.name < y.name;
    }
    if (x.value != y.value) {
      return x.value < y.value;
    }
  }
  return a.labels_.size() < b.labels_.size();
}

LabelsBuilder::LabelsBuilder(const Labels& base) : labels_(base.items()) {}

LabelsBuilder& LabelsBuilder::set(std::string_view name, std::string_view value) {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  if (it != labels_.end() && it->name == name) {
    if (value.empty()) {
      labels_.erase(it);
    } else {
      it->value = std::string(value);
    }
  } else if (!value.empty()) {
    labels_.insert(it, Label{std::string(name), std::string(value)});
  }
  return *this;
}

LabelsBuilder& LabelsBuilder::remove(std::string_view name) {
  return set(name, {});
}

LabelsBuilder& LabelsBuilder::keepOnly(const std::vector<std::string>& names) {
  std::erase_if(labels_, [&](const Label& l) {
    return std::find(names.begin(), names.end(), l.name) == names.end();
  });
  return *this;
}

Labels LabelsBuilder::build() const {
  return Labels::fromUnsorted(labels_);
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
