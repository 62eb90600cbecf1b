#include "nova/rollout/record.h"

#include <array>

namespace nova::rollout {
namespace {

constexpr std::array<std::string_view, 3> kStepResults{"ok", "failed", "skipped"};

constexpr std::string_view kEllipsis = "...";

// `text` cut to at most `limit` bytes without splitting a UTF-8 sequence, marked as cut.
std::string truncateUtf8(std::string text, std::size_t limit) {
  if (text.size() <= limit) {
    return text;
  }
  std::size_t cut = limit > kEllipsis.size() ? limit - kEllipsis.size() : 0;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  text.resize(cut);
  return text + std::string(kEllipsis);
}

bool idChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

std::string_view stepResultName(StepResult result) {
  return kStepResults[static_cast<std::size_t>(result)];
}

std::optional<StepResult> parseStepResult(std::string_view name) {
  for (std::size_t i = 0; i < kStepResults.size(); ++i) {
    if (kStepResults[i] == name) {
      return static_cast<StepResult>(i);
    }
  }
  return std::nullopt;
}

void appendStep(Record& record, StepRecord step, const RecordLimits& limits) {
  step.detail = truncateUtf8(std::move(step.detail), limits.maxDetailBytes);
  record.steps.push_back(std::move(step));
  if (record.steps.size() > limits.maxSteps) {
    const std::size_t drop = record.steps.size() - limits.maxSteps;
    record.steps.erase(record.steps.begin(),
                       record.steps.begin() + static_cast<std::ptrdiff_t>(drop));
    record.stepsDropped += static_cast<std::int64_t>(drop);
  }
}

Status validateRolloutId(std::string_view id) {
  if (id.empty() || id.size() > 63) {
    return Error(ErrorCode::kInvalidInput,
                 "rollout id must be 1 to 63 characters, got " + std::to_string(id.size()));
  }
  const bool alnumFirst =
      idChar(id.front()) && id.front() != '.' && id.front() != '_' && id.front() != '-';
  for (char c : id) {
    if (!idChar(c) || !alnumFirst) {
      return Error(ErrorCode::kInvalidInput,
                   "rollout id \"" + std::string(id) +
                       "\" must be letters, digits, '.', '_' and '-', starting with a letter or "
                       "digit");
    }
  }
  return {};
}

Status validateVersion(std::string_view version) {
  if (version.empty() || version.size() > 128) {
    return Error(ErrorCode::kInvalidInput, "version must be 1 to 128 characters");
  }
  for (char c : version) {
    if (c <= ' ' || c > '~') {
      return Error(
          ErrorCode::kInvalidInput,
          "version must be printable ASCII without spaces, got \"" + std::string(version) + "\"");
    }
  }
  return {};
}

}  // namespace nova::rollout
