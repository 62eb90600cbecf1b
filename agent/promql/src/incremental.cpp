// Series lists and running windows kept from one evaluation round to the next.
#include "nova/promql/incremental.h"

#include "incremental_impl.h"

namespace nova::promql {

IncrementalState::IncrementalState() : impl_(std::make_unique<detail::IncrementalImpl>()) {}
IncrementalState::~IncrementalState() = default;
IncrementalState::IncrementalState(IncrementalState&&) noexcept = default;
IncrementalState& IncrementalState::operator=(IncrementalState&&) noexcept = default;

void IncrementalState::clear() {
  impl_->clear();
}

std::size_t IncrementalState::windowsSlid() const {
  return impl_->slid();
}

std::size_t IncrementalState::windowsRebuilt() const {
  return impl_->rebuilt();
}

namespace detail {
namespace {

// What decides the series a selector matches: its matchers (the name is one of them).
void appendMatchers(std::string& key, const VectorSelector& selector) {
  for (const Matcher& m : selector.matchers) {
    key += m.name();
    key += static_cast<char>('0' + static_cast<int>(m.op()));
    key += m.value();
    key += '\0';
  }
}

}  // namespace

void IncrementalImpl::bind(const tsdb::Storage& storage) {
  if (storage_ != &storage || layoutVersion_ != storage.layoutVersion()) {
    series_.clear();
    windows_.clear();
    storage_ = &storage;
    layoutVersion_ = storage.layoutVersion();
  }
}

const std::vector<tsdb::SeriesId>* IncrementalImpl::findSeries(const VectorSelector& selector) {
  key_.clear();
  appendMatchers(key_, selector);
  const auto it = series_.find(key_);
  return it == series_.end() ? nullptr : &it->second;
}

const std::vector<tsdb::SeriesId>& IncrementalImpl::storeSeries(const VectorSelector& selector,
                                                                std::vector<tsdb::SeriesId> ids) {
  key_.clear();
  appendMatchers(key_, selector);
  return series_.insert_or_assign(key_, std::move(ids)).first->second;
}

std::vector<SlidingWindow>& IncrementalImpl::windows(std::string_view function,
                                                     const MatrixSelector& selector,
                                                     std::size_t seriesCount) {
  key_.assign(function);
  key_ += '\0';
  appendMatchers(key_, selector.selector);
  key_ += std::to_string(selector.range) + ' ' + std::to_string(selector.selector.offset) + ' ' +
          std::to_string(static_cast<int>(selector.selector.atAnchor)) + ' ' +
          (selector.selector.at ? std::to_string(*selector.selector.at) : std::string("-"));
  std::vector<SlidingWindow>& windows = windows_[key_];
  if (windows.size() != seriesCount) {
    windows.assign(seriesCount, SlidingWindow{});
  }
  return windows;
}

void IncrementalImpl::clear() {
  storage_ = nullptr;
  series_.clear();
  windows_.clear();
  slid_ = 0;
  rebuilt_ = 0;
}

}  // namespace detail
}  // namespace nova::promql
