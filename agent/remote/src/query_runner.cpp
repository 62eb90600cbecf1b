#include "nova/remote/query_runner.h"

#include <algorithm>
#include <optional>

#include "nova/http/multi_client.h"

namespace nova::remote {
namespace {

// The longest single wait inside run(): the budget is checked at least this often.
constexpr DurationMs kMaxPoll = 50;

QueryOutcome outOfBudget(DurationMs budget, bool started) {
  QueryOutcome out;
  out.outcome = Outcome::kTimeout;
  out.answer = Error(ErrorCode::kTimeout,
                     std::string("timeout: ") + (started ? "no answer" : "not started") +
                         " within the round's budget of " + std::to_string(budget) + " ms");
  return out;
}

}  // namespace

struct QueryRunner::Impl {
  Impl(const Clock& c, std::size_t max) : clock(c), maxConcurrent(std::max<std::size_t>(max, 1)) {}
  const Clock& clock;
  std::size_t maxConcurrent;
  http::MultiClient client;
};

QueryRunner::QueryRunner(const Clock& clock, std::size_t maxConcurrent)
    : impl_(std::make_unique<Impl>(clock, maxConcurrent)) {}

QueryRunner::~QueryRunner() = default;

std::vector<QueryOutcome> QueryRunner::run(std::span<const QueryTask> tasks, DurationMs budget) {
  const Clock& clock = impl_->clock;
  const MonoTime deadline = clock.monoNow() + budget;
  std::vector<std::optional<QueryOutcome>> done(tasks.size());
  std::vector<std::uint64_t> ids(tasks.size(), 0);
  std::vector<MonoTime> startedAt(tasks.size());
  std::size_t next = 0;
  std::size_t finished = 0;
  std::size_t inFlight = 0;
  while (finished < tasks.size() && clock.monoNow() < deadline) {
    while (inFlight < impl_->maxConcurrent && next < tasks.size()) {
      const std::size_t i = next++;
      const QueryTask& task = tasks[i];
      http::Request request = buildQueryRequest(*task.source, task.expr, task.at);
      // A query never outlives the round: its own timeout is cut to what is left.
      request.timeout =
          std::max<DurationMs>(1, std::min(request.timeout, deadline - clock.monoNow()));
      const bool allowWarnings = task.source->partialResponse.value_or(false);
      startedAt[i] = clock.monoNow();
      ++inFlight;
      ids[i] = impl_->client.start(request,
                                   [&, i, allowWarnings](const Result<http::Response>& response) {
                                     QueryOutcome outcome = outcomeOf(response, allowWarnings);
                                     outcome.elapsed = clock.monoNow() - startedAt[i];
                                     done[i] = std::move(outcome);
                                     ++finished;
                                     --inFlight;
                                   });
    }
    impl_->client.poll(std::clamp<DurationMs>(deadline - clock.monoNow(), 0, kMaxPoll));
  }
  std::vector<QueryOutcome> out;
  out.reserve(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (done[i]) {
      out.push_back(std::move(*done[i]));
      continue;
    }
    const bool started = i < next;
    if (started) {
      impl_->client.cancel(ids[i]);
    }
    out.push_back(outOfBudget(budget, started));
    out.back().elapsed = started ? clock.monoNow() - startedAt[i] : 0;
  }
  return out;
}

}  // namespace nova::remote
