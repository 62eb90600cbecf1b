#include "report.h"

#include <filesystem>
#include <fstream>
#include <map>

namespace nova::conformance {
namespace {

constexpr std::size_t kMaxDetail = 400;

std::string clip(std::string text) {
  if (text.size() > kMaxDetail) {
    text.resize(kMaxDetail);
    text += "...";
  }
  return text;
}

}  // namespace

void Report::add(std::vector<CaseResult> results) {
  for (CaseResult& r : results) {
    results_.push_back(std::move(r));
  }
}

void Report::print(std::ostream& out, bool verbose) const {
  std::size_t inSubset = 0;
  std::size_t passed = 0;
  for (const CaseResult& r : results_) {
    inSubset += r.inSubset() ? 1 : 0;
    passed += r.outcome == Outcome::kPass ? 1 : 0;
    switch (r.outcome) {
      case Outcome::kFail:
        out << "FAIL " << r.key() << ": " << r.expr << ": " << clip(r.detail) << "\n";
        break;
      case Outcome::kSkippedInSubset:
        out << "SKIP " << r.key() << ": " << r.expr << ": in subset, not run: " << r.detail << "\n";
        break;
      case Outcome::kOutOfSubset:
        if (verbose) {
          out << "OUT  " << r.key() << ": " << r.expr << ": " << clip(r.detail) << "\n";
        }
        break;
      case Outcome::kPass:
        if (verbose) {
          out << "PASS " << r.key() << ": " << r.expr << "\n";
        }
        break;
    }
  }
  for (const std::string& error : fileErrors_) {
    out << "ERROR " << error << "\n";
  }
  out << "promql conformance: " << passed << " of " << inSubset << " in-subset cases pass ("
      << results_.size() - inSubset << " out of subset)\n";
}

bool Report::allPass() const {
  if (!fileErrors_.empty()) {
    return false;
  }
  for (const CaseResult& r : results_) {
    if (r.inSubset() && r.outcome != Outcome::kPass) {
      return false;
    }
  }
  return true;
}

bool Report::crossCheck(const std::string& path, std::ostream& out) const {
  std::ifstream in(path);
  if (!in) {
    out << "cross-check: cannot read " << path << "\n";
    return false;
  }
  std::map<std::string, const CaseResult*> byKey;
  for (const CaseResult& r : results_) {
    byKey[r.key()] = &r;
  }
  std::size_t listed = 0;
  std::size_t missing = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) {
      continue;
    }
    ++listed;
    const std::string key = line.substr(0, line.find('\t'));
    const auto it = byKey.find(key);
    if (it == byKey.end()) {
      out << "MISSING " << key << ": listed by classify.py but not run (script not read?)\n";
      ++missing;
    } else if (!it->second->inSubset()) {
      out << "MISSING " << key << ": " << it->second->expr
          << ": listed by classify.py but out of subset here: " << clip(it->second->detail) << "\n";
      ++missing;
    }
  }
  out << "classify.py cross-check (" << std::filesystem::path(path).filename().string()
      << "): " << listed - missing << " of " << listed << " listed cases ran in subset\n";
  return missing == 0 && listed > 0;
}

}  // namespace nova::conformance
