#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nova {

/// The label that holds a series' metric name.
inline constexpr std::string_view kMetricNameLabel = "__name__";

/// A label with its own strings: what callers hand to `Labels` to build a set.
struct Label {
  std::string name;
  std::string value;

  friend bool operator==(const Label&, const Label&) = default;
};

/// A name or value inside a `Labels`: a view that also converts to `std::string`, so code
/// that takes a `const std::string&` keeps compiling (each such conversion copies; prefer
/// `std::string_view` in new code).
class LabelText : public std::string_view {
 public:
  using std::string_view::string_view;
  constexpr LabelText(std::string_view text) noexcept : std::string_view(text) {}
  LabelText(const std::string& text) noexcept : std::string_view(text) {}
  operator std::string() const { return std::string(data(), size()); }
};

/// One label of a `Labels`, viewed in place: valid while that `Labels` lives and is not
/// assigned to. Converts to an owned `Label` where one is needed.
struct LabelRef {
  LabelText name;
  LabelText value;

  operator Label() const { return {std::string(name), std::string(value)}; }
  friend bool operator==(const LabelRef&, const LabelRef&) = default;
};

/// An immutable set of labels, sorted by name, names unique, no empty values (Prometheus
/// treats a label with an empty value as absent). Ordering is Prometheus's: pairs compared
/// name first, then value, byte-wise; a prefix sorts first.
///
/// The whole set lives in one heap block (a count, end offsets, then the names and values
/// back to back), so building or copying one costs one allocation and the object itself is
/// one pointer. Iteration yields `LabelRef` views into that block. Distinct objects may be
/// used from different threads; one object is safe to read from many threads at once.
class Labels {
 public:
  /// Iterates the labels in order; dereferencing yields a `LabelRef` by value.
  class Iterator {
   public:
    using iterator_concept = std::random_access_iterator_tag;
    using iterator_category = std::input_iterator_tag;  // the reference is not a real one
    using value_type = LabelRef;
    using difference_type = std::ptrdiff_t;
    using reference = LabelRef;

    /// What `->` returns: the view held long enough for one member access.
    struct Arrow {
      LabelRef ref;
      const LabelRef* operator->() const { return &ref; }
    };

    Iterator() = default;
    LabelRef operator*() const { return Labels::at(block_, index_); }
    Arrow operator->() const { return {**this}; }
    LabelRef operator[](difference_type n) const { return *(*this + n); }
    Iterator& operator++() { return *this += 1; }
    Iterator operator++(int) { return std::exchange(*this, *this + 1); }
    Iterator& operator--() { return *this += -1; }
    Iterator operator--(int) { return std::exchange(*this, *this - 1); }
    Iterator& operator+=(difference_type n) {
      index_ = static_cast<std::uint32_t>(static_cast<difference_type>(index_) + n);
      return *this;
    }
    Iterator& operator-=(difference_type n) { return *this += -n; }
    friend Iterator operator+(Iterator it, difference_type n) { return it += n; }
    friend Iterator operator+(difference_type n, Iterator it) { return it += n; }
    friend Iterator operator-(Iterator it, difference_type n) { return it += -n; }
    friend difference_type operator-(const Iterator& a, const Iterator& b) {
      return static_cast<difference_type>(a.index_) - static_cast<difference_type>(b.index_);
    }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.index_ == b.index_; }
    friend auto operator<=>(const Iterator& a, const Iterator& b) { return a.index_ <=> b.index_; }

   private:
    friend class Labels;
    Iterator(const std::uint32_t* block, std::uint32_t index) : block_(block), index_(index) {}

