// promql_conformance: runs the Prometheus promqltest scripts against the local engine.
//
//   promql_conformance [--classify-list FILE]... [--verbose] [DIR|FILE.test ...]
//
// Prints one line per in-subset case that does not pass, then
// "promql conformance: N of M in-subset cases pass (K out of subset)". With
// --classify-list (repeatable), every case listed in each file (classify.py --list output)
// must have run as in-subset. Exits non-zero when an in-subset case does not pass, a script
// cannot be read, or a cross-check finds a listed case we did not run.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "report.h"
#include "runner.h"
#include "script.h"

namespace fs = std::filesystem;
using namespace nova::conformance;

namespace {

struct Args {
  std::vector<fs::path> paths;
  std::vector<std::string> classifyLists;
  bool verbose = false;
};

bool parseArgs(int argc, char** argv, Args& args) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--classify-list" && i + 1 < argc) {
      args.classifyLists.emplace_back(argv[++i]);
    } else if (arg == "--verbose" || arg == "-v") {
      args.verbose = true;
    } else if (arg.starts_with("-")) {
      std::cerr << "usage: promql_conformance [--classify-list FILE]... [--verbose] "
                   "[DIR|FILE ...]\n";
      return false;
    } else {
      args.paths.emplace_back(arg);
    }
  }
  if (args.paths.empty()) {
    args.paths.emplace_back(fs::path(NOVA_SHARED_DIR) / "conformance/prometheus/promqltest");
  }
  return true;
}

std::vector<fs::path> scriptFiles(const std::vector<fs::path>& paths) {
  std::vector<fs::path> files;
  for (const fs::path& p : paths) {
    if (!fs::is_directory(p)) {
      files.push_back(p);
      continue;
    }
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(p)) {
      if (entry.path().extension() == ".test") {
        found.push_back(entry.path());
      }
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parseArgs(argc, argv, args)) {
    return 2;
  }
  Report report;
  for (const fs::path& file : scriptFiles(args.paths)) {
    std::ifstream in(file);
    if (!in) {
      report.fileError(file.string() + ": cannot read");
      continue;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto commands = readScript(text.str());
    if (!commands) {
      report.fileError(file.filename().string() + ": " + commands.error().message);
      continue;
    }
    ScriptRunner runner(file.filename().string());
    report.add(runner.run(*commands));
    for (const std::string& error : runner.loadErrors()) {
      report.fileError(error);
    }
  }
  report.print(std::cout, args.verbose);
  bool ok = report.allPass();
  for (const std::string& list : args.classifyLists) {
    ok = report.crossCheck(list, std::cout) && ok;
  }
  return ok ? 0 : 1;
}
