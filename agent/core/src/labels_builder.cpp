#include <algorithm>
#include <limits>
#include <stdexcept>

#include "label_block.h"
#include "nova/core/labels.h"

namespace nova {

LabelsBuilder::LabelsBuilder(const Labels& base) {
  entries_.reserve(base.size() + 1);
  for (const LabelRef label : base) {
    add(label.name, label.value);
  }
}

void LabelsBuilder::add(std::string_view name, std::string_view value) {
  const std::size_t at = text_.size();
  if (name.size() + value.size() > std::numeric_limits<std::uint32_t>::max() - at) {
    throw std::length_error("label set larger than 4 GiB");
  }
  text_.append(name).append(value);
  const auto nameAt = static_cast<std::uint32_t>(at);
  const auto valueAt = static_cast<std::uint32_t>(at + name.size());
  entries_.push_back({nameAt, static_cast<std::uint32_t>(name.size()), valueAt,
                      static_cast<std::uint32_t>(value.size())});
}

LabelsBuilder& LabelsBuilder::set(std::string_view name, std::string_view value) {
  // Earlier bytes of a replaced label stay in text_ until clear(); label sets are small.
  std::erase_if(entries_, [&](const Entry& e) { return nameOf(e) == name; });
  if (!value.empty()) {
    add(name, value);
  }
  return *this;
}

LabelsBuilder& LabelsBuilder::remove(std::string_view name) {
  return set(name, {});
}

LabelsBuilder& LabelsBuilder::keepOnly(const std::vector<std::string>& names) {
  std::erase_if(entries_, [&](const Entry& e) {
    return std::find(names.begin(), names.end(), nameOf(e)) == names.end();
  });
  return *this;
}

Labels LabelsBuilder::build() const {
  detail::LabelRefBuffer refs(entries_.size());
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    refs.span()[i] = {nameOf(entries_[i]), valueOf(entries_[i])};
  }
  return Labels::fromViews(refs.span());
}

}  // namespace nova
