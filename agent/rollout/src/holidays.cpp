#include <date/date.h>

#include "nova/core/text.h"
#include "nova/rollout/window.h"

namespace nova::rollout {
namespace {

// "YYYY-MM-DD" as a real calendar date.
std::optional<CivilDate> parseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  int parts[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8};
  const std::size_t lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (std::size_t i = 0; i < lengths[p]; ++i) {
      const char c = text[starts[p] + i];
      if (c < '0' || c > '9') {
        return std::nullopt;
      }
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  const date::year_month_day ymd{date::year{parts[0]}, date::month{static_cast<unsigned>(parts[1])},
                                 date::day{static_cast<unsigned>(parts[2])}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  return CivilDate{parts[0], parts[1], parts[2]};
}

}  // namespace

Result<std::vector<Holiday>> parseHolidays(std::string_view text, std::string_view fileName) {
  std::vector<Holiday> out;
  std::size_t lineStart = 0;
  for (int line = 1; lineStart <= text.size(); ++line) {
    std::size_t lineEnd = text.find('\n', lineStart);
    if (lineEnd == std::string_view::npos) {
      lineEnd = text.size();
    }
    std::string_view content = text.substr(lineStart, lineEnd - lineStart);
    const std::size_t first = content.find_first_not_of(" \t\r");
    const std::size_t hash = content.find('#');
    if (hash != std::string_view::npos) {
      content = content.substr(0, hash);
    }
    content = trim(content);
    if (!content.empty()) {
      const std::size_t space = content.find_first_of(" \t");
      const std::string_view dateText = content.substr(0, space);
      auto parsed = parseDate(dateText);
      if (!parsed) {
        return Error(ErrorCode::kInvalidInput, std::string(fileName) + ":" + std::to_string(line) +
                                                   ":" + std::to_string(first + 1) +
                                                   ": expected a date YYYY-MM-DD, got \"" +
                                                   std::string(dateText) + "\"");
      }
      const std::string_view name =
          space == std::string_view::npos ? std::string_view() : trim(content.substr(space));
      out.push_back(Holiday{*parsed, std::string(name)});
    }
    lineStart = lineEnd + 1;
  }
  return out;
}

}  // namespace nova::rollout
