#include "nova/dashboard/page.h"

#include <doctest/doctest.h>

#include <string>

namespace nova::dashboard {

TEST_CASE("the embedded page is one self-contained HTML document") {
  const std::string_view page = dashboardPage();
  REQUIRE(page.size() > 5'000);
  CHECK(page.starts_with("<!DOCTYPE html>"));
  CHECK(page.find("</html>") != std::string_view::npos);
  // Nothing fetched from elsewhere: no URL with a scheme, no src= or href= to a file.
  CHECK(page.find("http://") == std::string_view::npos);
  CHECK(page.find("https://") == std::string_view::npos);
  CHECK(page.find(" src=") == std::string_view::npos);
  CHECK(page.find("<link") == std::string_view::npos);
  // It polls its document relative to where it is served.
  CHECK(page.find("v1/dashboard") != std::string_view::npos);
  CHECK(kDocumentPath == "/v1/dashboard");
  // The build says which page it embedded, and the page says the same.
  if (dashboardPageFlavor() == PageFlavor::kCharts) {
    CHECK(page.find("content=\"charts\"") != std::string_view::npos);
    CHECK(page.find(".uplot") != std::string_view::npos);  // uPlot's stylesheet
  } else {
    CHECK(page.find("content=\"plain\"") != std::string_view::npos);
    CHECK(page.find("flavor: 'plain'") != std::string_view::npos);
  }
  // The page's template placeholders were all filled.
  CHECK(page.find("@STYLE@") == std::string_view::npos);
  CHECK(page.find("@SCRIPT@") == std::string_view::npos);
  CHECK(page.find("@FLAVOR@") == std::string_view::npos);
}

}  // namespace nova::dashboard
