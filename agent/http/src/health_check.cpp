#include "nova/http/health_check.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace nova::http {

std::string checkHealthResponse(long httpStatus, std::string_view body, std::string_view expected) {
  if (httpStatus != 200) {
    return "health: HTTP status " + std::to_string(httpStatus) + ", want 200";
  }
  boost::system::error_code ec;
  const boost::json::value json = boost::json::parse(body, ec);
  if (ec) {
    return "health: body is not JSON (" + ec.message() + ")";
  }
  const auto* object = json.if_object();
  if (object == nullptr) {
    return "health: body is not a JSON object";
  }
  const auto* status = object->if_contains("status");
  if (status == nullptr || !status->is_string()) {
    return "health: no string field \"status\"";
  }
  const auto& text = status->get_string();
  if (std::string_view(text.data(), text.size()) != expected) {
    return "health: status \"" + std::string(text.data(), text.size()) + "\", want \"" +
           std::string(expected) + "\"";
  }
  return "";
}

}  // namespace nova::http
