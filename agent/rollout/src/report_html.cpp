// The report's HTML version: the Markdown renderReport writes, read line by line (it uses
// a small, fixed subset), with the chart images inlined as SVG so the page stands alone.
#include <sstream>

#include "nova/dashboard/svg.h"
#include "nova/rollout/report_files.h"

namespace nova::rollout {
namespace {

constexpr const char* kStyle =
    "body{font-family:'DejaVu Sans',sans-serif;max-width:820px;margin:2em auto;padding:0 1em;"
    "color:#111;line-height:1.4}svg{max-width:100%;height:auto}figure{margin:1em 0}";

// `text` escaped, with **bold** spans as <strong>.
std::string inline_(std::string_view text) {
  std::string out;
  bool bold = false;
  std::size_t from = 0;
  for (std::size_t at = text.find("**"); at != std::string_view::npos; at = text.find("**", from)) {
    out += dashboard::escapeXml(text.substr(from, at - from));
    out += bold ? "</strong>" : "<strong>";
    bold = !bold;
    from = at + 2;
  }
  out += dashboard::escapeXml(text.substr(from));
  if (bold) {
    out += "</strong>";
  }
  return out;
}

// "![alt](file)" as alt and file; false for any other line.
bool image(std::string_view line, std::string& alt, std::string& file) {
  if (!line.starts_with("![") || !line.ends_with(")")) {
    return false;
  }
  const std::size_t close = line.find("](");
  if (close == std::string_view::npos) {
    return false;
  }
  alt = std::string(line.substr(2, close - 2));
  file = std::string(line.substr(close + 2, line.size() - close - 3));
  return true;
}

}  // namespace

std::string renderReportHtml(std::string_view markdown,
                             const std::map<std::string, std::string>& svgs) {
  std::ostringstream body;
  std::string title = "Deployment Report";
  bool inList = false;
  std::istringstream lines{std::string(markdown)};
  for (std::string line; std::getline(lines, line);) {
    const bool item = line.starts_with("- ");
    if (inList && !item) {
      body << "</ul>\n";
      inList = false;
    }
    std::string alt;
    std::string file;
    if (line.empty()) {
      continue;
    }
    if (line.starts_with("# ")) {
      title = line.substr(2);
      body << "<h1>" << inline_(title) << "</h1>\n";
    } else if (line.starts_with("## ")) {
      body << "<h2>" << inline_(line.substr(3)) << "</h2>\n";
    } else if (item) {
      if (!inList) {
        body << "<ul>\n";
        inList = true;
      }
      body << "<li>" << inline_(line.substr(2)) << "</li>\n";
    } else if (image(line, alt, file)) {
      const auto svg = svgs.find(file);
      body << "<figure>";
      if (svg != svgs.end()) {
        body << svg->second;
      }
      body << "<figcaption>" << inline_(alt) << "</figcaption></figure>\n";
    } else {
      body << "<p>" << inline_(line) << "</p>\n";
    }
  }
  if (inList) {
    body << "</ul>\n";
  }
  // Void elements closed XML-style too, so XML tools (and tests) can read the page.
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>" +
         dashboard::escapeXml(title) + "</title><style>" + kStyle + "</style></head><body>\n" +
         body.str() + "</body></html>\n";
}

}  // namespace nova::rollout
