// Escalator::restore: reads the snapshot JSON back, naming the first bad field.

#include <boost/json.hpp>
#include <limits>

#include "escalator_impl.h"

namespace nova::policy {
namespace {

namespace json = boost::json;

// Reads typed fields and keeps the first problem with its path; later reads on a failed
// reader return defaults so the caller checks once at the end.
class Reader {
 public:
  std::optional<std::string> error;

  void fail(const std::string& path, const std::string& why) {
    if (!error) {
      error = "policy snapshot: " + path + ": " + why;
    }
  }

  const json::value* field(const json::object& o, std::string_view key, const std::string& at) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) {
      fail(join(at, key), "missing");
    }
    return v;
  }

  std::optional<std::int64_t> optInteger(const json::object& o, std::string_view key,
                                         const std::string& at) {
    const json::value* v = field(o, key, at);
    if (v == nullptr || v->is_null()) {
      return std::nullopt;
    }
    if (v->is_int64()) {
      return v->as_int64();
    }
    if (v->is_uint64() && v->as_uint64() <= std::uint64_t(INT64_MAX)) {
      return static_cast<std::int64_t>(v->as_uint64());
    }
    fail(join(at, key), "expected an integer");
    return std::nullopt;
  }

  std::int64_t integer(const json::object& o, std::string_view key, const std::string& at) {
    const json::value* v = o.if_contains(key);
    if (v != nullptr && v->is_null()) {
      fail(join(at, key), "expected an integer, got null");
      return 0;
    }
    return optInteger(o, key, at).value_or(0);
  }

  bool boolean(const json::object& o, std::string_view key, const std::string& at) {
    const json::value* v = field(o, key, at);
    if (v != nullptr && !v->is_bool()) {
      fail(join(at, key), "expected true or false");
    }
    return v != nullptr && v->is_bool() && v->as_bool();
  }

  // A field added to the schema later: absent in older snapshots, where it is `fallback`.
  bool laterBoolean(const json::object& o, std::string_view key, const std::string& at,
                    bool fallback) {
    return o.contains(key) ? boolean(o, key, at) : fallback;
  }

  Severity laterSeverity(const json::object& o, std::string_view key, const std::string& at,
                         Severity fallback) {
    return o.contains(key) ? severity(o, key, at) : fallback;
  }

  std::string string(const json::object& o, std::string_view key, const std::string& at) {
    const json::value* v = field(o, key, at);
    if (v != nullptr && !v->is_string()) {
      fail(join(at, key), "expected a string");
    }
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  }

  Severity severity(const json::object& o, std::string_view key, const std::string& at) {
    const std::string text = string(o, key, at);
    if (text == "none" || error) {
      return Severity::kNone;
    }
    const auto parsed = parseSeverity(text);
    if (!parsed) {
      fail(join(at, key), "unknown severity \"" + text + "\"");
    }
    return parsed.value_or(Severity::kNone);
  }

  // null stands for NaN, which JSON cannot carry.
  double number(const json::object& o, std::string_view key, const std::string& at) {
    const json::value* v = field(o, key, at);
    if (v == nullptr || v->is_null()) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    if (!v->is_number()) {
      fail(join(at, key), "expected a number or null");
      return 0;
    }
    return v->to_number<double>();
  }

  const json::array* array(const json::object& o, std::string_view key, const std::string& at) {
    const json::value* v = field(o, key, at);
    if (v != nullptr && !v->is_array()) {
      fail(join(at, key), "expected an array");
    }
    return v != nullptr ? v->if_array() : nullptr;
  }

  // nullptr for null (no error) and for a missing or mistyped field (error).
  const json::object* optObject(const json::object& o, std::string_view key,
                                const std::string& at) {
    const json::value* v = field(o, key, at);
    if (v != nullptr && !v->is_null() && !v->is_object()) {
      fail(join(at, key), "expected an object or null");
    }
    return v != nullptr ? v->if_object() : nullptr;
  }

  static std::string join(const std::string& at, std::string_view key) {
    return at.empty() ? std::string(key) : at + "." + std::string(key);
  }
};

void readRules(Reader& r, const json::array& rules, Escalator::Impl& s) {
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const std::string at = "rules[" + std::to_string(i) + "]";
    const json::object* o = rules[i].if_object();
    if (o == nullptr) {
      r.fail(at, "expected an object");
      return;
    }
    const std::string name = r.string(*o, "name", at);
    const std::string phase = r.string(*o, "phase", at);
    detail::RuleTrack scratch;
    const auto it = s.ruleIndex.find(name);
    // A rule gone from the rule file is dropped; its fields are still checked.
    detail::RuleTrack& track = it != s.ruleIndex.end() ? s.rules[it->second] : scratch;
    if (phase == "ok") {
      track.phase = detail::Phase::kOk;
    } else if (phase == "pending") {
      track.phase = detail::Phase::kPending;
    } else if (phase == "firing") {
      track.phase = detail::Phase::kFiring;
    } else {
      r.fail(at + ".phase", "expected ok, pending or firing");
    }
    track.since = r.integer(*o, "since", at);
    track.severity = r.severity(*o, "severity", at);
    track.value = r.number(*o, "value", at);
    track.summary = r.string(*o, "summary", at);
  }
}

