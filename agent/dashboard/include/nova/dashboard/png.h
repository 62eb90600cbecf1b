#pragma once

#include <string>
#include <string_view>

#include "nova/core/result.h"

namespace nova::dashboard {

/// Renders an SVG document (renderChartSvg's) to PNG bytes for chat tools that do not show
/// SVG, at `scale` times its intrinsic size (2 for sharp text on high-density screens).
/// Uses librsvg in-process (the SVG renderer of GNOME, with Pango's text layout and the
/// system's fonts), so axis labels look as they do in a browser. Lives in its own target,
/// nova::dashboard_png, so only programs that write reports link librsvg and cairo.
/// Errors: kInvalidInput for a document librsvg cannot read, one without a size, or one
/// larger than 8192 px on a side after scaling; kInternal when cairo fails. Thread-safe.
Result<std::string> svgToPng(std::string_view svg, double scale = 1.0);

}  // namespace nova::dashboard
