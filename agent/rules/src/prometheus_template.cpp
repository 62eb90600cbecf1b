#include "prometheus_template.h"

#include <algorithm>
#include <array>
#include <optional>

namespace nova::rules::detail {
namespace {

constexpr std::array<std::string_view, 3> kValueFunctions{"humanize", "humanizePercentage",
                                                          "humanizeDuration"};
constexpr std::array<std::string_view, 10> kControlWords{
    "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"};

bool isBlank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

// The words of one pipeline stage; quoted strings are kept whole.
std::vector<std::string_view> words(std::string_view stage) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < stage.size()) {
    while (i < stage.size() && isBlank(stage[i])) {
      ++i;
    }
    if (i >= stage.size()) {
      break;
    }
    const std::size_t start = i;
    if (stage[i] == '"' || stage[i] == '`') {
      const char quote = stage[i++];
      while (i < stage.size() && stage[i] != quote) {
        i += (stage[i] == '\\' && quote == '"') ? 2 : 1;
      }
      i = std::min(i + 1, stage.size());
    } else {
      while (i < stage.size() && !isBlank(stage[i])) {
        ++i;
      }
    }
    out.push_back(stage.substr(start, i - start));
  }
  return out;
}

std::vector<std::vector<std::string_view>> pipeline(std::string_view action) {
  std::vector<std::vector<std::string_view>> stages;
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t i = 0; i <= action.size(); ++i) {
    if (i < action.size() && action[i] == '"') {
      quoted = !quoted;
    }
    if (i == action.size() || (action[i] == '|' && !quoted)) {
      stages.push_back(words(action.substr(start, i - start)));
      start = i + 1;
    }
  }
  return stages;
}

bool isValue(std::string_view word) {
  return word == "$value" || word == ".Value";
}

// "x" for `$labels.x` or `.Labels.x`.
std::optional<std::string_view> labelOf(std::string_view word) {
  for (std::string_view prefix : {std::string_view("$labels."), std::string_view(".Labels.")}) {
    if (word.starts_with(prefix) && word.size() > prefix.size()) {
      return word.substr(prefix.size());
    }
  }
  return std::nullopt;
}

// "x" for `index $labels "x"`.
std::optional<std::string_view> indexedLabel(const std::vector<std::string_view>& stage) {
  if (stage.size() == 3 && stage[0] == "index" &&
      (stage[1] == "$labels" || stage[1] == ".Labels") && stage[2].size() > 2 &&
      stage[2].front() == '"' && stage[2].back() == '"') {
    return stage[2].substr(1, stage[2].size() - 2);
  }
  return std::nullopt;
}

struct Mapped {
  std::string action;  // empty: dropped
  bool exact = false;
};

Mapped mapAction(std::string_view action) {
  const auto stages = pipeline(action);
  const auto& first = stages.front();
  if (first.empty() || contains(kControlWords, first.front())) {
    return {};
  }
  if (stages.size() == 1 && first.size() == 1) {
    if (isValue(first[0])) {
      return {"$value", true};
    }
    if (auto label = labelOf(first[0])) {
      return {"$labels." + std::string(*label), true};
    }
  }
  if (stages.size() == 1) {
    if (auto label = indexedLabel(first)) {
      return {"$labels." + std::string(*label), true};
    }
    if (first.size() == 2 && contains(kValueFunctions, first[0]) && isValue(first[1])) {
      return {"$value | " + std::string(first[0]), true};
    }
  }
  if (stages.size() == 2 && first.size() == 1 && isValue(first[0]) && stages[1].size() == 1 &&
      contains(kValueFunctions, stages[1][0])) {
    return {"$value | " + std::string(stages[1][0]), true};
  }
  for (const auto& stage : stages) {
    for (std::string_view word : stage) {
      if (isValue(word)) {
        return {"$value", false};
      }
    }
  }
  for (const auto& stage : stages) {
    if (auto label = indexedLabel(stage)) {
      return {"$labels." + std::string(*label), false};
    }
    for (std::string_view word : stage) {
      if (auto label = labelOf(word)) {
        return {"$labels." + std::string(*label), false};
      }
    }
  }
  return {};
}

void trimTrailingBlanks(std::string& text) {
  while (!text.empty() && isBlank(text.back())) {
    text.pop_back();
  }
}

}  // namespace

TranslatedTemplate translatePrometheusTemplate(std::string_view source) {
  TranslatedTemplate out;
  std::size_t i = 0;
  bool trimNext = false;
  while (i < source.size()) {
    const std::size_t open = source.find("{{", i);
    std::string_view literal = source.substr(i, open == std::string_view::npos ? open : open - i);
    if (trimNext) {
      while (!literal.empty() && isBlank(literal.front())) {
        literal.remove_prefix(1);
      }
    }
    out.text += literal;
    if (open == std::string_view::npos) {
      break;
    }
    const std::size_t close = source.find("}}", open + 2);
    if (close == std::string_view::npos) {
      out.changes.push_back({open, "an unclosed {{ and the text after it are left out"});
      break;
    }
    std::string_view action = source.substr(open + 2, close - open - 2);
    if (action.starts_with("- ") || action == "-") {
      action.remove_prefix(1);
      trimTrailingBlanks(out.text);
    }
    trimNext = action.ends_with(" -");
    if (trimNext) {
      action.remove_suffix(1);
    }
    const std::size_t start = action.find_first_not_of(" \t\r\n");
    const std::string_view inner =
        start == std::string_view::npos ? std::string_view() : action.substr(start);
    i = close + 2;
    if (inner.starts_with("/*")) {
      continue;  // a comment prints nothing in Go either
    }
    const std::string written =
        "{{" + std::string(source.substr(open + 2, close - open - 2)) + "}}";
    const Mapped mapped = mapAction(inner);
    if (mapped.action.empty()) {
      out.changes.push_back({open, written + " is left out"});
      continue;
    }
    out.text += "{{ " + mapped.action + " }}";
    if (!mapped.exact) {
      out.changes.push_back({open, written + " is shown as {{ " + mapped.action + " }}"});
    }
  }
  return out;
}

}  // namespace nova::rules::detail
