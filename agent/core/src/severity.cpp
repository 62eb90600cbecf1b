#include "nova/core/severity.h"

namespace nova {

std::string_view toString(Severity severity) {
  switch (severity) {
    case Severity::kNone:
      return "none";
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "none";
}

std::optional<Severity> parseSeverity(std::string_view text) {
  for (Severity s : {Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    if (text == toString(s)) {
      return s;
    }
  }
  return std::nullopt;
}

}  // namespace nova
