#include "incident_charts.h"

#include <algorithm>

#include "nova/core/files.h"

namespace nova::daemon::detail {

bool IncidentCharts::isValidIncidentId(std::string_view id) {
  if (id.empty() || id.size() > 128 || id.front() == '.') {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::string IncidentCharts::pathOf(const std::string& id) const {
  return stateDir_ + "/incident-" + id + "-charts.json";
}

Status IncidentCharts::save(const std::string& id, std::string document) {
  if (!isValidIncidentId(id)) {
    return Error(ErrorCode::kInvalidInput, "incident id \"" + id + "\" is not a plain name");
  }
  if (document.size() > kMaxBytes) {
    return Error(ErrorCode::kInvalidInput,
                 "the charts of incident " + id + " take " + std::to_string(document.size()) +
                     " bytes, over the bound of " + std::to_string(kMaxBytes));
  }
  Status written;
  if (!stateDir_.empty()) {
    written = writeFileDurably(pathOf(id), document);
  }
  std::lock_guard lock(mutex_);
  std::erase_if(recent_, [&](const auto& entry) { return entry.first == id; });
  recent_.emplace_back(id, std::move(document));
  if (recent_.size() > kInMemory) {
    recent_.pop_front();
  }
  return written;
}

Result<std::string> IncidentCharts::load(const std::string& id) const {
  if (!isValidIncidentId(id)) {
    return Error(ErrorCode::kInvalidInput, "incident id \"" + id + "\" is not a plain name");
  }
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, document] : recent_) {
      if (key == id) {
        return document;
      }
    }
  }
  if (stateDir_.empty()) {
    return Error(ErrorCode::kNotFound, "no charts saved for incident " + id);
  }
  auto text = readFile(pathOf(id), kMaxBytes);
  if (!text.ok() && text.error().code == ErrorCode::kNotFound) {
    return Error(ErrorCode::kNotFound, "no charts saved for incident " + id);
  }
  return text;
}

}  // namespace nova::daemon::detail
