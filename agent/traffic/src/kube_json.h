#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace nova::traffic::detail {

/// The value at JSON Pointer `pointer`, or nullptr.
const boost::json::value* find(const boost::json::value& doc, std::string_view pointer);
/// The string at `pointer`, or "".
std::string stringAt(const boost::json::value& doc, std::string_view pointer);
/// metadata.annotations[key], or "".
std::string annotation(const boost::json::value& doc, const std::string& key);
/// A non-negative integer written as a JSON number or a decimal string; nullopt otherwise.
std::optional<std::int64_t> asCount(const boost::json::value* value);

}  // namespace nova::traffic::detail
