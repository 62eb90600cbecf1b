// `novactl rules import`: analysis resources of Argo Rollouts and Flagger into agent rules.
#include "nova/rules/import.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include "import_common.h"
#include "nova/rules/loader.h"

namespace nova::rules {
namespace {

using detail::Document;

struct Sorted {
  std::vector<Document> analysisTemplates;
  std::vector<Document> canaries;
  std::vector<Document> metricTemplates;
};

// Sorts the documents of one input by kind; the others are noted and skipped.
void sortDocuments(const ImportInput& input, Sorted& sorted, detail::ImportLog& log,
                   ImportResult& result) {
  log.setFile(input.fileName);
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(input.text);
  } catch (const YAML::Exception& e) {
    const int line = e.mark.is_null() ? 1 : e.mark.line + 1;
    const int column = e.mark.is_null() ? 1 : e.mark.column + 1;
    const bool deep = dynamic_cast<const YAML::DeepRecursion*>(&e) != nullptr;
    log.report().push_back(input.fileName + ":" + std::to_string(line) + ":" +
                           std::to_string(column) + ": not converted: " +
                           (deep ? std::string("nested too deeply for the YAML parser")
                                 : "the file is not YAML: " + e.msg));
    log.countNotConverted();
    return;
  }
  (void)result;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    const YAML::Node& doc = documents[i];
    if (doc.IsNull()) {
      continue;
    }
    const std::string kind = detail::scalarOr(detail::field(doc, "kind"));
    const std::string api = detail::scalarOr(detail::field(doc, "apiVersion"));
    if ((kind == "AnalysisTemplate" || kind == "ClusterAnalysisTemplate") &&
        api.starts_with("argoproj.io/")) {
      sorted.analysisTemplates.push_back({doc, input.fileName});
    } else if (kind == "Canary" && api.starts_with("flagger.app/")) {
      sorted.canaries.push_back({doc, input.fileName});
    } else if (kind == "MetricTemplate" && api.starts_with("flagger.app/")) {
      sorted.metricTemplates.push_back({doc, input.fileName});
    } else {
      log.note(doc, "document " + std::to_string(i + 1) + " (" +
                        (kind.empty() ? std::string("no kind") : api + " " + kind) +
                        ") is skipped: only Argo Rollouts AnalysisTemplates and Flagger "
                        "Canaries with their MetricTemplates are imported");
    }
  }
}

std::vector<std::string> header(std::span<const ImportInput> inputs, const ImportOptions& o) {
  std::string files;
  for (const ImportInput& input : inputs) {
    files += (files.empty() ? "" : ", ") + input.fileName;
  }
  return {"Agent rules converted by `novactl rules import` from " + files + ".",
          "Each rule breaches when the source tool would count a measurement failed; its "
          "comments say where it came from and where the agent judges differently. Severity " +
              std::string(toString(o.severity)) + " (--severity), source " +
              std::string(toString(o.source)) + " (--source)."};
}

// The output must load as it will be used; a difference is a fault of the importer.
void checkOutput(detail::ImportLog& log, ImportResult& result) {
  const LoadReport report = loadDetailed(result.yaml, "imported rules");
  for (const Diagnostic& d : report.diagnostics) {
    log.report().push_back(d.toString() + " (not converted: the generated rule does not load)");
    log.countNotConverted();
  }
  if (!report.ok()) {
    result.yaml.clear();
    return;
  }
  for (const detail::ImportedRule& rule : log.rules()) {
    const Rule* loaded = report.ruleSet->find(rule.name);
    if (loaded == nullptr || loaded->expr != rule.parts.expr) {
      log.report().push_back("rule \"" + rule.name +
                             "\": not converted: the generated rule reads back differently");
      log.countNotConverted();
      result.yaml.clear();
    }
  }
}

}  // namespace

ImportResult importRules(std::span<const ImportInput> inputs, const ImportOptions& options) {
  ImportResult result;
  detail::ImportLog log(options);
  Sorted sorted;
  for (const ImportInput& input : inputs) {
    sortDocuments(input, sorted, log, result);
  }
  try {
    for (const Document& doc : sorted.analysisTemplates) {
      detail::importAnalysisTemplate(doc, log);
    }
    detail::importCanaries(sorted.canaries, sorted.metricTemplates, log);
  } catch (const std::exception& e) {
    log.report().push_back(std::string("not converted: unexpected input: ") + e.what());
    log.countNotConverted();
  }
  if (sorted.analysisTemplates.empty() && sorted.canaries.empty() &&
      sorted.metricTemplates.empty() && log.notConverted() == 0) {
    log.report().push_back(
        (inputs.empty() ? std::string("input") : inputs.front().fileName + ":1:1") +
        ": not converted: no AnalysisTemplate, ClusterAnalysisTemplate, Canary or "
        "MetricTemplate in the input");
    log.countNotConverted();
  }
  if (!log.rules().empty()) {
    result.yaml = detail::writeRuleFile(log.rules(), header(inputs, options), options);
    checkOutput(log, result);
  }
  result.report = std::move(log.report());
  result.converted = result.yaml.empty() ? 0 : log.converted();
  result.notConverted = log.notConverted();
  return result;
}

}  // namespace nova::rules
