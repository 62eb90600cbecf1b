#include "nova/remote/answer.h"

#include <doctest/doctest.h>

#include <cmath>

namespace nova::remote {
namespace {

const promql::Value& valueOf(const QueryOutcome& outcome) {
  REQUIRE(outcome.answer.ok());
  return outcome.answer->value;
}

TEST_CASE("a vector answer reads into the local engine's values") {
  const QueryOutcome out = parseQueryResponse(
      200,
      R"({"status":"success","data":{"resultType":"vector","result":[)"
      R"({"metric":{"__name__":"up","job":"demo","instance":"a:1"},"value":[1700000000.5,"1"]},)"
      R"({"metric":{"job":"x"},"value":[1700000000.5,"NaN"]},)"
      R"({"metric":{},"value":[1700000000.5,"+Inf"]},)"
      R"({"metric":{},"value":[1700000000.5,"1e-07"]}]},"infos":["PromQL info: x"]})");
  CHECK((out.outcome == Outcome::kOk));
  const auto& vector = std::get<promql::Vector>(valueOf(out));
  REQUIRE(vector.size() == 4);
  CHECK(vector[0].labels == Labels{{"__name__", "up"}, {"instance", "a:1"}, {"job", "demo"}});
  CHECK(vector[0].t == 1700000000500);
  CHECK(vector[0].v == 1);
  CHECK(std::isnan(vector[1].v));
  CHECK(std::isinf(vector[2].v));
  CHECK(vector[3].v == 1e-07);
  CHECK(out.answer->infos == std::vector<std::string>{"PromQL info: x"});
}

TEST_CASE("scalar, string and matrix answers") {
  const auto scalar = parseQueryResponse(
      200, R"({"status":"success","data":{"resultType":"scalar","result":[12.25,"-Inf"]}})");
  CHECK(std::get<promql::Scalar>(valueOf(scalar)).t == 12250);
  CHECK(std::get<promql::Scalar>(valueOf(scalar)).v == -INFINITY);
  const auto text = parseQueryResponse(
      200, R"({"status":"success","data":{"resultType":"string","result":[1,"hi"]}})");
  CHECK(std::get<promql::String>(valueOf(text)).v == "hi");
  const auto matrix =
      parseQueryResponse(200, R"({"status":"success","data":{"resultType":"matrix","result":[)"
                              R"({"metric":{"a":"b"},"values":[[1,"1"],[2,"3"]]}]}})");
  const auto& m = std::get<promql::Matrix>(valueOf(matrix));
  REQUIRE(m.size() == 1);
  REQUIRE(m[0].points.size() == 2);
  CHECK(m[0].points[1].t == 2000);
  CHECK(m[0].points[1].v == 3);
}

TEST_CASE("failures say what went wrong, with a code and an outcome") {
  struct Case {
    long status;
    const char* body;
    Outcome outcome;
    ErrorCode code;
    const char* reason;
  };
  const Case cases[] = {
      {422, R"({"status":"error","errorType":"execution","error":"many-to-many matching"})",
       Outcome::kHttpError, ErrorCode::kInvalidInput, "HTTP 422 execution: many-to-many matching"},
      {400, R"({"status":"error","errorType":"bad_data","error":"1:6: parse error"})",
       Outcome::kHttpError, ErrorCode::kInvalidInput, "HTTP 400 bad_data: 1:6: parse error"},
      {503, R"({"status":"error","errorType":"timeout","error":"query timed out"})",
       Outcome::kTimeout, ErrorCode::kTimeout,
       "timeout: the server answered HTTP 503 timeout: query timed out"},
      {500, R"({"status":"error","errorType":"internal","error":"disk"})", Outcome::kHttpError,
       ErrorCode::kUnavailable, "HTTP 500 internal: disk"},
      {502, "<html>Bad Gateway</html>\n", Outcome::kHttpError, ErrorCode::kUnavailable,
       "HTTP 502: <html>Bad Gateway</html> "},
      {404, "404 page not found", Outcome::kHttpError, ErrorCode::kInvalidInput,
       "HTTP 404: 404 page not found"},
      {200, "{\"status\":\"success\",", Outcome::kBadResponse, ErrorCode::kInvalidInput,
       "bad JSON: incomplete JSON"},
      {200, R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{}}]}})",
       Outcome::kBadResponse, ErrorCode::kInvalidInput, "bad JSON: malformed vector element"},
      {200,
       R"({"status":"success","data":{"resultType":"vector","result":[]},)"
       R"("warnings":["store eu-1 unreachable","store eu-2 unreachable"]})",
       Outcome::kPartial, ErrorCode::kUnavailable,
       "partial response: store eu-1 unreachable (and 1 more)"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.body);
    const QueryOutcome out = parseQueryResponse(c.status, c.body);
    CHECK((out.outcome == c.outcome));
    REQUIRE_FALSE(out.answer.ok());
    CHECK(out.answer.error().code == c.code);
    CHECK(out.answer.error().message == c.reason);
  }
  // A source that allows partial answers keeps the data.
  const auto partial = parseQueryResponse(
      200, R"({"status":"success","data":{"resultType":"vector","result":[]},"warnings":["w"]})",
      true);
  CHECK((partial.outcome == Outcome::kOk));
}

TEST_CASE("transport errors are unreachable or timeout") {
  auto refused = outcomeOf(Error(ErrorCode::kTransport, "POST http://x: connection refused"));
  CHECK((refused.outcome == Outcome::kUnreachable));
  CHECK(refused.answer.error().message == "unreachable: POST http://x: connection refused");
  auto slow = outcomeOf(Error(ErrorCode::kTimeout, "POST http://x: timed out after 100 ms"));
  CHECK((slow.outcome == Outcome::kTimeout));
  CHECK(slow.answer.error().code == ErrorCode::kTimeout);
  auto big = outcomeOf(Error(ErrorCode::kInvalidInput, "response body exceeds 10 bytes"));
  CHECK((big.outcome == Outcome::kBadResponse));
}

}  // namespace
}  // namespace nova::remote
