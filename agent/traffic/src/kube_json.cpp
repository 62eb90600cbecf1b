#include "kube_json.h"

#include <charconv>

#include "nova/kube/client.h"

namespace nova::traffic::detail {

const boost::json::value* find(const boost::json::value& doc, std::string_view pointer) {
  boost::system::error_code ec;
  const boost::json::value* found = doc.find_pointer(pointer, ec);
  return ec ? nullptr : found;
}

std::string stringAt(const boost::json::value& doc, std::string_view pointer) {
  const auto* v = find(doc, pointer);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
}

std::string annotation(const boost::json::value& doc, const std::string& key) {
  return stringAt(doc, "/metadata/annotations/" + kube::escapePointerToken(key));
}

std::optional<std::int64_t> asCount(const boost::json::value* value) {
  if (value == nullptr) {
    return std::nullopt;
  }
  if (value->is_int64() && value->get_int64() >= 0) {
    return value->get_int64();
  }
  if (value->is_uint64()) {
    return static_cast<std::int64_t>(value->get_uint64());
  }
  if (value->is_string()) {
    const auto& s = value->get_string();
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc{} && end == s.data() + s.size() && n >= 0) {
      return n;
    }
  }
  return std::nullopt;
}

}  // namespace nova::traffic::detail
