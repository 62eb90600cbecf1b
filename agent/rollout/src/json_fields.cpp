#include "json_fields.h"

#include <algorithm>
#include <boost/json/parse.hpp>

#include "nova/core/rfc3339.h"

namespace nova::rollout::detail {

namespace json = boost::json;

Result<json::value> parseJson(std::string_view text, std::string_view where) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec) {
    return Error(ErrorCode::kInvalidInput,
                 std::string(where) + ": not valid JSON (" + ec.message() + ")");
  }
  return value;
}

FieldReader::FieldReader(const json::value& value, std::string where)
    : object_(value.if_object()), where_(std::move(where)) {
  if (object_ == nullptr) {
    error_ = where_ + ": expected a JSON object";
  }
}

void FieldReader::fail(std::string_view key, std::string message) {
  if (error_.empty()) {
    error_ = where_ + ": field \"" + std::string(key) + "\": " + message;
  }
}

const json::value* FieldReader::member(std::string_view key, bool required) {
  if (object_ == nullptr) {
    return nullptr;
  }
  read_.emplace_back(key);
  const json::value* value = object_->if_contains(key);
  if (value == nullptr && required) {
    fail(key, "missing");
  }
  return value;
}

std::optional<std::string> FieldReader::text(std::string_view key, bool required) {
  const json::value* value = member(key, required);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_string()) {
    fail(key, "expected a string");
    return std::nullopt;
  }
  return std::string(value->get_string());
}

std::optional<std::int64_t> FieldReader::integer(std::string_view key, bool required,
                                                 std::int64_t min) {
  const json::value* value = member(key, required);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_int64() && !value->is_uint64()) {
    fail(key, "expected a whole number");
    return std::nullopt;
  }
  if (value->is_uint64() || value->get_int64() < min) {
    fail(key, "out of range (at least " + std::to_string(min) + ")");
    return std::nullopt;
  }
  return value->get_int64();
}

std::optional<TimestampMs> FieldReader::time(std::string_view key, bool required) {
  auto raw = text(key, required);
  if (!raw) {
    return std::nullopt;
  }
  auto parsed = parseRfc3339(*raw);
  if (!parsed) {
    fail(key, parsed.error().message);
    return std::nullopt;
  }
  return *parsed;
}

Status FieldReader::finish() const {
  if (!error_.empty()) {
    return Error(ErrorCode::kInvalidInput, error_);
  }
  for (const auto& entry : *object_) {
    const std::string_view key = entry.key();
    if (std::find(read_.begin(), read_.end(), key) == read_.end()) {
      return Error(ErrorCode::kInvalidInput,
                   where_ + ": unknown field \"" + std::string(key) + "\"");
    }
  }
  return {};
}

}  // namespace nova::rollout::detail
