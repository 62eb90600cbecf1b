// Writes imported rules as a rule file in the agent's format, comments first.
#include <cstdio>

#include "import_common.h"

namespace nova::rules::detail {
namespace {

constexpr std::size_t kWidth = 96;

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escape[8];
          std::snprintf(escape, sizeof escape, "\\x%02x", static_cast<unsigned char>(c));
          out += escape;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// An expression as a literal block, indented under its key, so that it reads as written;
// quoted when a block cannot hold it exactly (leading blanks, carriage returns).
std::string scalar(std::string_view text, const std::string& indent) {
  const bool block = !text.empty() && text.front() != ' ' && text.front() != '\t' &&
                     text.front() != '\n' && text.find('\r') == std::string_view::npos;
  if (!block) {
    return quoted(text);
  }
  while (!text.empty() && text.back() == '\n') {
    text.remove_suffix(1);
  }
  std::string out = "|-";
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = text.substr(start, end - start);
    out += "\n" + (line.empty() ? std::string() : indent + std::string(line));
    start = end + 1;
  }
  return out;
}

void comment(std::string& out, const std::string& indent, std::string_view text) {
  const std::size_t room = kWidth - indent.size() - 2;
  while (!text.empty()) {
    std::size_t cut = text.size();
    if (cut > room) {
      cut = text.rfind(' ', room);
      if (cut == std::string_view::npos || cut == 0) {
        cut = std::min(text.find(' ', room), text.size());
      }
    }
    out += indent + "# " + std::string(text.substr(0, cut)) + "\n";
    text.remove_prefix(std::min(cut + 1, text.size()));
  }
}

}  // namespace

std::string writeRuleFile(const std::vector<ImportedRule>& rules,
                          const std::vector<std::string>& header, const ImportOptions& options) {
  std::string out;
  for (const std::string& line : header) {
    comment(out, "", line);
  }
  out += "rules:\n";
  const std::string key = "    ";
  const std::string value = "      ";
  for (const ImportedRule& rule : rules) {
    out += "\n";
    for (const std::string& line : rule.comments) {
      comment(out, "  ", line);
    }
    out += "  - name: " + quoted(rule.name) + "\n";
    out += key + "description: " + quoted(rule.description) + "\n";
    out += key + "expr: " + scalar(rule.parts.expr, value) + "\n";
    if (rule.parts.guard) {
      out += key + "guard: " + scalar(*rule.parts.guard, value) + "\n";
    }
    out += key + "threshold: " + quoted(rule.parts.threshold.toString()) + "\n";
    out += key + "for: " + formatDuration(rule.forDuration) + "\n";
    out += key + "severity: " + std::string(toString(options.severity)) + "\n";
    out += key + "summary: " + quoted(rule.summary) + "\n";
    if (options.source == RuleSource::kPrometheus) {
      out += key + "source: prometheus\n";
    }
  }
  return out;
}

}  // namespace nova::rules::detail
