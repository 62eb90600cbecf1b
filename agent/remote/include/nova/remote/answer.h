#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/http/client.h"
#include "nova/promql/value.h"

namespace nova::remote {

/// How one remote query ended; the `result` label of nova_agent_remote_queries_total.
enum class Outcome {
  kOk,
  /// DNS, connection refused or reset, TLS failure: the source could not be reached.
  kUnreachable,
  /// The client's timeout, the server's `timeout`/`canceled` errorType, or the round's
  /// budget ran out before the query could start.
  kTimeout,
  /// A non-2xx answer (with errorType and error when the body says).
  kHttpError,
  /// Not the API's JSON, too large, or a result type that cannot be read.
  kBadResponse,
  /// `warnings` in a successful answer: the server says data may be missing.
  kPartial,
};

/// "ok", "unreachable", "timeout", "http_error", "bad_response", "partial".
std::string_view toString(Outcome outcome);

/// A successful answer: the value exactly as the local engine gives it (a vector's samples
/// with their labels, `__name__` included when the server kept it; timestamps in ms), and
/// the server's `infos` (PromQL annotations, not failures).
struct QueryAnswer {
  promql::Value value;
  std::vector<std::string> infos;
};

/// One query's end. `answer` holds the value or an Error whose message is the reason shown
/// for the rule: "unreachable: ...", "timeout: ...", "HTTP 422 execution: <error>",
/// "bad JSON: ...", "partial response: <first warning>". Codes: kTransport (unreachable),
/// kTimeout, kInvalidInput (400/422: the query itself is wrong), kUnavailable (5xx, other
/// statuses, partial), kInvalidInput (a bad body).
struct QueryOutcome {
  Outcome outcome = Outcome::kOk;
  Result<QueryAnswer> answer = Error(ErrorCode::kInternal, "not run");
  /// Wall time of the exchange (ms); 0 when it never started.
  DurationMs elapsed = 0;
};

/// Reads an /api/v1/query answer (prometheus-http-api.md): the envelope, `data.resultType`
/// vector, scalar, matrix or string, sample values as strings ("NaN", "+Inf"), `warnings`
/// (a partial answer unless `allowWarnings`), `infos`, and on failure `errorType`/`error`.
/// A non-JSON error page keeps its status and the start of its text. Never throws.
QueryOutcome parseQueryResponse(long status, std::string_view body, bool allowWarnings = false);

/// The outcome of a finished transfer: the client's error mapped to kUnreachable or
/// kTimeout (a capped body is kBadResponse), else parseQueryResponse().
QueryOutcome outcomeOf(const Result<http::Response>& response, bool allowWarnings = false);

}  // namespace nova::remote
