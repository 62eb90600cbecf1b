#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nova::rules::detail {

/// A Prometheus annotation template (Go text/template) rewritten into the agent's template
/// language (`{{ $value }}`, `{{ $value | humanize }}`, `{{ $labels.<name> }}`).
struct TranslatedTemplate {
  std::string text;
  /// One entry per action that could not be kept as written: the byte offset of its `{{`
  /// in the source, and what became of it ("... is shown as {{ $value }}").
  struct Change {
    std::size_t offset = 0;
    std::string message;
  };
  std::vector<Change> changes;
};

/// Rewrites `source`: `$value`/`.Value` and `$labels.x`/`.Labels.x`/`index $labels "x"`
/// are kept, `humanize`, `humanizePercentage` and `humanizeDuration` as a pipe or a call;
/// other actions that print the value or one label (printf, humanize1024, ...) print it
/// plainly; control structures and other variables ($externalLabels, $externalURL,
/// queries) are dropped. Comments are dropped and `{{-`/`-}}` trim the text beside them,
/// as in Go. Pure.
TranslatedTemplate translatePrometheusTemplate(std::string_view source);

}  // namespace nova::rules::detail
