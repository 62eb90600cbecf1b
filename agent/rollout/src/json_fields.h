#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "nova/core/result.h"
#include "nova/core/time.h"

namespace nova::rollout::detail {

/// Parses `text` as JSON; errors (kInvalidInput) start with `where`.
Result<boost::json::value> parseJson(std::string_view text, std::string_view where);

/// Reads the fields of one JSON object strictly: each read names the field, wrong types and
/// missing required fields are errors, and finish() refuses fields never read. The first
/// problem wins; messages read "<where>: field \"x\": ...". Keeps a reference to `object`.
class FieldReader {
 public:
  FieldReader(const boost::json::value& value, std::string where);

  std::optional<std::string> text(std::string_view key, bool required = true);
  std::optional<std::int64_t> integer(std::string_view key, bool required = true,
                                      std::int64_t min = 0);
  /// An RFC 3339 string.
  std::optional<TimestampMs> time(std::string_view key, bool required = true);
  /// The raw member, marked as read; nullptr when absent (an error when required).
  const boost::json::value* member(std::string_view key, bool required = true);

  /// Ok when every read succeeded and the object has no other field.
  Status finish() const;
  /// Records a problem found by the caller about `key`.
  void fail(std::string_view key, std::string message);

 private:
  const boost::json::object* object_ = nullptr;
  std::string where_;
  std::string error_;
  std::vector<std::string> read_;
};

}  // namespace nova::rollout::detail
