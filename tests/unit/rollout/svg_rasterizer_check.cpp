// Built only where rsvg-convert and cairo are (NOVA_TEST_PNG): the PNG is read back with
// cairo and checked pixel by pixel where the SVG puts the threshold, the breach and the
// series.
#include <cairo.h>
#include <doctest/doctest.h>

#include <memory>

#include "chart_fixture.h"
#include "nova/dashboard/svg.h"
#include "nova/rollout/svg_rasterizer.h"

namespace nova::rollout {
namespace {

using dashboard::renderChartSvg;
namespace test = dashboard::test;

const SvgRasterizer svgToPng = rsvgConvert(NOVA_RSVG_CONVERT_BIN);

struct Reader {
  const std::string* bytes;
  std::size_t at = 0;
};

cairo_status_t readBytes(void* closure, unsigned char* data, unsigned int length) {
  auto* r = static_cast<Reader*>(closure);
  if (r->at + length > r->bytes->size()) {
    return CAIRO_STATUS_READ_ERROR;
  }
  std::copy_n(r->bytes->data() + r->at, length, data);
  r->at += length;
  return CAIRO_STATUS_SUCCESS;
}

struct Pixel {
  int r, g, b;
};

struct Image {
  std::unique_ptr<cairo_surface_t, void (*)(cairo_surface_t*)> surface{nullptr,
                                                                       cairo_surface_destroy};
  int width() const { return cairo_image_surface_get_width(surface.get()); }
  int height() const { return cairo_image_surface_get_height(surface.get()); }
  Pixel at(int x, int y) const {
    const unsigned char* row = cairo_image_surface_get_data(surface.get()) +
                               y * cairo_image_surface_get_stride(surface.get());
    const auto argb = *reinterpret_cast<const std::uint32_t*>(row + 4 * x);
    return {static_cast<int>((argb >> 16) & 0xff), static_cast<int>((argb >> 8) & 0xff),
            static_cast<int>(argb & 0xff)};
  }
};

Image decode(const std::string& png) {
  Reader reader{&png};
  Image image;
  image.surface.reset(cairo_image_surface_create_from_png_stream(readBytes, &reader));
  REQUIRE(cairo_surface_status(image.surface.get()) == CAIRO_STATUS_SUCCESS);
  cairo_surface_flush(image.surface.get());
  return image;
}

}  // namespace

TEST_CASE(
    "the PNG shows the threshold, the breach band and the aggregate where the SVG puts them") {
  const std::string svg = renderChartSvg(test::latencyChart(), test::chartMarkers());
  const auto png = svgToPng(svg, 1.0);
  REQUIRE(png.ok());
  CHECK(png->substr(1, 3) == "PNG");
  const Image image = decode(*png);
  CHECK(image.width() == 760);
  CHECK(image.height() == 280);

  // The threshold's dashes at y 185 in orange (#D55E00), away from the breach band.
  int orange = 0;
  for (int x = 80; x < 280; ++x) {
    const Pixel p = image.at(x, 185);
    orange += (p.r > 180 && p.g < 140 && p.b < 80) ? 1 : 0;
  }
  CHECK(orange > 40);
  // Inside the breach band (x 296..445) near the bottom, the shade is reddish, not white;
  // outside it, white.
  const Pixel band = image.at(420, 225);
  CHECK(band.r > band.b);
  CHECK(band.r < 255 + 1);
  CHECK((band.g < 250 || band.b < 250));
  const Pixel clear = image.at(600, 100);
  CHECK((clear.r == 255 && clear.g == 255 && clear.b == 255));
  // The aggregate's blue (#0072B2) crosses x 520 (02:06 is a gap, 02:07 at 0.1 s: y ~205).
  bool blue = false;
  for (int y = 190; y < 220; ++y) {
    const Pixel p = image.at(595, y);
    blue = blue || (p.b > 150 && p.r < 80);
  }
  CHECK(blue);
  // Text was drawn: the title's pixels are dark.
  int dark = 0;
  for (int x = 72; x < 200; ++x) {
    for (int y = 6; y < 20; ++y) {
      const Pixel p = image.at(x, y);
      dark += (p.r < 80 && p.g < 80 && p.b < 80) ? 1 : 0;
    }
  }
  CHECK(dark > 50);

  const auto twice = svgToPng(svg, 2.0);
  REQUIRE(twice.ok());
  CHECK(decode(*twice).width() == 1520);
}

TEST_CASE("the rasterizer refuses what it cannot render, and says when it is not installed") {
  const auto garbage = svgToPng("not svg at all", 1.0);
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.error().code == ErrorCode::kInvalidInput);
  CHECK(garbage.error().message.starts_with("svg to png: "));
  const auto scale = svgToPng("<svg/>", 0.0);
  REQUIRE_FALSE(scale.ok());
  CHECK(scale.error().message == "svg to png: the scale must be in (0, 8]");
  const auto missing = rsvgConvert("/nonexistent/rsvg-convert")("<svg/>", 1.0);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kUnavailable);
  CHECK(missing.error().message ==
        "svg to png: /nonexistent/rsvg-convert is not installed (Debian: librsvg2-bin)");
}

}  // namespace nova::rollout
