#include <boost/json.hpp>
#include <charconv>
#include <cmath>

#include "nova/watch/baseline.h"

namespace nova::watch {
namespace {

namespace json = boost::json;

Error invalid(const std::string& what) {
  return Error(ErrorCode::kInvalidInput, "baseline record: " + what);
}

std::optional<std::int64_t> integerField(const json::object& record, std::string_view name) {
  const json::value* v = record.if_contains(name);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (v->is_int64()) {
    return v->as_int64();
  }
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->as_uint64());
  }
  return std::nullopt;
}

}  // namespace

std::string formatBaselineRecord(const Baseline& baseline) {
  json::object values;
  for (const BaselineValue& v : baseline.values) {
    // As text: JSON numbers would not promise the same double back.
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, v.value).ptr;
    values[v.name] = std::string_view(text, static_cast<std::size_t>(end - text));
  }
  return json::serialize(json::object{{"switched_at_ms", baseline.switchedAt},
                                      {"window_ms", baseline.window},
                                      {"values", std::move(values)}});
}

Result<Baseline> parseBaselineRecord(std::string_view text) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(text, ec);
  if (ec) {
    return invalid("not JSON: " + ec.message());
  }
  const json::object* record = parsed.if_object();
  if (record == nullptr) {
    return invalid("not a JSON object");
  }
  Baseline baseline;
  const auto switchedAt = integerField(*record, "switched_at_ms");
  const auto window = integerField(*record, "window_ms");
  if (!switchedAt || !window || *window < 0) {
    return invalid("switched_at_ms and window_ms must be whole milliseconds");
  }
  baseline.switchedAt = *switchedAt;
  baseline.window = *window;
  const json::value* values = record->if_contains("values");
  if (values == nullptr || !values->is_object()) {
    return invalid("values must be an object");
  }
  for (const auto& [name, value] : values->as_object()) {
    const json::string* number = value.if_string();
    double v = 0;
    const auto [end, error] =
        number == nullptr ? std::from_chars_result{nullptr, std::errc::invalid_argument}
                          : std::from_chars(number->data(), number->data() + number->size(), v);
    if (error != std::errc() || end != number->data() + number->size() || !std::isfinite(v)) {
      return invalid("the value of " + std::string(name) + " is not a finite number as text");
    }
    baseline.values.push_back({std::string(name), v});
  }
  return baseline;
}

}  // namespace nova::watch
