#include "nova/daemon/stored_state.h"

#include <boost/json.hpp>

namespace nova::daemon {
namespace {

namespace json = boost::json;

constexpr std::string_view kFormat = "nova-agent-state/1";

Error invalid(const std::string& what) {
  return Error(ErrorCode::kInvalidInput, "state file: " + what);
}

}  // namespace

std::string encodeStoredState(const StoredState& state) {
  boost::system::error_code ec;
  json::value escalator = json::parse(state.escalator, ec);
  return json::serialize(json::object{{"format", kFormat},
                                      {"rollout_id", state.rolloutId},
                                      {"version", state.version},
                                      {"escalator", ec ? json::value(nullptr) : escalator}});
}

Result<StoredState> decodeStoredState(std::string_view text) {
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) {
    return invalid("not a JSON object");
  }
  const json::object& o = parsed.as_object();
  if (!o.contains("format")) {
    return StoredState{"", "", std::string(text)};  // a bare escalator snapshot
  }
  const json::value& format = o.at("format");
  if (!format.is_string() || format.as_string() != kFormat) {
    return invalid("format: expected \"" + std::string(kFormat) + "\"");
  }
  StoredState state;
  for (auto [key, out] : {std::pair{"rollout_id", &state.rolloutId}, {"version", &state.version}}) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || !v->is_string()) {
      return invalid(std::string(key) + ": must be a string");
    }
    *out = std::string(v->as_string());
  }
  const json::value* escalator = o.if_contains("escalator");
  if (escalator == nullptr || !escalator->is_object()) {
    return invalid("escalator: must be an object");
  }
  state.escalator = json::serialize(*escalator);
  return state;
}

}  // namespace nova::daemon
