#include "nova/daemon/journal.h"

#include <boost/json.hpp>
#include <filesystem>
#include <sstream>

#include "nova/core/files.h"
#include "nova/core/rfc3339.h"

namespace nova::daemon {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

std::string text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : "";
}

void readInto(const std::string& path, std::size_t maxBytes, std::vector<JournalEntry>& out) {
  auto content = readFile(path, maxBytes);
  if (!content.ok()) {
    return;
  }
  std::istringstream lines(*content);
  for (std::string line; std::getline(lines, line);) {
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    if (ec || !v.is_object() || !v.as_object().contains("at_ms")) {
      continue;
    }
    const json::object& o = v.as_object();
    const json::value& at = o.at("at_ms");
    const json::value* shadow = o.if_contains("shadow");
    out.push_back({at.is_int64() ? at.as_int64() : 0, text(o, "rollout_id"), text(o, "kind"),
                   text(o, "incident"), text(o, "rule"), text(o, "detail"),
                   shadow != nullptr && shadow->is_bool() && shadow->as_bool()});
  }
}

}  // namespace

Journal::Journal(std::string path, std::size_t maxBytes)
    : path_(std::move(path)), maxBytes_(maxBytes) {}

Status Journal::append(const JournalEntry& e) {
  if (path_.empty()) {
    return {};
  }
  std::error_code ec;
  if (fs::file_size(path_, ec) >= maxBytes_ && !ec) {
    // A crash between the rename and the next append loses nothing: both files are read.
    fs::rename(path_, path_ + ".1", ec);
    if (ec) {
      return Error(ErrorCode::kInternal, "journal " + path_ + ": cannot rotate: " + ec.message());
    }
  }
  json::object line{{"at", formatRfc3339(e.at, SubSecond::kMillis)},
                    {"at_ms", e.at},
                    {"rollout_id", e.rolloutId},
                    {"kind", e.kind}};
  if (!e.incident.empty()) {
    line["incident"] = e.incident;
  }
  if (!e.rule.empty()) {
    line["rule"] = e.rule;
  }
  line["detail"] = e.detail;
  if (e.shadow) {
    line["shadow"] = true;
  }
  return appendDurably(path_, json::serialize(line));
}

Result<std::vector<JournalEntry>> Journal::readAll() const {
  std::vector<JournalEntry> out;
  if (path_.empty()) {
    return out;
  }
  // Rotation keeps each file near maxBytes_; the bound leaves room for the last line.
  const std::size_t bound = maxBytes_ + (std::size_t{64} << 10);
  readInto(path_ + ".1", bound, out);
  readInto(path_, bound, out);
  return out;
}

std::string journalPathFor(const std::string& stateFile) {
  return stateFile.empty() ? "" : stateFile + ".journal.jsonl";
}

}  // namespace nova::daemon
