#include "nova/watch/scenario.h"

namespace nova::watch {

std::string receiverName(const notify::NotifierConfig& config) {
  auto it = config.settings.find("name");
  return it == config.settings.end() ? config.type : config.type + ":" + it->second;
}

std::string entryText(const ExpectedAction& entry) {
  return formatDuration(entry.at) + " " + std::string(policy::toString(entry.action));
}

std::string entryText(const ExpectedNotification& entry) {
  std::string text = formatDuration(entry.at) + " " + std::string(notify::toString(entry.kind)) +
                     " " + (entry.key.empty() ? "-" : entry.key) + " ->";
  for (std::size_t i = 0; i < entry.receivers.size(); ++i) {
    text += (i == 0 ? " " : ", ") + entry.receivers[i];
  }
  return entry.receivers.empty() ? text + " none" : text;
}

std::string entryText(const ExpectedRollback& entry) {
  return formatDuration(entry.at) + " " + entry.outcome;
}

}  // namespace nova::watch
