#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "nova/core/labels.h"

// The one-block layout behind nova::Labels, shared by Labels and LabelsBuilder.
namespace nova::detail {

/// Sorts `refs` by name, keeping input order among equal names; keeps the last label of each
/// name; drops empty values. Returns how many of the leading refs hold the result.
std::size_t normalizeLabelRefs(std::span<LabelRef> refs);

/// The block holding `refs` (sorted, names unique, values non-empty) as Labels stores it:
/// the count, 2n+1 end offsets starting at 0, then each name and value back to back.
/// Null when `refs` is empty. Throws std::length_error past 4 GiB of text.
std::unique_ptr<std::uint32_t[]> packLabelRefs(std::span<const LabelRef> refs);

/// 32-bit words in a block (header, offsets and text rounded up).
std::size_t blockWords(const std::uint32_t* block);

/// A few refs on the stack, more on the heap: label sets are small, and sorting their views
/// should not allocate.
class LabelRefBuffer {
 public:
  explicit LabelRefBuffer(std::size_t n);
  std::span<LabelRef> span() { return {data_, size_}; }

 private:
  static constexpr std::size_t kInline = 16;
  LabelRef inline_[kInline];
  std::unique_ptr<LabelRef[]> heap_;
  LabelRef* data_;
  std::size_t size_;
};

}  // namespace nova::detail
