// Parsing of `switch: {type: nginx, ...}`: every setting is a string from the agent
// configuration; this turns them into NginxSwitchOptions or says which one is wrong.
#include <array>
#include <sstream>

#include "nova/core/suggest.h"
#include "nova/http/url.h"
#include "nova/traffic/nginx_switch.h"

namespace nova::traffic {
namespace {

constexpr std::array<std::string_view, 13> kSettings{
    "upstream_file",     "blue",           "green",          "pid_file",
    "reload_command",    "verify_url",     "verify_header",  "verify_value",
    "blue_health_url",   "verify_timeout", "health_timeout", "reload_timeout",
    "verify_green_value"};

std::string knownList() {
  std::string out;
  for (auto s : kSettings) {
    out += (out.empty() ? "" : ", ") + std::string(s);
  }
  return out;
}

Error settingError(std::string_view key, const std::string& message) {
  return Error(ErrorCode::kInvalidInput,
               "switch: nginx setting \"" + std::string(key) + "\": " + message);
}

// "HOST:PORT" with a numeric port, as nginx's `server` directive takes it here.
bool isAddress(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
    return false;
  }
  for (std::size_t i = colon + 1; i < address.size(); ++i) {
    if (address[i] < '0' || address[i] > '9') {
      return false;
    }
  }
  return address.find_first_of(" \t;#{}") == std::string::npos;
}

std::vector<std::string> splitWords(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) {
    words.push_back(w);
  }
  return words;
}

Status setOne(NginxSwitchOptions& o, const std::string& key, const std::string& value) {
  auto duration = [&](DurationMs& field) -> Status {
    auto parsed = parseDuration(value);
    if (!parsed.ok() || *parsed <= 0) {
      return settingError(key, "\"" + value + "\" is not a positive duration (e.g. 5s)");
    }
    field = *parsed;
    return {};
  };
  if (key == "upstream_file") {
    o.upstreamFile = value;
  } else if (key == "blue" || key == "green") {
    if (!isAddress(value)) {
      return settingError(key, "\"" + value + "\" is not HOST:PORT");
    }
    (key == "blue" ? o.blue : o.green) = value;
  } else if (key == "pid_file") {
    o.pidFile = value;
  } else if (key == "reload_command") {
    o.reloadCommand = splitWords(value);
  } else if (key == "verify_url" || key == "blue_health_url") {
    if (auto url = http::Url::parse(value); !url) {
      return settingError(key, "\"" + http::redactUrl(value) +
                                   "\" is not an http:// or https:// URL: " + url.error().message);
    }
    (key == "verify_url" ? o.verifyUrl : o.blueHealthUrl) = value;
  } else if (key == "verify_header") {
    o.verifyHeader = value;
  } else if (key == "verify_value") {
    o.verifyValue = value;
  } else if (key == "verify_green_value") {
    o.verifyGreenValue = value;
  } else if (key == "verify_timeout") {
    return duration(o.verifyTimeout);
  } else if (key == "health_timeout") {
    return duration(o.healthTimeout);
  } else if (key == "reload_timeout") {
    return duration(o.reloadTimeout);
  } else {
    std::string message = "switch: nginx has no setting \"" + key + "\"";
    if (auto hint = closestMatch(key, kSettings)) {
      message += "; did you mean \"" + *hint + "\"?";
    }
    return Error(ErrorCode::kInvalidInput, message + " (known: " + knownList() + ")");
  }
  return {};
}

}  // namespace

Result<NginxSwitchOptions> parseNginxSettings(const std::map<std::string, std::string>& settings) {
  NginxSwitchOptions o;
  for (const auto& [key, value] : settings) {
    if (Status s = setOne(o, key, value); !s.ok()) {
      return s.error();
    }
  }
  for (auto [key, field] : {std::pair{"upstream_file", &o.upstreamFile},
                            {"blue", &o.blue},
                            {"green", &o.green},
                            {"verify_url", &o.verifyUrl}}) {
    if (field->empty()) {
      return settingError(key, "required");
    }
  }
  if (o.blue == o.green) {
    return settingError("green", "is the same address as blue (" + o.blue + ")");
  }
  if (o.pidFile.empty() == o.reloadCommand.empty()) {
    return Error(ErrorCode::kInvalidInput,
                 "switch: nginx needs exactly one of \"pid_file\" and \"reload_command\"");
  }
  if (o.verifyHeader.empty() || o.verifyValue.empty() || o.verifyGreenValue.empty()) {
    return settingError(o.verifyHeader.empty()  ? "verify_header"
                        : o.verifyValue.empty() ? "verify_value"
                                                : "verify_green_value",
                        "must not be empty");
  }
  if (o.blueHealthUrl.empty()) {
    o.blueHealthUrl = "http://" + o.blue + "/health";
  }
  return o;
}

}  // namespace nova::traffic
