#include "nova/cli/eval_command.h"

#include <ostream>

#include "nova/cli/query_output.h"
#include "nova/core/files.h"
#include "nova/http/client.h"
#include "nova/promql/engine.h"
#include "nova/promql/parser.h"
#include "nova/remote/answer.h"
#include "nova/remote/source.h"
#include "nova/scrape/ingest.h"
#include "nova/tsdb/scrape_appender.h"
#include "nova/tsdb/storage.h"

namespace nova::cli {
namespace {

constexpr std::size_t kMaxBodyBytes = std::size_t{16} << 20;

// What a refused scrape means for the caller, by HTTP status.
ErrorCode codeOfStatus(long status) {
  if (status == 404) {
    return ErrorCode::kNotFound;
  }
  if (status == 401 || status == 403) {
    return ErrorCode::kRefused;
  }
  return status == 429 || status >= 500 ? ErrorCode::kUnavailable : ErrorCode::kInvalidInput;
}

Result<std::string> readBody(const EvalOptions& options, http::Client& client) {
  if (!options.file.empty()) {
    return readFile(options.file, kMaxBodyBytes);
  }
  http::Request request;
  request.url = options.url;
  request.timeout = options.timeout;
  request.maxBodyBytes = kMaxBodyBytes;
  request.headers.push_back({"Accept", "text/plain;version=0.0.4"});
  auto response = client.perform(request);
  if (!response.ok()) {
    return response.error();
  }
  if (response->status != 200) {
    return Error(codeOfStatus(response->status),
                 "GET " + options.url + ": HTTP " + std::to_string(response->status));
  }
  return std::move(response->body);
}

// A range vector with no series is as empty as an instant vector with no samples.
bool isEmptyVector(const promql::Value& value) {
  if (const auto* vector = std::get_if<promql::Vector>(&value)) {
    return vector->empty();
  }
  if (const auto* matrix = std::get_if<promql::Matrix>(&value)) {
    return matrix->empty();
  }
  return false;
}

Labels targetLabels(const EvalOptions& options) {
  return Labels{{"job", options.job}, {"instance", options.instance}};
}

// The expression evaluated by a Prometheus-compatible server, printed as a local answer.
int evalRemotely(const EvalOptions& options, std::ostream& out, std::ostream& err,
                 const Clock& clock) {
  remote::SourceConfig source;
  source.name = "prometheus";
  source.url = options.prometheus;
  source.timeout = options.timeout;
  source.tenant = options.tenant;
  http::Client client;
  const remote::QueryOutcome outcome = remote::outcomeOf(
      client.perform(remote::buildQueryRequest(source, options.expr, clock.now())));
  if (!outcome.answer.ok()) {
    err << "error: " << outcome.answer.error().message << "\n";
    return outcome.answer.error().code == ErrorCode::kInvalidInput &&
                   outcome.outcome == remote::Outcome::kHttpError
               ? kEvalError
               : kEvalScrapeFailed;
  }
  for (const std::string& info : outcome.answer->infos) {
    err << "info: " << info << "\n";
  }
  const promql::Value& value = outcome.answer->value;
  out << (options.output == "json" ? formatQueryJson(value) + "\n" : formatQueryTable(value));
  if (options.failIfEmpty && isEmptyVector(value)) {
    err << "error: the answer is empty (--fail-if-empty)\n";
    return kEvalEmpty;
  }
  return kEvalOk;
}

}  // namespace

int runEval(const EvalOptions& options, std::ostream& out, std::ostream& err, const Clock& clock) {
  const int sources =
      int{!options.url.empty()} + int{!options.file.empty()} + int{!options.prometheus.empty()};
  if (sources != 1) {
    err << "error: give exactly one of --url, --file and --prometheus\n";
    return kEvalError;
  }
  if (options.output != "table" && options.output != "json") {
    err << "error: --output must be table or json\n";
    return kEvalError;
  }
  if (!options.prometheus.empty()) {
    // The server parses the expression: it may use what the local engine does not have.
    return evalRemotely(options, out, err, clock);
  }
  const auto parsed = promql::parse(options.expr);
  if (!parsed.ok()) {
    err << "error: " << parsed.error().toString() << "\n";
    return kEvalError;
  }

  tsdb::Storage storage;
  tsdb::ScrapeAppender appender(storage);
  http::Client client;
  const Labels target = targetLabels(options);
  TimestampMs lastScrape = 0;
  int failedScrapes = 0;
  for (int i = 0; i < std::max(1, options.scrapes); ++i) {
    if (i > 0) {
      clock.sleepFor(options.interval);
    }
    lastScrape = clock.now();
    const MonoTime started = clock.monoNow();
    scrape::ScrapeOutcome outcome;
    const auto body = readBody(options, client);
    if (body.ok()) {
      const auto ingested = scrape::ingestExposition(*body, appender, lastScrape, target);
      outcome.up = ingested.ok();
      outcome.samples = ingested.ok() ? *ingested : 0;
      if (!ingested.ok()) {
        ++failedScrapes;
        err << "warning: scrape " << i + 1 << ": " << ingested.error().message << "\n";
      }
    } else {
      appender.failed(lastScrape);
      ++failedScrapes;
      err << "warning: scrape " << i + 1 << ": " << body.error().message << "\n";
    }
    outcome.duration = clock.monoNow() - started;
    scrape::appendScrapeSeries(appender, lastScrape, target, outcome);
  }

  const promql::Engine engine;
  const auto result = engine.instant(parsed.expr(), storage, lastScrape);
  if (!result.ok()) {
    err << "error: " << result.error().message << "\n";
    return kEvalError;
  }
  out << (options.output == "json" ? formatQueryJson(*result) + "\n" : formatQueryTable(*result));
  if (failedScrapes > 0) {
    err << "error: " << failedScrapes << " of " << std::max(1, options.scrapes)
        << " scrapes failed\n";
    return kEvalScrapeFailed;
  }
  if (options.failIfEmpty && isEmptyVector(*result)) {
    err << "error: the answer is empty (--fail-if-empty)\n";
    return kEvalEmpty;
  }
  return kEvalOk;
}

}  // namespace nova::cli
