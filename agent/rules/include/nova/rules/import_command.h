#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace nova::rules {

/// The arguments of `novactl rules import`, as written on the command line.
struct ImportCommand {
  std::vector<std::string> files;
  /// Where the rule file goes; stdout when empty.
  std::string output;
  /// NAME=VALUE, one per --arg.
  std::vector<std::string> args;
  std::string severity = "critical";
  std::string source = "scrape";
};

/// `novactl rules import FILE... [-o OUT]`: reads the files (at most 4 MiB each), converts
/// them with importRules, writes the rule file to `output` (replacing it durably) or `out`,
/// and the report, one finding per line, to `err`. Returns 0 when everything found was
/// converted, 1 when something was not (what was converted is still written), 2 on a bad
/// argument or a file that cannot be read or written.
int runRulesImport(const ImportCommand& command, std::ostream& out, std::ostream& err);

}  // namespace nova::rules
