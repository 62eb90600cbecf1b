#include "annotation_check.h"

#include <re2/re2.h>

#include <vector>

namespace nova::conformance {
namespace {

bool matches(const FailCheck& check, const std::string& text) {
  if (!check.regex) {
    return check.text == text;
  }
  const RE2 re(check.text, RE2::Quiet);
  return re.ok() && RE2::PartialMatch(text, re);
}

std::string list(const std::vector<std::string>& texts) {
  std::string out = "[";
  for (const std::string& t : texts) {
    out += (out.size() > 1 ? "; " : "") + t;
  }
  return out + "]";
}

std::optional<std::string> checkKind(const AnnotationExpectation& e,
                                     const std::vector<std::string>& got, std::string_view kind) {
  const std::string name(kind);
  if (e.required && got.empty()) {
    return "expected " + name + " annotations but got none";
  }
  if (e.none && !got.empty()) {
    return "unexpected " + name + " annotations: " + list(got);
  }
  if (e.checks.empty()) {
    return std::nullopt;
  }
  if (got.empty()) {
    return "expected " + name + " annotations but none were found";
  }
  for (const FailCheck& check : e.checks) {
    bool found = false;
    for (const std::string& text : got) {
      found = found || matches(check, text);
    }
    if (!found) {
      return "expected " + name + " annotation " + (check.regex ? "matching " : "equal to ") +
             "\"" + check.text + "\", found: " + list(got);
    }
  }
  for (const std::string& text : got) {
    bool expected = false;
    for (const FailCheck& check : e.checks) {
      expected = expected || matches(check, text);
    }
    if (!expected) {
      return "unexpected " + name + " annotation \"" + text + "\"";
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> checkAnnotations(const EvalCommand& ev,
                                            const promql::Annotations& annotations,
                                            std::string_view query) {
  std::vector<std::string> warnings;
  std::vector<std::string> infos;
  for (const promql::Annotation& a : annotations) {
    (a.kind == promql::AnnotationKind::kWarning ? warnings : infos).push_back(a.toString(query));
  }
  if (auto diff = checkKind(ev.warnings, warnings, "warn")) {
    return diff;
  }
  return checkKind(ev.infos, infos, "info");
}

}  // namespace nova::conformance
