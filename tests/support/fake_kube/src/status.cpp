#include <boost/json/serialize.hpp>

#include "api.h"

namespace nova::fake_kube::detail {

namespace json = boost::json;

std::string statusBody(int code, const std::string& reason, const std::string& message,
                       const json::value& details) {
  json::object status{{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
                      {"status", "Failure"}, {"message", message}, {"reason", reason}};
  // Absent details are omitted; an empty object is sent as {} (the 422 of a failed patch).
  if (!details.is_null()) {
    status["details"] = details;
  }
  status["code"] = code;
  return json::serialize(status);
}

std::string qualified(const ResourceType& type) {
  return type.group.empty() ? type.resource : type.resource + "." + type.group;
}

ApiResponse jsonResponse(const json::value& body, int status) {
  ApiResponse response;
  response.status = status;
  response.body = json::serialize(body);
  return response;
}

ApiResponse conflictResponse(const ResourceType& type, const std::string& name,
                             const std::string& why) {
  return statusResponse(
      409, "Conflict",
      "Operation cannot be fulfilled on " + qualified(type) + " \"" + name + "\": " + why,
      json::object{{"name", name}, {"group", type.group}, {"kind", type.resource}});
}

ApiResponse statusResponse(int code, const std::string& reason, const std::string& message,
                           const json::value& details) {
  ApiResponse response;
  response.status = code;
  response.body = statusBody(code, reason, message, details);
  return response;
}

}  // namespace nova::fake_kube::detail
