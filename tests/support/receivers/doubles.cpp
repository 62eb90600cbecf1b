#include "doubles.h"

#include <boost/json.hpp>

namespace nova::testing {
namespace {

bool isJson(const Captured& r) {
  const std::string* type = r.header("Content-Type");
  return type != nullptr && type->rfind("application/json", 0) == 0;
}

http::ServerResponse text(int status, std::string body) {
  http::ServerResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

http::ServerResponse json(int status, const boost::json::value& body) {
  http::ServerResponse response;
  response.status = status;
  response.contentType = "application/json";
  response.body = boost::json::serialize(body);
  return response;
}

std::size_t codePoints(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  }
  return n;
}

std::size_t textLength(const boost::json::value& textObject) {
  const auto* o = textObject.if_object();
  const auto* t = o != nullptr ? o->if_contains("text") : nullptr;
  return t != nullptr && t->is_string() ? codePoints(t->get_string()) : SIZE_MAX;
}

bool blocksValid(const boost::json::array& blocks) {
  if (blocks.size() > 50) {
    return false;
  }
  for (const auto& b : blocks) {
    const auto* o = b.if_object();
    if (o == nullptr || !o->contains("type")) {
      return false;
    }
    const auto type = o->at("type");
    if (type == "header" && (!o->contains("text") || textLength(o->at("text")) > 150)) {
      return false;
    }
    if (type == "section") {
      if (o->contains("text") && textLength(o->at("text")) > 3000) {
        return false;
      }
      if (const auto* fields = o->if_contains("fields")) {
        if (!fields->is_array() || fields->get_array().size() > 10) {
          return false;
        }
        for (const auto& f : fields->get_array()) {
          if (textLength(f) > 2000) {
            return false;
          }
        }
      } else if (!o->contains("text")) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

Responder slackDouble() {
  return [](const Captured& r) {
    if (!isJson(r)) {
      return text(400, "invalid_payload");
    }
    boost::system::error_code ec;
    auto body = boost::json::parse(r.body, ec);
    if (ec || !body.is_object()) {
      return text(400, "invalid_payload");
    }
    const auto& o = body.get_object();
    if (!o.contains("text") && !o.contains("blocks")) {
      return text(400, "no_text");
    }
    if (const auto* blocks = o.if_contains("blocks");
        blocks != nullptr && (!blocks->is_array() || !blocksValid(blocks->get_array()))) {
      return text(400, "invalid_blocks");
    }
    return text(200, "ok");
  };
}

Responder jsonOkDouble() {
  return [](const Captured& r) {
    if (!isJson(r)) {
      return json(415, {{"code", 415}, {"message", "unsupported media type"}});
    }
    return text(200, "");
  };
}

Responder PagerDutyDouble::responder() {
  return [this](const Captured& r) { return handle(r); };
}

int PagerDutyDouble::pages() const {
  std::lock_guard lock(mutex_);
  return pages_;
}

std::string PagerDutyDouble::state(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = states_.find(key);
  return it == states_.end() ? "" : it->second;
}

http::ServerResponse PagerDutyDouble::handle(const Captured& r) {
  auto invalid = [](std::string why) {
    return json(400, {{"status", "invalid event"},
                      {"message", "Event object is invalid"},
                      {"errors", boost::json::array{boost::json::value(why)}}});
  };
  boost::system::error_code ec;
  auto body = boost::json::parse(r.body, ec);
  if (ec || !body.is_object() || r.body.size() > 512000) {
    return invalid("Event object is invalid");
  }
  const auto& o = body.get_object();
  const auto* key = o.if_contains("routing_key");
  if (key == nullptr || !key->is_string() || key->get_string().size() != 32) {
    return invalid("Length of 'routing_key' is incorrect (should be 32 characters)");
  }
  const auto* action = o.if_contains("event_action");
  const std::string act =
      action != nullptr && action->is_string() ? action->get_string().c_str() : "";
  const auto* dedup = o.if_contains("dedup_key");
  std::string dedupKey = dedup != nullptr && dedup->is_string() ? dedup->get_string().c_str() : "";
  if (dedupKey.size() > 255) {
    return invalid("'dedup_key' is too long");
  }
  if (act == "trigger") {
    const auto* payload = o.if_contains("payload");
    const auto* p = payload != nullptr ? payload->if_object() : nullptr;
    if (p == nullptr || !p->contains("summary") || !p->contains("source") ||
        !p->contains("severity")) {
      return invalid("'payload' needs summary, source and severity");
    }
    const auto severity = p->at("severity");
    if (severity != "critical" && severity != "error" && severity != "warning" &&
        severity != "info") {
      return invalid("'severity' is invalid");
    }
    if (!p->at("summary").is_string() || codePoints(p->at("summary").get_string()) > 1024) {
      return invalid("'summary' is too long");
    }
    std::lock_guard lock(mutex_);
    if (dedupKey.empty()) {
      dedupKey = "generated-" + std::to_string(pages_);
    }
    if (states_[dedupKey] != "open") {
      states_[dedupKey] = "open";
      ++pages_;
    }
  } else if (act == "acknowledge" || act == "resolve") {
    if (dedupKey.empty()) {
      return invalid("'dedup_key' is required for " + act);
    }
    std::lock_guard lock(mutex_);
    if (auto it = states_.find(dedupKey); it != states_.end() && it->second == "open") {
      it->second = act == "resolve" ? "resolved" : "acknowledged";
    }
  } else {
    return invalid("'event_action' is invalid");
  }
  return json(202,
              {{"status", "success"}, {"message", "Event processed"}, {"dedup_key", dedupKey}});
}

}  // namespace nova::testing
