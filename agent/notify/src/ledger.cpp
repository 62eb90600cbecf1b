#include "nova/notify/ledger.h"

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "nova/notify/event_json.h"

namespace nova::notify {

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
  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    return {};  // first run
  }
  std::ostringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  auto root = boost::json::parse(text.str(), ec);
  const auto* list = !ec && root.is_object() ? root.get_object().if_contains("incidents") : nullptr;
  if (list == nullptr || !list->is_array()) {
    return Error{"notify ledger " + path_ + ": not a ledger file"};
  }
  for (const auto& item : list->get_array()) {
    const auto* o = item.if_object();
    const auto* id = o != nullptr ? o->if_contains("id") : nullptr;
    const auto* latest = o != nullptr ? o->if_contains("latest") : nullptr;
    if (id == nullptr || !id->is_string() || latest == nullptr) {
      return Error{"notify ledger " + path_ + ": malformed entry"};
    }
    auto notification = parseEventJson(boost::json::serialize(*latest));
    if (!notification.ok()) {
      return Error{"notify ledger " + path_ + ": " + notification.error().message};
    }
    Entry entry;
    entry.latest = std::move(*notification);
    entry.closed = o->contains("closed") && o->at("closed").is_bool() && o->at("closed").get_bool();
    entry.order = nextOrder_++;
    if (const auto* updates = o->if_contains("updates");
        updates != nullptr && updates->is_array()) {
      for (const auto& u : updates->get_array()) {
        if (u.is_string()) {
          entry.updates.insert(std::string(u.get_string()));
        }
      }
    }
    entries_[std::string(id->get_string())] = std::move(entry);
  }
  return {};
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
                                       {"latest", boost::json::parse(eventJson(entry.latest))}});
  }
  const std::string temp = path_ + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << boost::json::serialize(boost::json::object{{"incidents", std::move(list)}}) << '\n';
    if (!out.good()) {
      return Error{"notify ledger " + path_ + ": cannot write " + temp};
    }
  }
  if (std::rename(temp.c_str(), path_.c_str()) != 0) {
    return Error{"notify ledger " + path_ + ": cannot replace the file"};
  }
  return {};
}

}  // namespace nova::notify
