#include "load.h"

#include <chrono>

#include "nova/http/client.h"

namespace nova::demo {

TimestampMs wallNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

LoadGenerator::LoadGenerator(LoadOptions options) : options_(std::move(options)) {
  for (int i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this, i] { run(static_cast<std::size_t>(i)); });
  }
}

LoadGenerator::~LoadGenerator() {
  stop();
}

void LoadGenerator::stop() {
  stop_ = true;
  for (auto& t : threads_) {
    if (t.joinable()) {
      t.join();
    }
  }
}

void LoadGenerator::run(std::size_t index) {
  using Steady = std::chrono::steady_clock;
  const auto interval = std::chrono::duration_cast<Steady::duration>(
      std::chrono::duration<double>(options_.threads / options_.rate));
  // Threads start spread over one interval, so the total rate is even, not in bursts.
  auto next = Steady::now() + interval * static_cast<long>(index) / options_.threads;
  http::Client client;
  while (!stop_) {
    std::this_thread::sleep_until(next);
    next += interval;
    if (next < Steady::now()) {
      next = Steady::now();  // fell behind (slow answer): keep the pace, do not burst
    }
    http::Request request;
    request.url = options_.url;
    request.timeout = 5 * kSecond;
    auto response = client.perform(request);
    const TimestampMs at = wallNowMs();
    if (!response.ok()) {
      record(at, false, false, response.error().message);
      continue;
    }
    const std::string* color = response->header(options_.colorHeader);
    const bool blue = color != nullptr && *color == options_.blueValue;
    const std::string who = color ? *color : "?";
    record(at, response->status == 200, blue, std::to_string(response->status) + " from " + who);
  }
}

void LoadGenerator::record(TimestampMs at, bool ok, bool blue, const std::string& failure) {
  std::lock_guard lock(mutex_);
  outcomes_.push_back({at, ok});
  const TimestampMs from = watchFrom_;
  if (from == 0 || at < from) {
    return;
  }
  if (blue && !firstBlue_) {
    firstBlue_ = at;
  }
  if (!ok && !firstFailure_) {
    firstFailure_ = {at, failure};
  }
}

void LoadGenerator::watchFrom(TimestampMs at) {
  watchFrom_ = at;
}

std::optional<TimestampMs> LoadGenerator::firstBlue() const {
  std::lock_guard lock(mutex_);
  return firstBlue_;
}

std::optional<std::pair<TimestampMs, std::string>> LoadGenerator::firstFailure() const {
  std::lock_guard lock(mutex_);
  return firstFailure_;
}

std::pair<LoadCounts, LoadCounts> LoadGenerator::countsAround(TimestampMs at) const {
  std::lock_guard lock(mutex_);
  std::pair<LoadCounts, LoadCounts> counts;
  for (const auto& o : outcomes_) {
    LoadCounts& c = o.at < at ? counts.first : counts.second;
    ++c.requests;
    c.failed += o.ok ? 0 : 1;
  }
  return counts;
}

}  // namespace nova::demo
