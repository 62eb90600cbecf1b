#pragma once

#include <string>
#include <string_view>

namespace nova::testing {

/// The absolute path of `name`: itself when it contains a '/' and is executable, else the
/// first executable `name` on PATH. A test that needs the tool calls this (the launcher does
/// for argv[0]): a missing one throws std::runtime_error "<name> not found: install
/// <package>", so the test fails; CI installs these tools, missing means broken.
std::string requireTool(std::string_view name, std::string_view package);

/// A TCP port on 127.0.0.1 that was free a moment ago, for programs that cannot report the
/// port they bound (nginx, Alertmanager). Another process may take it meanwhile: callers
/// retry on a bind failure.
int freeLoopbackPort();

}  // namespace nova::testing