void readIncident(Reader& r, const json::object& o, Escalator::Impl& s) {
  const std::string at = "incident";
  detail::OpenIncident open;
  open.id = r.string(o, "id", at);
  open.startedAt = r.integer(o, "startedAt", at);
  open.peak = r.severity(o, "severity", at);
  open.clearSince = r.optInteger(o, "clearSince", at);
  open.paged = r.boolean(o, "paged", at);
  open.windowNoted = r.boolean(o, "windowNoted", at);
  open.windowCriticalNoted = r.laterBoolean(o, "windowCriticalNoted", at, false);
  open.rollbackAt = r.optInteger(o, "rollbackAt", at);
  open.rolledBack = r.boolean(o, "rolledBack", at);
  if (const json::array* members = r.array(o, "members", at)) {
    for (std::size_t i = 0; i < members->size(); ++i) {
      const json::value& member = (*members)[i];
      if (!member.is_string()) {
        r.fail(at + ".members[" + std::to_string(i) + "]", "expected a string");
      } else if (s.ruleIndex.contains(std::string(member.as_string()))) {
        open.members.emplace_back(member.as_string());
      }
    }
  }
  if (const json::array* levels = r.array(o, "levels", at)) {
    for (std::size_t i = 0; i < levels->size(); ++i) {
      const std::string lat = at + ".levels[" + std::to_string(i) + "]";
      const json::object* level = (*levels)[i].if_object();
      if (level == nullptr) {
        r.fail(lat, "expected an object");
        break;
      }
      open.levels.push_back(
          {r.severity(*level, "severity", lat), r.integer(*level, "engagedAt", lat),
           r.boolean(*level, "afterDone", lat), r.boolean(*level, "endedNoted", lat)});
    }
  }
  s.incident = std::move(open);
}

void readRoot(Reader& r, const json::object& root, Escalator::Impl& s) {
  s.lastNow = r.optInteger(root, "lastNow", "");
  s.incidents = static_cast<std::uint64_t>(r.integer(root, "incidents", ""));
  s.windowNoted = r.boolean(root, "windowNoted", "");
  s.lastResolvedAt = r.optInteger(root, "lastResolvedAt", "");
  s.rollbackDecided = r.boolean(root, "rollbackDecided", "");
  if (const json::array* rules = r.array(root, "rules", "")) {
    readRules(r, *rules, s);
  }
  if (const json::object* hold = r.optObject(root, "hold", "")) {
    s.hold =
        detail::HoldState{{r.string(*hold, "who", "hold"), r.string(*hold, "reason", "hold"),
                           r.integer(*hold, "since", "hold"), r.integer(*hold, "until", "hold"),
                           r.laterSeverity(*hold, "covers", "hold", Severity::kHigh)},
                          r.boolean(*hold, "suppressedNoted", "hold"),
                          r.laterBoolean(*hold, "criticalNoted", "hold", false)};
    if (!r.error && s.hold->hold.covers == Severity::kNone) {
      r.fail("hold.covers", "must be a severity (low, medium, high, critical)");
    }
  }
  if (const json::object* incident = r.optObject(root, "incident", "")) {
    readIncident(r, *incident, s);
  }
  if (!r.error && s.rollbackDecided && !s.incident) {
    r.fail("incident", "a decided rollback needs its incident");
  }
}

}  // namespace

Result<Escalator> Escalator::restore(std::string_view text, PolicyConfig config,
                                     std::vector<RuleSpec> rules) {
  try {
    boost::system::error_code ec;
    const json::value parsed = json::parse(json::string_view(text.data(), text.size()), ec);
    if (ec) {
      return Error(ErrorCode::kInvalidInput, "policy snapshot: not JSON: " + ec.message());
    }
    const json::object* root = parsed.if_object();
    if (root == nullptr) {
      return Error(ErrorCode::kInvalidInput, "policy snapshot: expected a JSON object");
    }
    Reader r;
    const std::int64_t version = r.integer(*root, "version", "");
    if (!r.error && version != detail::kSnapshotVersion) {
      return Error(ErrorCode::kInvalidInput,
                   "policy snapshot: version: " + std::to_string(version) +
                       " is not supported (expected " + std::to_string(detail::kSnapshotVersion) +
                       ")");
    }
    const TimestampMs switchedAt = r.integer(*root, "switchedAt", "");
    if (r.error) {
      return Error(ErrorCode::kInvalidInput, *r.error);
    }
    auto impl = std::make_unique<Impl>(std::move(config), std::move(rules), switchedAt);
    readRoot(r, *root, *impl);
    if (r.error) {
      return Error(ErrorCode::kInvalidInput, *r.error);
    }
    return Escalator(std::move(impl));
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInvalidInput, std::string("policy snapshot: ") + e.what());
  }
}

}  // namespace nova::policy
