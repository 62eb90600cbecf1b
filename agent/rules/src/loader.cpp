#include "nova/rules/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <map>
#include <sstream>

#include "nova/rules/detail/context.h"
#include "nova/rules/detail/fields.h"
#include "nova/rules/detail/rule_loader.h"
#include "prometheus_loader.h"
#include "round_memory.h"

namespace nova::rules {
namespace {

constexpr std::array<std::string_view, 3> kTopKeys{"rules", "policy", "source"};

void loadRules(const YAML::Node& list, detail::LoadContext& ctx, RuleSet& out,
               const detail::SourceChoice& fileSource) {
  if (!list.IsSequence()) {
    ctx.error(list, "rules must be a list of rules");
    return;
  }
  std::map<std::string, int, std::less<>> firstLine;
  std::size_t count = 0;
  for (const YAML::Node& node : list) {
    if (++count > kMaxRulesPerFile) {
      ctx.error(node, detail::tooManyRules());
      return;
    }
    auto rule = detail::loadRule(node, ctx, fileSource);
    const YAML::Node name = node.IsMap() ? node["name"] : YAML::Node();
    if (name && name.IsScalar()) {
      const auto [it, fresh] = firstLine.emplace(name.Scalar(), name.Mark().line + 1);
      if (!fresh) {
        ctx.error(name, "duplicate rule name \"" + name.Scalar() + "\" (first defined at line " +
                            std::to_string(it->second) + ")");
        continue;
      }
    }
    if (rule) {
      out.rules.push_back(std::move(*rule));
    }
  }
}

void loadDocument(const YAML::Node& root, detail::LoadContext& ctx, RuleSet& out) {
  if (root.IsNull()) {
    ctx.error(detail::FilePos{1, 1},
              "empty rule file (expected `rules:` and optionally `policy:`)");
    return;
  }
  if (!detail::checkKeys(root, kTopKeys, "rule file", ctx)) {
    return;
  }
  // A file's `source:` is where its rules are evaluated unless they say otherwise.
  detail::SourceChoice fileSource;
  if (root["source"]) {
    fileSource = detail::readSource(root["source"], ctx).value_or(detail::SourceChoice{});
  }
  if (root["rules"]) {
    loadRules(root["rules"], ctx, out, fileSource);
  } else {
    ctx.error(root, "rule file: missing required field rules");
  }
  if (root["policy"]) {
    out.policy = detail::loadPolicy(root["policy"], ctx);
    out.hasPolicy = true;
    if (!ctx.failed()) {
      if (Status valid = policy::validate(out.policy); !valid) {
        ctx.error(root["policy"], valid.error().message);
      }
    }
  }
}

}  // namespace

const Rule* RuleSet::find(std::string_view name) const {
  for (const Rule& rule : rules) {
    if (rule.name == name) {
      return &rule;
    }
  }
  return nullptr;
}

std::string Diagnostic::toString() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

LoadReport loadDetailed(std::string_view yamlText, std::string_view fileName) {
  detail::LoadContext ctx(yamlText, fileName);
  RuleSet ruleSet;
  std::vector<Diagnostic> notes;
  // yaml-cpp reports malformed YAML and some conversions by exception; they stop here.
  try {
    const YAML::Node root = YAML::Load(std::string(yamlText));
    // The format is told from the document's shape; the agent's own is the default.
    if (detail::isAgentFormat(root)) {
      loadDocument(root, ctx, ruleSet);
    } else {
      notes = detail::loadOtherFormat(root, ctx, fileName, ruleSet);
    }
  } catch (const YAML::Exception& e) {
    ctx.yamlError(e);
  } catch (const std::exception& e) {
    ctx.error(detail::FilePos{1, 1}, e.what());
  }
  // Guards remember whether they have ever had data (evaluator.h), and every round its
  // series lists and running windows for the next, in the set's memory.
  if (!ruleSet.memory) {
    ruleSet.memory = detail::newRoundMemory();
  }
  LoadReport report;
  report.diagnostics = ctx.takeDiagnostics();
  report.notes = std::move(notes);
  if (report.diagnostics.empty()) {
    report.ruleSet = std::move(ruleSet);
  }
  return report;
}

Result<RuleSet> load(std::string_view yamlText, std::string_view fileName) {
  LoadReport report = loadDetailed(yamlText, fileName);
  if (report.ok()) {
    return std::move(*report.ruleSet);
  }
  std::ostringstream message;
  for (std::size_t i = 0; i < report.diagnostics.size(); ++i) {
    message << (i == 0 ? "" : "\n") << report.diagnostics[i].toString();
  }
  return Error(ErrorCode::kInvalidInput, message.str());
}

Status merge(RuleSet& into, RuleSet more) {
  for (const Rule& rule : more.rules) {
    if (into.find(rule.name) != nullptr) {
      return Error(ErrorCode::kInvalidInput, "duplicate rule name \"" + rule.name + "\"");
    }
  }
  for (Rule& rule : more.rules) {
    into.rules.push_back(std::move(rule));
  }
  for (RecordingRule& recording : more.recordings) {
    into.recordings.push_back(std::move(recording));
  }
  if (!into.memory) {
    into.memory = std::move(more.memory);
  }
  if (!into.hasPolicy && more.hasPolicy) {
    into.policy = more.policy;
    into.hasPolicy = true;
  }
  return {};
}

}  // namespace nova::rules
