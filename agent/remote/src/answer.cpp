#include "nova/remote/answer.h"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <limits>

namespace nova::remote {
namespace {

namespace json = boost::json;

// The longest part of a server's text quoted in a reason.
constexpr std::size_t kQuoteBytes = 200;

QueryOutcome failed(Outcome outcome, ErrorCode code, std::string reason) {
  QueryOutcome out;
  out.outcome = outcome;
  out.answer = Error(code, std::move(reason));
  return out;
}

QueryOutcome badResponse(const std::string& why) {
  return failed(Outcome::kBadResponse, ErrorCode::kInvalidInput, "bad JSON: " + why);
}

std::string quoted(std::string_view text) {
  std::string out(text.substr(0, kQuoteBytes));
  for (char& c : out) {
    if (c == '\n' || c == '\r') {
      c = ' ';
    }
  }
  return text.size() > kQuoteBytes ? out + "..." : out;
}

std::optional<double> sampleValue(const json::value& v) {
  if (!v.is_string()) {
    return std::nullopt;
  }
  const std::string_view text = v.get_string();
  if (text == "NaN") {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (text == "+Inf" || text == "Inf") {
    return std::numeric_limits<double>::infinity();
  }
  if (text == "-Inf") {
    return -std::numeric_limits<double>::infinity();
  }
  double out = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return out;
}

// [<unix seconds>, "<value>"] as a sample (ms); nullopt when malformed.
std::optional<Sample> point(const json::value& v) {
  const json::array* pair = v.if_array();
  if (pair == nullptr || pair->size() != 2 || !(*pair)[0].is_number()) {
    return std::nullopt;
  }
  auto value = sampleValue((*pair)[1]);
  if (!value) {
    return std::nullopt;
  }
  const double seconds = (*pair)[0].to_number<double>();
  return Sample{static_cast<TimestampMs>(std::llround(seconds * 1000)), *value};
}

std::optional<Labels> labelsOf(const json::value& v) {
  const json::object* metric = v.if_object();
  if (metric == nullptr) {
    return std::nullopt;
  }
  std::vector<Label> labels;
  labels.reserve(metric->size());
  for (const auto& [name, value] : *metric) {
    if (!value.is_string()) {
      return std::nullopt;
    }
    labels.push_back({std::string(name), std::string(value.get_string())});
  }
  return Labels::fromUnsorted(labels);
}

Result<promql::Value> valueOf(const json::object& data) {
  const json::value* type = data.if_contains("resultType");
  const json::value* result = data.if_contains("result");
  if (type == nullptr || !type->is_string() || result == nullptr) {
    return Error(ErrorCode::kInvalidInput, "data has no resultType or result");
  }
  const std::string_view kind = type->get_string();
  if (kind == "scalar" || kind == "string") {
    if (kind == "string") {
      const json::array* pair = result->if_array();
      if (pair == nullptr || pair->size() != 2 || !(*pair)[1].is_string()) {
        return Error(ErrorCode::kInvalidInput, "malformed string result");
      }
      return promql::Value{promql::String{
          static_cast<TimestampMs>(std::llround((*pair)[0].to_number<double>() * 1000)),
          std::string((*pair)[1].get_string())}};
    }
    auto sample = point(*result);
    if (!sample) {
      return Error(ErrorCode::kInvalidInput, "malformed scalar result");
    }
    return promql::Value{promql::Scalar{sample->t, sample->v}};
  }
  const json::array* series = result->if_array();
  if (series == nullptr) {
    return Error(ErrorCode::kInvalidInput, "result is not a list");
  }
  if (kind == "vector") {
    promql::Vector out;
    out.reserve(series->size());
    for (const json::value& element : *series) {
      const json::object* e = element.if_object();
      auto labels = e != nullptr && e->contains("metric") ? labelsOf(e->at("metric"))
                                                          : std::optional<Labels>();
      auto sample =
          e != nullptr && e->contains("value") ? point(e->at("value")) : std::optional<Sample>();
      if (!labels || !sample) {
        return Error(ErrorCode::kInvalidInput, "malformed vector element");
      }
      out.push_back({std::move(*labels), sample->t, sample->v});
    }
    return promql::Value{std::move(out)};
  }
  if (kind == "matrix") {
    promql::Matrix out;
    out.reserve(series->size());
    for (const json::value& element : *series) {
      const json::object* e = element.if_object();
      auto labels = e != nullptr && e->contains("metric") ? labelsOf(e->at("metric"))
                                                          : std::optional<Labels>();
      const json::array* values =
          e != nullptr && e->contains("values") ? e->at("values").if_array() : nullptr;
      if (!labels || values == nullptr) {
        return Error(ErrorCode::kInvalidInput, "malformed matrix element");
      }
      promql::Series s{std::move(*labels), {}};
      s.points.reserve(values->size());
      for (const json::value& p : *values) {
        auto sample = point(p);
        if (!sample) {
          return Error(ErrorCode::kInvalidInput, "malformed matrix point");
        }
        s.points.push_back(*sample);
      }
      out.push_back(std::move(s));
    }
    return promql::Value{std::move(out)};
  }
  return Error(ErrorCode::kInvalidInput, "unknown resultType \"" + std::string(kind) + "\"");
}

std::vector<std::string> strings(const json::object& root, std::string_view key) {
  std::vector<std::string> out;
  if (const json::value* list = root.if_contains(key); list != nullptr && list->is_array()) {
    for (const json::value& v : list->get_array()) {
      if (v.is_string()) {
        out.emplace_back(v.get_string());
      }
    }
  }
  return out;
}

std::string stringField(const json::object& root, std::string_view key) {
  const json::value* v = root.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// A failed query: the errorType says whether the server timed out or the query is wrong.
QueryOutcome errorAnswer(long status, const json::object& root) {
  const std::string type = stringField(root, "errorType");
  const std::string message = quoted(stringField(root, "error"));
  if (type == "timeout" || type == "canceled") {
    return failed(Outcome::kTimeout, ErrorCode::kTimeout,
                  "timeout: the server answered HTTP " + std::to_string(status) + " " + type +
                      ": " + message);
  }
  const ErrorCode code =
      status == 400 || status == 422 ? ErrorCode::kInvalidInput : ErrorCode::kUnavailable;
  return failed(
      Outcome::kHttpError, code,
      "HTTP " + std::to_string(status) + (type.empty() ? "" : " " + type) + ": " + message);
}

}  // namespace

std::string_view toString(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk:
      return "ok";
    case Outcome::kUnreachable:
      return "unreachable";
    case Outcome::kTimeout:
      return "timeout";
    case Outcome::kHttpError:
      return "http_error";
    case Outcome::kBadResponse:
      return "bad_response";
    case Outcome::kPartial:
      return "partial";
  }
  return "unknown";
}

QueryOutcome parseQueryResponse(long status, std::string_view body, bool allowWarnings) {
  json::error_code ec;
  const json::value parsed = json::parse(body, ec);
  const json::object* root = ec ? nullptr : parsed.if_object();
  if (root == nullptr) {
    if (status < 200 || status > 299) {
      // Errors raised before the API handler (404, 405, a proxy's 502) are not JSON.
      return failed(Outcome::kHttpError,
                    status >= 500 ? ErrorCode::kUnavailable : ErrorCode::kInvalidInput,
                    "HTTP " + std::to_string(status) + ": " + quoted(body));
    }
    return badResponse(ec ? ec.message() : "the answer is not an object");
  }
  if (stringField(*root, "status") != "success" || status < 200 || status > 299) {
    return errorAnswer(status, *root);
  }
  const json::value* data = root->if_contains("data");
  if (data == nullptr || !data->is_object()) {
    return badResponse("no data object");
  }
  Result<promql::Value> value = valueOf(data->get_object());
  if (!value.ok()) {
    return badResponse(value.error().message);
  }
  const std::vector<std::string> warnings = strings(*root, "warnings");
  if (!warnings.empty() && !allowWarnings) {
    return failed(
        Outcome::kPartial, ErrorCode::kUnavailable,
        "partial response: " + quoted(warnings.front()) +
            (warnings.size() > 1 ? " (and " + std::to_string(warnings.size() - 1) + " more)" : ""));
  }
  QueryOutcome out;
  out.answer = QueryAnswer{std::move(value).value(), strings(*root, "infos")};
  return out;
}

QueryOutcome outcomeOf(const Result<http::Response>& response, bool allowWarnings) {
  if (!response.ok()) {
    const Error& e = response.error();
    if (e.code == ErrorCode::kTimeout) {
      return failed(Outcome::kTimeout, ErrorCode::kTimeout, "timeout: " + e.message);
    }
    if (e.message.find("response body exceeds") != std::string::npos) {
      return failed(Outcome::kBadResponse, ErrorCode::kInvalidInput, "too large: " + e.message);
    }
    return failed(Outcome::kUnreachable, ErrorCode::kTransport, "unreachable: " + e.message);
  }
  QueryOutcome out = parseQueryResponse(response->status, response->body, allowWarnings);
  out.elapsed = response->elapsed;
  return out;
}

}  // namespace nova::remote
