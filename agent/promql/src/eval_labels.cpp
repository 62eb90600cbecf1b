#include "eval_labels.h"

#include <algorithm>
#include <unordered_set>

namespace nova::promql::detail {
namespace {

bool isNameOrMetadata(const std::string& name) {
  return name == kMetricNameLabel || name == "__type__" || name == "__unit__";
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

Labels filtered(const Labels& labels, auto keep) {
  std::vector<Label> out;
  out.reserve(labels.size());
  for (const auto& label : labels) {
    if (keep(label.name)) {
      out.push_back(label);
    }
  }
  // Already sorted and unique, so this only wraps the vector.
  return Labels::fromUnsorted(out);
}

void appendPair(std::string& out, const Label& label) {
  out += label.name;
  out += '\xff';
  out += label.value;
  out += '\xff';
}

}  // namespace

Labels dropMetricName(const Labels& labels) {
  bool any = false;
  for (const auto& label : labels) {
    any = any || isNameOrMetadata(label.name);
  }
  if (!any) {
    return labels;
  }
  return filtered(labels, [](const std::string& name) { return !isNameOrMetadata(name); });
}

Labels keepOnlyLabels(const Labels& labels, const std::vector<std::string>& names) {
  return filtered(labels, [&](const std::string& name) { return contains(names, name); });
}

Labels removeLabels(const Labels& labels, const std::vector<std::string>& names, bool dropName) {
  return filtered(labels, [&](const std::string& name) {
    return !contains(names, name) && !(dropName && name == kMetricNameLabel);
  });
}

void matchingSignature(const Labels& labels, const VectorMatching& matching, std::string& out) {
  out.clear();
  for (const auto& label : labels) {
    const bool listed = contains(matching.labels, label.name);
    const bool use = matching.on ? listed : (!listed && label.name != kMetricNameLabel);
    if (use) {
      appendPair(out, label);
    }
  }
}

void groupingSignature(const Labels& labels, const std::vector<std::string>& grouping, bool without,
                       std::string& out) {
  out.clear();
  for (const auto& label : labels) {
    const bool listed = contains(grouping, label.name);
    const bool use = without ? (!listed && label.name != kMetricNameLabel) : listed;
    if (use) {
      appendPair(out, label);
    }
  }
}

Status checkUniqueLabels(const EvalVector& vec) {
  if (vec.size() < 2) {
    return {};
  }
  std::unordered_set<Labels, LabelsHash> seen;
  seen.reserve(vec.size());
  for (const auto& s : vec) {
    if (!seen.insert(s.labels).second) {
      return Error{ErrorCode::kInvalidInput,
                   "vector cannot contain metrics with the same labelset"};
    }
  }
  return {};
}

std::string formatLabelsForError(const Labels& labels) {
  std::string out = "{";
  bool first = true;
  for (const auto& label : labels) {
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
  return out;
}

}  // namespace nova::promql::detail
