#include "nova/notify/ledger.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>

#include "event_json_value.h"
#include "nova/core/files.h"
#include "nova/notify/event_json.h"
#include "state_files.h"

namespace nova::notify {
namespace {

// One incident as the file holds it.
struct StoredIncident {
  std::string id;
  bool closed = false;
  std::set<std::string> updates;
  Notification latest;
};

// Reads a ledger file's text, in file order; errors (kInvalidInput) say what is wrong.
Result<std::vector<StoredIncident>> parseLedger(std::string_view text) {
  boost::system::error_code ec;
  auto root = boost::json::parse(text, ec);
  const auto* list = !ec && root.is_object() ? root.get_object().if_contains("incidents") : nullptr;
  if (list == nullptr || !list->is_array()) {
    return Error(ErrorCode::kInvalidInput, text.empty() ? "empty file" : "not a ledger file");
  }
  std::vector<StoredIncident> out;
  for (const auto& item : list->get_array()) {
    const auto* o = item.if_object();
    const auto* id = o != nullptr ? o->if_contains("id") : nullptr;
    const auto* latest = o != nullptr ? o->if_contains("latest") : nullptr;
    if (id == nullptr || !id->is_string() || latest == nullptr) {
      return Error(ErrorCode::kInvalidInput, "malformed entry");
    }
    auto notification = parseEventJson(boost::json::serialize(*latest));
    if (!notification.ok()) {
      return notification.error();
    }
    StoredIncident incident{std::string(id->get_string()), false, {}, std::move(*notification)};
    const auto* closed = o->if_contains("closed");
    incident.closed = closed != nullptr && closed->is_bool() && closed->get_bool();
    if (const auto* updates = o->if_contains("updates");
        updates != nullptr && updates->is_array()) {
      for (const auto& u : updates->get_array()) {
        if (u.is_string()) {
          incident.updates.insert(std::string(u.get_string()));
        }
      }
    }
    out.push_back(std::move(incident));
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<IncidentLedger>> IncidentLedger::open(std::string path) {
  std::unique_ptr<IncidentLedger> ledger(new IncidentLedger(std::move(path)));
  if (!ledger->path_.empty()) {
    if (auto loaded = ledger->load(); !loaded.ok()) {
      return loaded.error();
    }
  }
  return ledger;
}

std::string IncidentLedger::updateKey(const Notification& n) {
  return std::string(toString(n.kind)) + "/" + std::string(toString(n.severity));
}

bool IncidentLedger::delivered(const Notification& n) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(n.incidentId);
  return it != entries_.end() && it->second.updates.count(updateKey(n)) > 0;
}

bool IncidentLedger::known(const std::string& incidentId) const {
  std::lock_guard lock(mutex_);
  return entries_.count(incidentId) > 0;
}

bool IncidentLedger::closed(const std::string& incidentId) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(incidentId);
  return it != entries_.end() && it->second.closed;
}

Status IncidentLedger::record(const Notification& n) {
  std::lock_guard lock(mutex_);
  Entry& entry = entries_[n.incidentId];
  entry.updates.insert(updateKey(n));
  entry.latest = n;
  entry.order = nextOrder_++;
  entry.closed = entry.closed || n.kind == NotificationKind::kIncidentResolved;
  prune();
  return path_.empty() ? Status{} : save();
}

std::vector<Notification> IncidentLedger::openIncidents() const {
  std::lock_guard lock(mutex_);
  std::vector<Notification> out;
  for (const auto& [id, entry] : entries_) {
    if (!entry.closed) {
      out.push_back(entry.latest);
    }
  }
  return out;
}

void IncidentLedger::prune() {
  std::size_t closedCount = 0;
  for (const auto& [id, entry] : entries_) {
    closedCount += entry.closed ? 1 : 0;
  }
  while (closedCount > kKeepClosed) {
    auto oldest = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.closed &&
          (oldest == entries_.end() || it->second.order < oldest->second.order)) {
        oldest = it;
      }
    }
    entries_.erase(oldest);
    --closedCount;
  }
}

Status IncidentLedger::load() {
  auto current = detail::readStateFile(path_);
  if (!current.ok()) {
    return current.error().prefixed("notify ledger: ");
  }
  if (!current->has_value()) {
    return {};  // first run
  }
  auto parsed = parseLedger(**current);
  const bool damaged = !parsed.ok();
  if (damaged) {
    // A damaged ledger must not keep the agent from starting: recover what we can. The
    // receivers' own dedup keys cover what an older copy forgets.
    ++recoveries_;
    const std::string damage = parsed.error().message;
    const std::string previous = detail::previousCopy(path_);
    std::string source = "nothing (starting empty)";
    parsed = std::vector<StoredIncident>{};
    if (auto older = detail::readStateFile(previous); older.ok() && older->has_value()) {
      if (auto fromOlder = parseLedger(**older); fromOlder.ok()) {
        parsed = std::move(fromOlder);
        source = "the previous copy " + previous;
      }
    }
    const std::string aside = detail::setAside(path_);
    spdlog::warn("notify ledger {}: {}; moved to {} and recovered from {} ({} incidents)", path_,
                 damage, aside, source, parsed->size());
  }
  for (auto& stored : *parsed) {
    Entry& entry = entries_[stored.id];
    entry.updates = std::move(stored.updates);
    entry.closed = stored.closed;
    entry.latest = std::move(stored.latest);
    entry.order = nextOrder_++;
  }
  // After a recovery the good state goes back to disk at once, so the damaged file is not
  // what the next start reads (and a state directory we cannot write fails the start).
  return damaged ? save() : Status{};
}

Status IncidentLedger::save() const {
  std::vector<std::pair<std::uint64_t, std::string>> ordered;
  for (const auto& [id, entry] : entries_) {
    ordered.emplace_back(entry.order, id);
  }
  std::sort(ordered.begin(), ordered.end());
  boost::json::array list;
  for (const auto& [order, id] : ordered) {
    const Entry& entry = entries_.at(id);
    boost::json::array updates;
    for (const auto& u : entry.updates) {
      updates.emplace_back(u);
    }
    list.push_back(boost::json::object{{"id", id},
                                       {"closed", entry.closed},
                                       {"updates", std::move(updates)},
                                       {"latest", detail::eventObject(entry.latest)}});
  }
  const std::string text =
      boost::json::serialize(boost::json::object{{"incidents", std::move(list)}}) + "\n";
  if (Status written = writeFileDurably(path_, text, {.keepPrevious = true}); !written.ok()) {
    return written.error().prefixed("notify ledger " + path_ + ": ");
  }
  return {};
}

}  // namespace nova::notify
