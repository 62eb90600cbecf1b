#include "served_color.h"

#include <boost/json.hpp>

#include "nova/http/client.h"

namespace nova::testing {

std::string servedColor(const std::string& healthUrl) {
  http::Client client;
  auto r = client.perform({.url = healthUrl, .timeout = 2 * kSecond});
  if (!r.ok()) {
    return "";
  }
  boost::system::error_code ec;
  auto body = boost::json::parse(r->body, ec);
  if (ec || !body.is_object() || !body.as_object().contains("color")) {
    return "";
  }
  return std::string(body.at("color").as_string());
}

}  // namespace nova::testing
