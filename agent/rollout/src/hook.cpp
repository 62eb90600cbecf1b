#include "nova/rollout/hook.h"

#include <re2/re2.h>

#include <array>
#include <csignal>
#include <cstring>

#include "nova/core/suggest.h"
#include "nova/core/text.h"

namespace nova::rollout {
namespace {

constexpr std::array<std::string_view, 7> kVariables{
    "NOVA_ROLLOUT_ID", "NOVA_VERSION",   "NOVA_SNAPSHOT_ID", "NOVA_PHASE",
    "NOVA_STEP",       "NOVA_GREEN_URL", "NOVA_REPORT_DIR"};

constexpr std::size_t kDescribeLimit = 200;
constexpr std::size_t kTailLimit = 400;

std::string quoted(const std::string& arg) {
  if (!arg.empty() && arg.find_first_of(" \t\"'$\\") == std::string::npos) {
    return arg;
  }
  std::string out = "'";
  for (char c : arg) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

// The end of the output, for messages.
std::string tail(const std::string& output) {
  std::string_view text = trim(output);
  if (text.size() > kTailLimit) {
    text = text.substr(text.size() - kTailLimit);
    return "..." + std::string(text);
  }
  return std::string(text);
}

std::string withOutput(std::string message, const HookResult& result) {
  const std::string last = tail(result.output);
  return last.empty() ? message + " (no output)" : message + "; output: " + last;
}

}  // namespace

std::string CommandSpec::describe() const {
  std::string text;
  if (shell) {
    text = shellLine;
  } else {
    for (const std::string& arg : argv) {
      text += (text.empty() ? "" : " ") + quoted(arg);
    }
  }
  if (text.size() > kDescribeLimit) {
    text = text.substr(0, kDescribeLimit - 3) + "...";
  }
  return text;
}

std::span<const std::string_view> hookVariableNames() {
  return kVariables;
}

Result<std::string> expandVariables(std::string_view text, const HookVariables& variables) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return Error(ErrorCode::kInvalidInput, "unclosed \"${\" at offset " + std::to_string(i) +
                                                 " in \"" + std::string(text) + "\"");
    }
    const std::string name(text.substr(i + 2, close - i - 2));
    const auto found = variables.find(name);
    if (found == variables.end()) {
      std::vector<std::string_view> known;
      for (const auto& [key, value] : variables) {
        known.push_back(key);
      }
      std::string message = "unknown variable ${" + name + "}";
      if (auto hint = closestMatch(name, known)) {
        message += "; did you mean ${" + *hint + "}?";
      }
      return Error(ErrorCode::kInvalidInput, message);
    }
    out += found->second;
    i = close + 1;
  }
  return out;
}

Status checkHookResult(const CommandSpec& spec, const HookResult& result) {
  const std::string what = spec.describe();
  if (result.cancelled) {
    return Error(ErrorCode::kUnavailable, what + ": stopped because a stop was requested");
  }
  if (result.timedOut) {
    return Error(ErrorCode::kTimeout,
                 withOutput(what + ": timed out after " + formatDuration(spec.timeout), result));
  }
  if (result.signal != 0) {
    return Error(ErrorCode::kRefused,
                 withOutput(what + ": ended by signal " + std::to_string(result.signal) + " (" +
                                strsignal(result.signal) + ")",
                            result));
  }
  if (result.exitCode != spec.expectExit) {
    return Error(ErrorCode::kRefused,
                 withOutput(what + ": exit code " + std::to_string(result.exitCode) +
                                ", expected " + std::to_string(spec.expectExit),
                            result));
  }
  if (!spec.expectOutput.empty()) {
    const RE2 pattern(spec.expectOutput, RE2::Quiet);
    if (!pattern.ok()) {
      return Error(ErrorCode::kInvalidInput,
                   what + ": expect_output /" + spec.expectOutput + "/: " + pattern.error());
    }
    if (!RE2::PartialMatch(result.output, pattern)) {
      return Error(
          ErrorCode::kRefused,
          withOutput(what + ": output does not match /" + spec.expectOutput + "/", result));
    }
  }
  return {};
}

}  // namespace nova::rollout
