#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "import_failure.h"
#include "nova/core/time.h"
#include "nova/rules/import.h"

namespace nova::rules::detail {

/// A YAML document of an input file.
struct Document {
  YAML::Node node;
  std::string file;
};

/// `node[key]` when `node` is a mapping that has `key`, else an undefined node (false in a
/// test), so that lookups can be chained over missing fields without yaml-cpp throwing.
YAML::Node field(const YAML::Node& node, const char* key);

/// `node`'s scalar text, or `fallback` when it is not a scalar.
std::string scalarOr(const YAML::Node& node, std::string fallback = "");

/// One rule an importer made, before it is written out.
struct ImportedRule {
  std::string name;
  std::string description;
  RuleParts parts;
  DurationMs forDuration = 0;
  std::string summary;
  /// Comment lines written above the rule: where it came from, and what differs.
  std::vector<std::string> comments;
};

/// The rules and findings of one import, shared by the importers.
class ImportLog {
 public:
  explicit ImportLog(const ImportOptions& options) : options_(options) {}

  const ImportOptions& options() const { return options_; }
  /// The file whose documents are being read (names the places in the report).
  void setFile(std::string fileName) { file_ = std::move(fileName); }

  /// "file:line:col" of `node`.
  std::string at(const YAML::Node& node) const;
  /// Adds `rule` under a name no other imported rule has (its own, else `owner/name`, then
  /// `#2`, `#3`...) and reports what it was converted from.
  void add(const YAML::Node& node, const std::string& what, const std::string& owner,
           ImportedRule rule);
  /// Reports `what` as not converted, and why.
  void refuse(const YAML::Node& node, const std::string& what, const std::string& why);
  /// Reports a difference between the source tool's judgement and the agent's.
  void note(const YAML::Node& node, const std::string& message);

  std::vector<ImportedRule>& rules() { return rules_; }
  std::vector<std::string>& report() { return report_; }
  std::size_t converted() const { return converted_; }
  std::size_t notConverted() const { return notConverted_; }
  /// Counts one more finding that was not converted (the check of the output failed).
  void countNotConverted() { ++notConverted_; }

 private:
  const ImportOptions& options_;
  std::string file_;
  std::vector<ImportedRule> rules_;
  std::set<std::string, std::less<>> names_;
  std::vector<std::string> report_;
  std::size_t converted_ = 0;
  std::size_t notConverted_ = 0;
};

/// `text` with every `{{ NAME }}` replaced by lookup(NAME) (NAME trimmed); `missing` is the
/// first NAME lookup had no value for (the text then keeps it).
struct Filled {
  std::string text;
  std::optional<std::string> missing;
};
Filled fillPlaceholders(std::string_view text,
                        const std::function<std::optional<std::string>(std::string_view)>& lookup);

/// A query's PromQL, checked as the agent will load it for `source` (the local engine's
/// PromQL for scrape); nullopt with `why` when it would be refused.
std::optional<QueryText> checkQuery(const std::string& query, RuleSource source, std::string& why);

/// An Argo Rollouts AnalysisTemplate or ClusterAnalysisTemplate document.
void importAnalysisTemplate(const Document& doc, ImportLog& log);

/// Flagger Canary documents, with the MetricTemplates of the whole input; a template no
/// Canary uses is reported.
void importCanaries(const std::vector<Document>& canaries, const std::vector<Document>& templates,
                    ImportLog& log);

/// The rule file: a header, then each rule with its comments. Pure.
std::string writeRuleFile(const std::vector<ImportedRule>& rules,
                          const std::vector<std::string>& header, const ImportOptions& options);

}  // namespace nova::rules::detail
