#include "nova/cli/query_output.h"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <type_traits>

namespace nova::cli {
namespace {

namespace json = boost::json;

// Strings and label sets are serialized by Boost.JSON. The points are written here: their
// timestamps are JSON numbers in Prometheus's own form ("1435781451.781", "2.500"), which
// Boost.JSON's double formatting ("2.5E0") does not reproduce.
void appendJsonString(std::string& out, std::string_view text) {
  out += json::serialize(json::string(text));
}

void appendMetric(std::string& out, const Labels& labels) {
  json::object metric;
  for (const LabelRef label : labels) {
    metric[label.name] = label.value;
  }
  out += json::serialize(metric);
}

void appendPoint(std::string& out, TimestampMs t, const std::string& value) {
  out += '[';
  out += formatApiTimestamp(t);
  out += ",\"";
  out += value;
  out += "\"]";
}

}  // namespace

std::string formatSampleValue(double v) {
  if (std::isnan(v)) {
    return "NaN";
  }
  if (std::isinf(v)) {
    return v > 0 ? "+Inf" : "-Inf";
  }
  // Shortest fixed-notation text that reads back to the same double, like Go's 'f', -1.
  char buffer[400];
  const auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof(buffer), v, std::chars_format::fixed);
  return std::string(buffer, ec == std::errc() ? end : buffer);
}

std::string formatApiTimestamp(TimestampMs t) {
  std::string out;
  if (t < 0) {
    out += '-';
    t = -t;
  }
  out += std::to_string(t / 1000);
  if (const TimestampMs fraction = t % 1000; fraction != 0) {
    char digits[8];
    std::snprintf(digits, sizeof(digits), ".%03lld", static_cast<long long>(fraction));
    out += digits;
  }
  return out;
}

std::string formatQueryJson(const promql::Value& value) {
  std::string out = "{\"resultType\":\"";
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, promql::Scalar>) {
          out += "scalar\",\"result\":";
          appendPoint(out, v.t, formatSampleValue(v.v));
        } else if constexpr (std::is_same_v<T, promql::String>) {
          out += "string\",\"result\":[";
          out += formatApiTimestamp(v.t);
          out += ',';
          appendJsonString(out, v.v);
          out += ']';
        } else if constexpr (std::is_same_v<T, promql::Vector>) {
          out += "vector\",\"result\":[";
          for (std::size_t i = 0; i < v.size(); ++i) {
            out += i ? ",{\"metric\":" : "{\"metric\":";
            appendMetric(out, v[i].labels);
            out += ",\"value\":";
            appendPoint(out, v[i].t, formatSampleValue(v[i].v));
            out += '}';
          }
          out += ']';
        } else {
          out += "matrix\",\"result\":[";
          for (std::size_t i = 0; i < v.size(); ++i) {
            out += i ? ",{\"metric\":" : "{\"metric\":";
            appendMetric(out, v[i].labels);
            out += ",\"values\":[";
            for (std::size_t j = 0; j < v[i].points.size(); ++j) {
              if (j) {
                out += ',';
              }
              appendPoint(out, v[i].points[j].t, formatSampleValue(v[i].points[j].v));
            }
            out += "]}";
          }
          out += ']';
        }
      },
      value);
  out += '}';
  return out;
}

std::string formatQueryTable(const promql::Value& value) {
  std::string out;
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, promql::Scalar>) {
          out += "scalar  " + formatSampleValue(v.v) + "\n";
        } else if constexpr (std::is_same_v<T, promql::String>) {
          out += "string  " + v.v + "\n";
        } else if constexpr (std::is_same_v<T, promql::Vector>) {
          for (const auto& sample : v) {
            out += sample.labels.toString() + "  " + formatSampleValue(sample.v) + "\n";
          }
          if (v.empty()) {
            out += "(empty vector)\n";
          }
        } else {
          for (const auto& series : v) {
            out += series.labels.toString() + "\n";
            for (const auto& point : series.points) {
              out += "  @" + formatApiTimestamp(point.t) + "  " + formatSampleValue(point.v) + "\n";
            }
          }
          if (v.empty()) {
            out += "(empty matrix)\n";
          }
        }
      },
      value);
  return out;
}

}  // namespace nova::cli
