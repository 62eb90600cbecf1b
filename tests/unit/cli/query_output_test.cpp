#include "nova/cli/query_output.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using nova::Labels;
using nova::cli::formatApiTimestamp;
using nova::cli::formatQueryJson;
using nova::cli::formatSampleValue;

TEST_CASE("sample values print as Go's strconv.FormatFloat(v, 'f', -1, 64)") {
  CHECK(formatSampleValue(1) == "1");
  CHECK(formatSampleValue(0.1) == "0.1");
  CHECK(formatSampleValue(-2.5) == "-2.5");
  CHECK(formatSampleValue(1e21) == "1000000000000000000000");
  CHECK(formatSampleValue(1.5e-7) == "0.00000015");
  CHECK(formatSampleValue(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(formatSampleValue(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(formatSampleValue(std::nan("")) == "NaN");
}

TEST_CASE("timestamps print as seconds with millisecond decimals") {
  CHECK(formatApiTimestamp(1435781451781) == "1435781451.781");
  CHECK(formatApiTimestamp(1000) == "1");
  CHECK(formatApiTimestamp(1050) == "1.050");
  CHECK(formatApiTimestamp(-1500) == "-1.500");
}

TEST_CASE("vectors print as the data object of /api/v1/query") {
  nova::promql::Vector vector{
      {Labels{{"__name__", "up"}, {"job", "a\"b"}}, 1000, 1},
      {Labels{}, 2500, 0.25},
  };
  CHECK(formatQueryJson(vector) ==
        R"({"resultType":"vector","result":[{"metric":{"__name__":"up","job":"a\"b"},)"
        R"("value":[1,"1"]},{"metric":{},"value":[2.500,"0.25"]}]})");
  CHECK(formatQueryJson(nova::promql::Vector{}) == R"({"resultType":"vector","result":[]})");
}

TEST_CASE("scalars, strings and matrices print in their API shapes") {
  CHECK(formatQueryJson(nova::promql::Scalar{2000, 3}) ==
        R"({"resultType":"scalar","result":[2,"3"]})");
  CHECK(formatQueryJson(nova::promql::String{2000, "x"}) ==
        R"({"resultType":"string","result":[2,"x"]})");
  nova::promql::Matrix matrix{{Labels{{"a", "b"}}, {{1000, 1}, {2000, 2}}}};
  CHECK(formatQueryJson(matrix) ==
        R"({"resultType":"matrix","result":[{"metric":{"a":"b"},"values":[[1,"1"],[2,"2"]]}]})");
}
