#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "nova/core/result.h"

namespace nova::rollout {

/// Turns a chart's SVG into PNG bytes at `scale` times its size, for the report's chat-tool
/// copies. novactl passes librsvg's (nova::dashboard_png); the rollout library does not
/// link it, so nova-agent, which reads rollout records through this library, never loads
/// librsvg and cairo. Empty: the report's charts are SVG only.
using SvgRasterizer = std::function<Result<std::string>(std::string_view svg, double scale)>;

}  // namespace nova::rollout
