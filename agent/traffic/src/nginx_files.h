#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/result.h"

namespace nova::traffic::detail {

/// The include text for an upstream served by `server` ("HOST:PORT"): a comment line
/// (`note`, newlines removed) and one `server HOST:PORT;` line.
std::string renderUpstream(std::string_view server, std::string_view note);

/// One `server` directive of an include: its address and its weight (nginx's default 1).
struct UpstreamServer {
  std::string address;
  std::int64_t weight = 1;
};

/// The `server` directives of an include, in order, with their `weight=N` parameters.
std::vector<UpstreamServer> upstreamServerWeights(std::string_view text);

/// The include text for blue and green sharing traffic: a comment line and one `server`
/// line each with `weight=N` (both weights at least 1, as nginx requires).
std::string renderWeightedUpstream(std::string_view blue, std::int64_t blueWeight,
                                   std::string_view green, std::int64_t greenWeight,
                                   std::string_view note);

/// The addresses of the `server` directives in an include, in order; comments and other
/// directives are skipped ("server 10.0.0.1:80 max_fails=3;" gives "10.0.0.1:80").
std::vector<std::string> upstreamServers(std::string_view text);

/// The include file's text, bounded (an include holds a line or two): errors name the path
/// with readFile's code.
Result<std::string> readInclude(const std::string& path);

/// Replaces the include with `content` so that readers (nginx) see the old file or the new
/// one, never a torn one, durably (core writeFileDurably: temporary file, fsync, rename,
/// folder fsync), keeping the old file's permission bits whatever the umask.
Status replaceInclude(const std::string& path, std::string_view content);

}  // namespace nova::traffic::detail
