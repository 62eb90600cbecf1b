#pragma once

// Shared by the SVG renderer's files: the plot frame, the palette, and the labels.

#include <array>
#include <span>
#include <string>

#include "nova/dashboard/chart_data.h"
#include "svg_scale.h"

namespace nova::dashboard::detail {

// Okabe-Ito: told apart with colour-vision deficiencies; dashes tell targets apart in grey.
inline constexpr const char* kAggregateColour = "#0072B2";
inline constexpr std::array<const char*, 6> kTargetColours{"#E69F00", "#009E73", "#CC79A7",
                                                           "#56B4E9", "#D55E00", "#000000"};
inline constexpr std::array<const char*, 6> kTargetDashes{"6 3",  "2 3",     "8 3 2 3",
                                                          "12 4", "4 2 1 2", "1 2"};
inline constexpr const char* kThresholdColour = "#D55E00";
inline constexpr const char* kBreachColour = "#D62728";

struct Frame {
  int width = 0;
  int height = 0;
  double left = 72;
  double right = 0;
  double top = 44;
  double bottom = 0;
  detail::Scale x;
  detail::Scale y;
};

/// A <text> element with `body` escaped.
std::string svgText(double x, double y, const std::string& cls, const std::string& body,
                    const std::string& extra = "");

/// A dashed vertical line and a label per marker inside the window.
void drawMarkers(std::string& out, std::span<const Marker> markers, const ChartData& c,
                 const Frame& f);

/// One legend entry per line drawn, under the x axis.
void drawLegend(std::string& out, const ChartData& c, const Frame& f);

}  // namespace nova::dashboard::detail