    const std::uint32_t* block_ = nullptr;
    std::uint32_t index_ = 0;
  };

  Labels() = default;
  Labels(std::initializer_list<Label> labels);
  Labels(const Labels& other);
  Labels(Labels&& other) noexcept = default;
  Labels& operator=(const Labels& other);
  Labels& operator=(Labels&& other) noexcept = default;
  ~Labels() = default;

  /// Sorts; for a repeated name the last one wins; empty values are dropped.
  static Labels fromUnsorted(const std::vector<Label>& labels);
  /// The same from views that need only live through the call, sorting `labels` in place:
  /// the cheapest way to build a set, since the bytes are copied once, into its block (a
  /// scrape's cache miss builds one from views into the scraped body).
  static Labels fromViews(std::span<LabelRef> labels);

  /// The value of `name`, or "" when absent. The view lives as long as this set.
  std::string_view get(std::string_view name) const;
  bool has(std::string_view name) const { return !get(name).empty(); }
  std::string_view metricName() const { return get(kMetricNameLabel); }

  bool empty() const { return size() == 0; }
  std::size_t size() const { return block_ ? block_[0] : 0; }
  Iterator begin() const { return {block_.get(), 0}; }
  Iterator end() const { return {block_.get(), static_cast<std::uint32_t>(size())}; }

  /// A copy without the given names.
  Labels without(std::initializer_list<std::string_view> names) const;
  /// A copy with `name` set to `value` (removed when `value` is empty).
  Labels with(std::string_view name, std::string_view value) const;

  /// A stable 64-bit hash of names and values (FNV-1a with separators).
  std::size_t hash() const;

  /// Prometheus's text form: `name{a="b", c="d"}`, `{a="b"}` without a name, `{}` when empty.
  std::string toString() const;

  /// Bytes this set holds on the heap (its one block), for memory accounting.
  std::size_t heapBytes() const;

  friend bool operator==(const Labels& a, const Labels& b);
  friend bool operator<(const Labels& a, const Labels& b);

 private:
  friend class LabelsBuilder;
  explicit Labels(std::unique_ptr<std::uint32_t[]> block) : block_(std::move(block)) {}

  /// Label `i` of a non-null block: its name and value sit between consecutive end offsets.
  static LabelRef at(const std::uint32_t* block, std::uint32_t i) {
    const std::uint32_t* ends = block + 1;
    const char* text = reinterpret_cast<const char*>(ends + 2 * block[0] + 1);
    const std::uint32_t name = ends[2 * i];
    const std::uint32_t value = ends[2 * i + 1];
    return {{text + name, value - name}, {text + value, ends[2 * i + 2] - value}};
  }

  // [count][2*count+1 end offsets, the first 0][names and values]; null when empty.
  std::unique_ptr<std::uint32_t[]> block_;
};

struct LabelsHash {
  std::size_t operator()(const Labels& labels) const { return labels.hash(); }
};

/// Builds a label set by edits; cheaper than repeated Labels::with. Names and values are
/// copied in, so arguments need not outlive the call. Not thread-safe.
class LabelsBuilder {
 public:
  LabelsBuilder() = default;
  explicit LabelsBuilder(const Labels& base);

  /// Sets `name` to `value`, replacing an earlier value; an empty value removes the label.
  LabelsBuilder& set(std::string_view name, std::string_view value);
  LabelsBuilder& remove(std::string_view name);
  /// Keeps only the given names.
  LabelsBuilder& keepOnly(const std::vector<std::string>& names);
  /// The set as built so far; the builder is unchanged.
  Labels build() const;

 private:
  struct Entry {
    std::uint32_t name;  // offset into text_
    std::uint32_t nameSize;
    std::uint32_t value;  // offset into text_
    std::uint32_t valueSize;
  };
  std::string_view nameOf(const Entry& e) const { return {text_.data() + e.name, e.nameSize}; }
  std::string_view valueOf(const Entry& e) const { return {text_.data() + e.value, e.valueSize}; }
  void add(std::string_view name, std::string_view value);

  std::string text_;            // names and values as added, back to back
  std::vector<Entry> entries_;  // in the order added; build() sorts views of them
};

/// Appends `value` to `out` with `\\`, `"` and newline escaped, as in the text format.
void appendEscapedLabelValue(std::string& out, std::string_view value);

}  // namespace nova
