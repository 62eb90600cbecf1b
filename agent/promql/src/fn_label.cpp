// label_replace and label_join.
#include "fn_label.h"

#include <re2/re2.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "eval_labels.h"
#include "nova/core/text.h"

namespace nova::promql::detail {
namespace {

bool isValidLabelName(std::string_view name) {
  // Prometheus 3 accepts any non-empty UTF-8 label name.
  return !name.empty() && isValidUtf8(name);
}

bool isNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Go's Regexp.Expand: $1, ${1}, $name, ${name}, $$; unknown groups expand to nothing.
std::string expand(std::string_view templ, const std::vector<re2::StringPiece>& groups,
                   const std::map<std::string, int>& named) {
  std::string out;
  for (std::size_t i = 0; i < templ.size(); ++i) {
    if (templ[i] != '$' || i + 1 == templ.size()) {
      out += templ[i];
      continue;
    }
    std::string_view name;
    std::size_t next = i + 1;
    if (templ[next] == '$') {
      out += '$';
      i = next;
      continue;
    }
    if (templ[next] == '{') {
      const std::size_t close = templ.find('}', next);
      if (close == std::string_view::npos) {
        out += templ[i];
        continue;
      }
      name = templ.substr(next + 1, close - next - 1);
      i = close;
    } else {
      std::size_t end = next;
      while (end < templ.size() && isNameChar(templ[end])) {
        ++end;
      }
      if (end == next) {
        out += templ[i];
        continue;
      }
      name = templ.substr(next, end - next);
      i = end - 1;
    }
    int index = -1;
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string_view::npos) {
      index = name.size() < 6 ? std::stoi(std::string(name)) : -1;
    } else if (auto it = named.find(std::string(name)); it != named.end()) {
      index = it->second;
    }
    if (index >= 0 && static_cast<std::size_t>(index) < groups.size()) {
      out.append(groups[index].data(), groups[index].size());
    }
  }
  return out;
}

}  // namespace

Result<EvalVector> labelReplace(EvalVector in, const std::string& dst, const std::string& repl,
                                const std::string& src, const std::string& regex) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_dot_nl(true);
  const RE2 re("^(?s:" + regex + ")$", options);
  if (!re.ok()) {
    return Error{ErrorCode::kInvalidInput,
                 "invalid regular expression in label_replace(): " + regex};
  }
  if (!isValidLabelName(dst)) {
    return Error{ErrorCode::kInvalidInput,
                 "invalid destination label name in label_replace(): " + dst};
  }
  std::vector<re2::StringPiece> groups(static_cast<std::size_t>(re.NumberOfCapturingGroups()) + 1);
  for (auto& sample : in) {
    const std::string value(sample.labels.get(src));
    if (!re.Match(value, 0, value.size(), RE2::UNANCHORED, groups.data(),
                  static_cast<int>(groups.size()))) {
      continue;
    }
    const std::string result = expand(repl, groups, re.NamedCapturingGroups());
    sample.labels = LabelsBuilder(sample.labels).set(dst, result).build();
    // Writing __name__ explicitly keeps it, even after a function that would drop it.
    if (dst == kMetricNameLabel) {
      sample.dropName = false;
    }
  }
  if (auto st = checkUniqueLabels(in); !st) {
    return st.error();
  }
  return in;
}

Result<EvalVector> labelJoin(EvalVector in, const std::string& dst, const std::string& separator,
                             const std::vector<std::string>& sources) {
  for (const std::string& source : sources) {
    if (!isValidLabelName(source)) {
      return Error{ErrorCode::kInvalidInput,
                   "invalid source label name in label_join(): " + source};
    }
  }
  if (!isValidLabelName(dst)) {
    return Error{ErrorCode::kInvalidInput,
                 "invalid destination label name in label_join(): " + dst};
  }
  for (auto& sample : in) {
    std::string joined;
    for (std::size_t i = 0; i < sources.size(); ++i) {
      if (i > 0) {
        joined += separator;
      }
      joined += sample.labels.get(sources[i]);
    }
    sample.labels = LabelsBuilder(sample.labels).set(dst, joined).build();
    if (dst == kMetricNameLabel) {
      sample.dropName = false;
    }
  }
  if (auto st = checkUniqueLabels(in); !st) {
    return st.error();
  }
  return in;
}

}  // namespace nova::promql::detail
