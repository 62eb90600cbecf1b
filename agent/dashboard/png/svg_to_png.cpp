#include <cairo.h>
#include <librsvg/rsvg.h>

#include <cmath>
#include <memory>

#include "nova/dashboard/png.h"

namespace nova::dashboard {
namespace {

constexpr double kMaxSide = 8192;

struct GObjectUnref {
  void operator()(RsvgHandle* h) const { g_object_unref(h); }
};
struct SurfaceDestroy {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDestroy {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

Error glibError(GError* error, const std::string& what) {
  std::string message = what + ": " + (error ? error->message : "unknown error");
  if (error) {
    g_error_free(error);
  }
  return Error(ErrorCode::kInvalidInput, message);
}

}  // namespace

Result<std::string> svgToPng(std::string_view svg, double scale) {
  GError* error = nullptr;
  std::unique_ptr<RsvgHandle, GObjectUnref> handle(
      rsvg_handle_new_from_data(reinterpret_cast<const guint8*>(svg.data()), svg.size(), &error));
  if (!handle) {
    return glibError(error, "svg to png: cannot read the SVG");
  }
  gdouble width = 0;
  gdouble height = 0;
  if (!rsvg_handle_get_intrinsic_size_in_pixels(handle.get(), &width, &height) || width <= 0 ||
      height <= 0) {
    return Error(ErrorCode::kInvalidInput, "svg to png: the SVG has no width and height");
  }
  if (!(scale > 0) || width * scale > kMaxSide || height * scale > kMaxSide) {
    return Error(ErrorCode::kInvalidInput, "svg to png: larger than 8192 px on a side");
  }
  const int pixelsWide = static_cast<int>(std::ceil(width * scale));
  const int pixelsHigh = static_cast<int>(std::ceil(height * scale));
  std::unique_ptr<cairo_surface_t, SurfaceDestroy> surface(
      cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pixelsWide, pixelsHigh));
  std::unique_ptr<cairo_t, ContextDestroy> cr(cairo_create(surface.get()));
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
    return Error(ErrorCode::kInternal, "svg to png: cairo cannot draw");
  }
  cairo_scale(cr.get(), scale, scale);
  const RsvgRectangle viewport{0, 0, width, height};
  if (!rsvg_handle_render_document(handle.get(), cr.get(), &viewport, &error)) {
    return glibError(error, "svg to png: cannot render the SVG");
  }
  std::string png;
  if (cairo_surface_write_to_png_stream(surface.get(), append, &png) != CAIRO_STATUS_SUCCESS) {
    return Error(ErrorCode::kInternal, "svg to png: cairo cannot encode the PNG");
  }
  return png;
}

}  // namespace nova::dashboard
