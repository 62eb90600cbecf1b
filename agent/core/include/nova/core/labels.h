#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace nova {

/// The label that holds a series' metric name.
inline constexpr std::string_view kMetricNameLabel = "__name__";

struct Label {
  std::string name;
  std::string value;

  friend bool operator==(const Label&, const Label&) = default;
};

/// An immutable set of labels, sorted by name, names unique, no empty values (Prometheus
/// treats a label with an empty value as absent). Ordering is Prometheus's: pairs compared
/// name first, then value, byte-wise; a prefix sorts first.
class Labels {
 public:
  Labels() = default;
  Labels(std::initializer_list<Label> labels);
  /// Sorts; for a repeated name the last one wins; empty values are dropped.
  static Labels fromUnsorted(std::vector<Label> labels);

  /// The value of `name`, or "" when absent.
  std::string_view get(std::string_view name) const;
  bool has(std::string_view name) const { return !get(name).empty(); }
  std::string_view metricName() const { return get(kMetricNameLabel); }

  bool empty() const { return labels_.empty(); }
  std::size_t size() const { return labels_.size(); }
  auto begin() const { return labels_.begin(); }
  auto end() const { return labels_.end(); }
  const std::vector<Label>& items() const { return labels_; }

  /// A copy without the given names.
  Labels without(std::initializer_list<std::string_view> names) const;
  /// A copy with `name` set to `value` (removed when `value` is empty).
  Labels with(std::string_view name, std::string_view value) const;

  /// A stable 64-bit hash of names and values.
  std::size_t hash() const;

  /// Prometheus's text form: `name{a="b", c="d"}`, `{a="b"}` without a name, `{}` when empty.
  std::string toString() const;

  friend bool operator==(const Labels& a, const Labels& b) { return a.labels_ == b.labels_; }
  friend bool operator<(const Labels& a, const Labels& b);

 private:
  std::vector<Label> labels_;
};

struct LabelsHash {
  std::size_t operator()(const Labels& labels) const { return labels.hash(); }
};

/// Builds a label set by edits; cheaper than repeated Labels::with.
class LabelsBuilder {
 public:
  LabelsBuilder() = default;
  explicit LabelsBuilder(const Labels& base);

  LabelsBuilder& set(std::string_view name, std::string_view value);
  LabelsBuilder& remove(std::string_view name);
  /// Keeps only the given names.
  LabelsBuilder& keepOnly(const std::vector<std::string>& names);
  Labels build() const;

 private:
  std::vector<Label> labels_;
};

/// Appends `value` to `out` with `\\`, `"` and newline escaped, as in the text format.
void appendEscapedLabelValue(std::string& out, std::string_view value);

}  // namespace nova
