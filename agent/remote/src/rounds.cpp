#include "nova/remote/rounds.h"

#include <algorithm>

#include "nova/remote/query_runner.h"

namespace nova::remote {

SourceSet::SourceSet(std::vector<SourceConfig> sources) : sources_(std::move(sources)) {}

const SourceConfig* SourceSet::find(const std::string& name) const {
  for (const SourceConfig& source : sources_) {
    if (source.name == name) {
      return &source;
    }
  }
  if (name == "prometheus" && sources_.size() == 1) {
    return &sources_.front();
  }
  return nullptr;
}

RemoteRounds::RemoteRounds(SourceSet sources, RoundOptions options, const Clock& clock,
                           QueryObserver observer)
    : sources_(std::move(sources)),
      options_(options),
      clock_(clock),
      observer_(std::move(observer)),
      wakeup_(clock) {
  if (options_.budget <= 0) {
    for (const SourceConfig& source : sources_.all()) {
      options_.budget = std::max(options_.budget, source.timeout);
    }
  }
  thread_ = std::thread([this] { loop(); });
}

RemoteRounds::~RemoteRounds() {
  {
    std::lock_guard lock(wakeup_.mutex());
    stopping_ = true;
  }
  wakeup_.notifyAll();
  thread_.join();
}

void RemoteRounds::request(std::vector<rules::RemoteQuery> queries, TimestampMs at) {
  {
    std::lock_guard lock(wakeup_.mutex());
    pending_.emplace(std::move(queries), at);
  }
  wakeup_.notifyAll();
}

void RemoteRounds::loop() {
  QueryRunner runner(clock_, options_.maxConcurrent);
  std::unique_lock lock(wakeup_.mutex());
  while (true) {
    wakeup_.wait(lock, [this] { return stopping_ || pending_.has_value(); });
    if (stopping_) {
      return;
    }
    auto [queries, at] = std::move(*pending_);
    pending_.reset();
    running_ = true;
    lock.unlock();

    auto round = std::make_shared<RoundResult>();
    round->at = at;
    std::vector<QueryTask> tasks;
    std::vector<const rules::RemoteQuery*> asked;
    for (const rules::RemoteQuery& query : queries) {
      if (const SourceConfig* source = sources_.find(query.source)) {
        tasks.push_back({source, query.expr, at});
        asked.push_back(&query);
      } else {
        round->answers.emplace(query, Error(ErrorCode::kInvalidInput, "not configured"));
      }
    }
    std::vector<QueryOutcome> outcomes = runner.run(tasks, options_.budget);
    std::map<std::string, SourceStatus> seen;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      QueryOutcome& outcome = outcomes[i];
      const std::string& name = tasks[i].source->name;
      if (observer_) {
        observer_(name, outcome.outcome, outcome.elapsed);
      }
      SourceStatus& s = seen[name];
      ++s.queries;
      s.lastDuration = std::max(s.lastDuration, outcome.elapsed);
      if (!outcome.answer.ok()) {
        ++s.failures;
        s.lastError = outcome.answer.error().message;
        s.lastErrorAt = at;
        round->answers.emplace(*asked[i], outcome.answer.error());
      } else {
        round->answers.emplace(*asked[i], std::move(outcome.answer->value));
      }
    }

    lock.lock();
    latest_ = std::move(round);
    for (auto& [name, s] : seen) {
      SourceStatus& total = status_[name];
      total.queries += s.queries;
      total.failures += s.failures;
      total.lastDuration = s.lastDuration;
      if (s.lastErrorAt) {
        total.lastError = s.lastError;
        total.lastErrorAt = s.lastErrorAt;
      }
    }
    running_ = false;
    wakeup_.notifyAll();
  }
}

rules::RemoteAnswers RemoteRounds::answersFor(const std::vector<rules::RemoteQuery>& wanted,
                                              TimestampMs now) const {
  std::shared_ptr<const RoundResult> round;
  {
    std::lock_guard lock(wakeup_.mutex());
    round = latest_;
  }
  rules::RemoteAnswers out;
  const bool stale = round && now - round->at > options_.maxAge;
  for (const rules::RemoteQuery& query : wanted) {
    if (!round) {
      out.emplace(query, Error(ErrorCode::kUnavailable, "no remote answer yet"));
      continue;
    }
    if (stale) {
      out.emplace(query, Error(ErrorCode::kTimeout,
                               "remote answer is " + std::to_string(now - round->at) + " ms old"));
      continue;
    }
    const auto it = round->answers.find(query);
    if (it == round->answers.end()) {
      // The rules changed after that round was asked for (a reload).
      out.emplace(query, Error(ErrorCode::kUnavailable, "no remote answer yet"));
    } else {
      out.emplace(*it);
    }
  }
  return out;
}

std::map<std::string, SourceStatus> RemoteRounds::status() const {
  std::lock_guard lock(wakeup_.mutex());
  return status_;
}

bool RemoteRounds::waitIdle(DurationMs timeout) const {
  std::unique_lock lock(wakeup_.mutex());
  return wakeup_.waitFor(lock, timeout, [this] { return !pending_ && !running_; });
}

}  // namespace nova::remote
