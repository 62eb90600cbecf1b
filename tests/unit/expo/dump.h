#pragma once

// Compact canonical dumps of parse results, so golden tables compare one string per case.

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

#include "nova/expo/parser.h"

namespace nova::expo::testing {

inline std::string formatValue(double v) {
  if (std::isnan(v)) {
    return "NaN";
  }
  char buf[40];
  const auto res = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, res.ptr);
}

/// `<type> <name>{a="x",b="y"} <value>[ @<ts>]`, labels in body order, values unescaped with
/// `\n` and `"` shown escaped.
inline std::string dump(const SampleView& s) {
  std::string out(toString(s.type));
  out += ' ';
  out += s.name;
  out += '{';
  bool first = true;
  for (const LabelView& label : s.labels) {
    if (!first) {
      out += ',';
    }
    first = false;
    out += label.name;
    out += "=\"";
    appendEscapedLabelValue(out, label.value);
    out += '"';
  }
  out += "} ";
  out += formatValue(s.value);
  if (s.timestamp) {
    out += " @" + std::to_string(*s.timestamp);
  }
  return out;
}

/// Every sample dumped, one per line, then "error: <line:col: message>" if the parse failed.
inline std::string dumpAll(std::string_view body, ParseLimits limits = {}) {
  Parser parser(body, limits);
  SampleView view;
  std::string out;
  while (parser.next(view)) {
    out += dump(view);
    out += '\n';
  }
  if (parser.error()) {
    out += "error: " + parser.error()->toString() + "\n";
  }
  return out;
}

/// Just the error text, or "" when the body parsed.
inline std::string errorOf(std::string_view body, ParseLimits limits = {}) {
  Parser parser(body, limits);
  SampleView view;
  while (parser.next(view)) {
  }
  return parser.error() ? parser.error()->toString() : std::string();
}

}  // namespace nova::expo::testing
