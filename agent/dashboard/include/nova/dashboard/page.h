#pragma once

#include <string_view>

namespace nova::dashboard {

/// Where the agent serves the page's data document; the page asks for it relative to its
/// own address ("v1/dashboard"), so it works behind a path prefix (kubectl port-forward,
/// a proxy).
inline constexpr std::string_view kDocumentPath = "/v1/dashboard";

/// How the embedded page shows the series.
enum class PageFlavor {
  kCharts,  ///< Built with npm: uPlot charts.
  kPlain,   ///< Built without npm: the series summarised in tables.
};

/// The dashboard page: one self-contained HTML document (scripts and styles inline, no
/// external fetch but its own document at kDocumentPath and the command API), embedded in
/// the library at build time. Static storage; thread-safe.
std::string_view dashboardPage();

/// Which page was embedded (the build log says why).
PageFlavor dashboardPageFlavor();

}  // namespace nova::dashboard
