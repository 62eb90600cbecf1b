#include "label_block.h"

#include <cstring>
#include <limits>
#include <stdexcept>

namespace nova::detail {
namespace {

std::size_t wordsFor(std::size_t count, std::size_t textBytes) {
  return 1 + (2 * count + 1) + (textBytes + sizeof(std::uint32_t) - 1) / sizeof(std::uint32_t);
}

// Byte-wise `a < b` as std::string_view orders, deciding on the first byte when it differs
// (it nearly always does between the names of one set) without a call to memcmp.
bool nameLess(std::string_view a, std::string_view b) {
  if (!a.empty() && !b.empty() && a.front() != b.front()) {
    return static_cast<unsigned char>(a.front()) < static_cast<unsigned char>(b.front());
  }
  return a < b;
}

// Copies n bytes, sizeof(Word) <= n <= 2 * sizeof(Word), as two overlapping words.
template <typename Word>
void copyTwoWords(char* out, const char* in, std::size_t n) {
  Word head;
  Word tail;
  std::memcpy(&head, in, sizeof(Word));
  std::memcpy(&tail, in + n - sizeof(Word), sizeof(Word));
  std::memcpy(out, &head, sizeof(Word));
  std::memcpy(out + n - sizeof(Word), &tail, sizeof(Word));
}

// memcpy for a few bytes, without a call: most names and values are short, and a label set
// is a dozen of them.
void copy(char* out, const char* in, std::size_t n) {
  if (n > 16) {
    std::memcpy(out, in, n);
  } else if (n >= 8) {
    copyTwoWords<std::uint64_t>(out, in, n);
  } else if (n >= 4) {
    copyTwoWords<std::uint32_t>(out, in, n);
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      out[i] = in[i];
    }
  }
}

// Copies pieces into `out` one after another, merging pieces adjacent in the source.
class CopyRuns {
 public:
  explicit CopyRuns(char* out) : out_(out) {}

  // Queues `piece` and returns the output offset just past it.
  std::uint32_t add(std::string_view piece) {
    if (piece.data() != runStart_ + runSize_) {
      flush();
      runStart_ = piece.data();
    }
    runSize_ += piece.size();
    return static_cast<std::uint32_t>(written_ + runSize_);
  }

  void flush() {
    copy(out_ + written_, runStart_, runSize_);
    written_ += runSize_;
    runSize_ = 0;
  }

 private:
  char* out_;
  std::size_t written_ = 0;
  const char* runStart_ = nullptr;
  std::size_t runSize_ = 0;
};

}  // namespace

std::size_t normalizeLabelRefs(std::span<LabelRef> refs) {
  // Insertion sort: label sets are small and usually arrive sorted or nearly so, and it is
  // stable, which "last one wins" below relies on.
  bool plain = true;  // strictly increasing names and no empty value: nothing to drop
  for (std::size_t i = 1; i < refs.size(); ++i) {
    if (!nameLess(refs[i].name, refs[i - 1].name)) {
      plain = plain && refs[i].name != refs[i - 1].name;
      continue;
    }
    const LabelRef moving = refs[i];
    std::size_t j = i;
    for (; j > 0 && nameLess(moving.name, refs[j - 1].name); --j) {
      refs[j] = refs[j - 1];
    }
    refs[j] = moving;
    plain = plain && (j == 0 || refs[j - 1].name != moving.name);
  }
  for (std::size_t i = 0; plain && i < refs.size(); ++i) {
    plain = !refs[i].value.empty();
  }
  if (plain) {
    return refs.size();
  }
  std::size_t kept = 0;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    if (i + 1 < refs.size() && refs[i + 1].name == refs[i].name) {
      continue;  // a later label of the same name wins
    }
    if (!refs[i].value.empty()) {
      refs[kept++] = refs[i];
    }
  }
  return kept;
}

std::unique_ptr<std::uint32_t[]> packLabelRefs(std::span<const LabelRef> refs) {
  if (refs.empty()) {
    return nullptr;
  }
  std::size_t textBytes = 0;
  for (const LabelRef& ref : refs) {
    textBytes += ref.name.size() + ref.value.size();
  }
  if (textBytes > std::numeric_limits<std::uint32_t>::max() ||
      refs.size() > std::numeric_limits<std::uint32_t>::max() / 4) {
    throw std::length_error("label set larger than 4 GiB");
  }
  const std::size_t words = wordsFor(refs.size(), textBytes);
  auto block = std::make_unique_for_overwrite<std::uint32_t[]>(words);
  block[0] = static_cast<std::uint32_t>(refs.size());
  block[words - 1] = 0;  // padding after the text is zero, so whole blocks compare equal
  std::uint32_t* ends = block.get() + 1;
  char* text = reinterpret_cast<char*>(ends + 2 * refs.size() + 1);
  // Names and values that sit back to back in the source (a builder's buffer in the order
  // added) are copied as one run: fewer, longer copies.
  CopyRuns runs(text);
  *ends++ = 0;
  for (const LabelRef& ref : refs) {
    *ends++ = runs.add(ref.name);
    *ends++ = runs.add(ref.value);
  }
  runs.flush();
  return block;
}

std::size_t blockWords(const std::uint32_t* block) {
  const std::uint32_t count = block[0];
  return wordsFor(count, block[1 + 2 * count]);
}

LabelRefBuffer::LabelRefBuffer(std::size_t n) : data_(inline_), size_(n) {
  if (n > kInline) {
    heap_ = std::make_unique<LabelRef[]>(n);
    data_ = heap_.get();
  }
}

}  // namespace nova::detail
