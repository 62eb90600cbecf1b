#include "nova/notify/outbox.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "event_json_value.h"
#include "nova/core/files.h"
#include "nova/notify/event_json.h"
#include "state_files.h"

namespace nova::notify {
namespace {

constexpr std::string_view kHeader = R"({"nova_outbox":1})";

// Everything one outbox file says.
struct Scan {
  std::map<std::uint64_t, Outbox::Entry> added;
  std::set<std::uint64_t> done;
  bool header = false;
  std::size_t unreadable = 0;  // lines that are neither a record nor a torn tail
  bool tornTail = false;       // the last line, without its newline, does not parse
};

std::optional<std::uint64_t> idOf(const boost::json::value* v) {
  if (v != nullptr && v->is_uint64()) {
    return v->get_uint64();
  }
  if (v != nullptr && v->is_int64() && v->get_int64() > 0) {
    return static_cast<std::uint64_t>(v->get_int64());
  }
  return std::nullopt;
}

// True when `o` is an add or done record; fills `out`.
bool readRecord(const boost::json::object& o, Scan& out) {
  if (auto id = idOf(o.if_contains("done"))) {
    out.done.insert(*id);
    return true;
  }
  auto id = idOf(o.if_contains("add"));
  const auto* at = o.if_contains("at");
  const auto* event = o.if_contains("event");
  if (!id || at == nullptr || !at->is_int64() || event == nullptr) {
    return false;
  }
  auto notification = parseEventJson(boost::json::serialize(*event));
  if (!notification.ok()) {
    return false;
  }
  out.added[*id] = Outbox::Entry{*id, std::move(*notification), at->get_int64(), std::nullopt};
  return true;
}

Scan scan(std::string_view text) {
  Scan out;
  bool first = true;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const bool unterminated = newline == std::string_view::npos;
    const std::string_view line = text.substr(0, newline);
    text = unterminated ? std::string_view() : text.substr(newline + 1);
    boost::system::error_code ec;
    const auto value = boost::json::parse(line, ec);
    const auto* o = ec ? nullptr : value.if_object();
    bool understood = false;
    if (first && o != nullptr && o->contains("nova_outbox")) {
      out.header = understood = true;
    } else if (o != nullptr) {
      understood = readRecord(*o, out);
    }
    first = false;
    if (!understood && unterminated) {
      out.tornTail = true;
    } else if (!understood) {
      ++out.unreadable;
    }
  }
  return out;
}

std::string addLine(const Outbox::Entry& entry) {
  return boost::json::serialize(
      boost::json::object{{"add", entry.id},
                          {"at", entry.acceptedAt},
                          {"event", detail::eventObject(entry.notification)}});
}

}  // namespace

Result<std::unique_ptr<Outbox>> Outbox::open(std::string path) {
  std::unique_ptr<Outbox> outbox(new Outbox(std::move(path)));
  if (outbox->durable()) {
    if (Status loaded = outbox->load(); !loaded.ok()) {
      return loaded.error();
    }
  }
  return outbox;
}

Status Outbox::load() {
  auto current = detail::readStateFile(path_);
  if (!current.ok()) {
    return current.error().prefixed("notify outbox: ");
  }
  if (!current->has_value()) {
    return compact();  // first run: the header, and proof that the directory is writable
  }
  const Scan found = scan(**current);
  for (const auto& [id, entry] : found.added) {
    if (found.done.count(id) == 0) {
      pending_[id] = entry;
    }
  }
  std::uint64_t lastId = found.added.empty() ? 0 : found.added.rbegin()->first;
  if (!found.done.empty()) {
    lastId = std::max(lastId, *found.done.rbegin());
  }
  const bool damaged = !found.header || found.unreadable > 0;
  if (damaged) {
    // Keep every pending entry either copy still shows: the ledger skips what was
    // delivered, so offering too much is safe and offering too little loses a page.
    ++recoveries_;
    const std::string previous = detail::previousCopy(path_);
    std::size_t fromPrevious = 0;
    if (auto older = detail::readStateFile(previous); older.ok() && older->has_value()) {
      const Scan before = scan(**older);
      for (const auto& [id, entry] : before.added) {
        if (before.done.count(id) == 0 && found.added.count(id) == 0 && found.done.count(id) == 0) {
          pending_[id] = entry;
          ++fromPrevious;
        }
        lastId = std::max(lastId, id);
      }
    }
    const std::string what = (*current)->empty() ? std::string("empty file")
                             : !found.header
                                 ? std::string("no outbox header")
                                 : std::to_string(found.unreadable) + " unreadable lines";
    const std::string aside = detail::setAside(path_);
    spdlog::warn(
        "notify outbox {}: {}; moved to {}; {} pending notifications recovered ({} from {})", path_,
        what, aside, pending_.size(), fromPrevious, previous);
  } else if (found.tornTail) {
    spdlog::info(
        "notify outbox {}: ignored a torn last line (a crash during an add that never "
        "returned)",
        path_);
  }
  nextId_ = lastId + 1;
  if (!pending_.empty()) {
    spdlog::info("notify outbox {}: {} notifications pending from before the restart", path_,
                 pending_.size());
  }
  // A clean rewrite: no torn line for the next append to join, no finished entries.
  return compact();
}

Status Outbox::compact() {
  std::string text(kHeader);
  text += '\n';
  for (const auto& [id, entry] : pending_) {
    text += addLine(entry);
    text += '\n';
  }
  doneSinceCompaction_ = 0;
  if (Status written = writeFileDurably(path_, text, {.keepPrevious = true}); !written.ok()) {
    return written.error().prefixed("notify outbox " + path_ + ": ");
  }
  return {};
}

Status Outbox::append(std::string_view line) {
  if (Status written = appendDurably(path_, line); !written.ok()) {
    return written.error().prefixed("notify outbox " + path_ + ": ");
  }
  return {};
}

Outbox::Added Outbox::add(const Notification& notification, TimestampMs acceptedAt,
                          MonoTime acceptedMono) {
  std::lock_guard lock(mutex_);
  Entry& entry = pending_[nextId_];
  entry = Entry{nextId_++, notification, acceptedAt, acceptedMono};
  return Added{entry.id, durable() ? append(addLine(entry)) : Status{}};
}

Status Outbox::done(std::uint64_t id, std::string_view outcome) {
  std::lock_guard lock(mutex_);
  if (pending_.erase(id) == 0 || !durable()) {
    return {};
  }
  Status written = append(boost::json::serialize(
      boost::json::object{{"done", id}, {"outcome", boost::json::string_view(outcome)}}));
  if (++doneSinceCompaction_ >= kCompactAfter) {
    if (Status compacted = compact(); !compacted.ok()) {
      return compacted;
    }
  }
  return written;
}

std::vector<Outbox::Entry> Outbox::pending() const {
  std::lock_guard lock(mutex_);
  std::vector<Entry> out;
  out.reserve(pending_.size());
  for (const auto& [id, entry] : pending_) {
    out.push_back(entry);
  }
  return out;
}

std::size_t Outbox::size() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

DurationMs Outbox::oldestAge(TimestampMs wallNow, MonoTime monoNow) const {
  std::lock_guard lock(mutex_);
  if (pending_.empty()) {
    return 0;
  }
  const Entry& oldest = pending_.begin()->second;
  const DurationMs age =
      oldest.acceptedMono ? monoNow - *oldest.acceptedMono : wallNow - oldest.acceptedAt;
  return std::max<DurationMs>(age, 0);
}

}  // namespace nova::notify
