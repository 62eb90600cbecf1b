#pragma once

// The report's PNGs decoded with cairo (where rsvg-convert and cairo are, NOVA_TEST_PNG) and
// checked for content: their size, and the colours of the series, the threshold and the
// text inside the chart; without them, that none was claimed and the report says why.

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "nova/rollout/svg_rasterizer.h"

#ifdef NOVA_TEST_PNG
#include <cairo.h>

#include <memory>
#endif

namespace nova::rollout {

/// The rasterizer novactl passes, on the program found at configure time; elsewhere one
/// whose program is missing, as on a host without librsvg2-bin.
inline SvgRasterizer testRasterizer() {
#ifdef NOVA_TEST_PNG
  return rsvgConvert(NOVA_RSVG_CONVERT_BIN);
#else
  return rsvgConvert("/nonexistent/rsvg-convert");
#endif
}

#ifdef NOVA_TEST_PNG
struct PngCounts {
  int width = 0;
  int height = 0;
  int inkInPlot = 0;  ///< Pixels in the plot area that are not white.
  int blue = 0;       ///< The aggregate series (#0072B2).
  int orange = 0;     ///< The threshold (#D55E00).
  int dark = 0;       ///< Text and axes.
};

inline PngCounts countPng(const std::filesystem::path& file) {
  std::unique_ptr<cairo_surface_t, void (*)(cairo_surface_t*)> surface(
      cairo_image_surface_create_from_png(file.c_str()), cairo_surface_destroy);
  REQUIRE(cairo_surface_status(surface.get()) == CAIRO_STATUS_SUCCESS);
  cairo_surface_flush(surface.get());
  PngCounts c;
  c.width = cairo_image_surface_get_width(surface.get());
  c.height = cairo_image_surface_get_height(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  const unsigned char* data = cairo_image_surface_get_data(surface.get());
  for (int y = 0; y < c.height; ++y) {
    for (int x = 0; x < c.width; ++x) {
      const auto argb = *reinterpret_cast<const std::uint32_t*>(data + y * stride + 4 * x);
      const auto r = static_cast<int>((argb >> 16) & 0xff);
      const auto g = static_cast<int>((argb >> 8) & 0xff);
      const auto b = static_cast<int>(argb & 0xff);
      // The plot area at scale 2: x 144..1488, y 88..464.
      if (x >= 144 && x < 1488 && y >= 88 && y < 464 && (r < 250 || g < 250 || b < 250)) {
        ++c.inkInPlot;
      }
      c.blue += (b > 150 && r < 80) ? 1 : 0;
      c.orange += (r > 180 && g < 140 && b < 80) ? 1 : 0;
      c.dark += (r < 80 && g < 80 && b < 80) ? 1 : 0;
    }
  }
  return c;
}
#endif

inline void checkReportPngs(const std::filesystem::path& dir, const std::vector<std::string>& files,
                            const std::string& markdown) {
  const auto pngs = std::count_if(files.begin(), files.end(),
                                  [](const std::string& f) { return f.ends_with(".png"); });
#ifdef NOVA_TEST_PNG
  REQUIRE(pngs == 4);
  CHECK(markdown.find("PNG for chat tools: r-42-report-latency.png, r-42-report-errors.png") !=
        std::string::npos);
  const PngCounts latency = countPng(dir / "r-42-report-latency.png");
  CHECK(latency.width == 1520);
  CHECK(latency.height == 560);
  CHECK(latency.inkInPlot > 5000);
  CHECK(latency.blue > 500);
  CHECK(latency.orange > 100);
  CHECK(latency.dark > 500);
  // The WebSocket chart has no threshold: no orange line.
  const PngCounts websockets = countPng(dir / "r-42-report-websockets.png");
  CHECK(websockets.blue > 500);
  CHECK(websockets.orange < latency.orange / 4);
#else
  CHECK(pngs == 0);
  CHECK(markdown.find(".png") == std::string::npos);
  CHECK(markdown.find("PNG for chat tools: missing: svg to png: /nonexistent/rsvg-convert is "
                      "not installed (Debian: librsvg2-bin)") != std::string::npos);
  (void)dir;
#endif
}

}  // namespace nova::rollout
