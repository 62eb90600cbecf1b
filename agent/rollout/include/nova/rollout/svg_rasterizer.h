#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "nova/core/result.h"

namespace nova::rollout {

/// Turns a chart's SVG into PNG bytes at `scale` times its size, for the report's chat-tool
/// copies. Empty: the report's charts are SVG only.
using SvgRasterizer = std::function<Result<std::string>(std::string_view svg, double scale)>;

/// The rasterizer novactl uses: librsvg's `rsvg-convert` program (Debian's librsvg2-bin), run
/// as a child process with a 30 s bound. A program rather than a linked library, so neither
/// binary needs librsvg, cairo or Pango to start (the container image carries none of them)
/// and a report written where the program is missing says so and keeps its SVG and HTML.
/// `program` is a name looked up on PATH or a path. Each call works in a temporary folder of
/// its own and removes it. Errors: kUnavailable when the program is not installed;
/// kInvalidInput for a scale outside (0, 8] or an SVG it refuses (its message); kTimeout;
/// kInternal when the folder or files cannot be made. Thread-safe.
SvgRasterizer rsvgConvert(std::string program = "rsvg-convert");

}  // namespace nova::rollout
