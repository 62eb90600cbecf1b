#include "nova/http/health_check.h"

#include <doctest/doctest.h>

namespace nova::http {

TEST_CASE("checkHealthResponse accepts only 200 with the expected status string") {
  CHECK(checkHealthResponse(200, R"({"status":"healthy","v":1})", "healthy").empty());
  CHECK(checkHealthResponse(200, R"({"status":"ok"})", "ok").empty());
  CHECK(checkHealthResponse(200, R"({"status":"ok"})", "healthy") ==
        "health: status \"ok\", want \"healthy\"");
  CHECK(checkHealthResponse(204, R"({"status":"healthy"})", "healthy") ==
        "health: HTTP status 204, want 200");
  CHECK(checkHealthResponse(200, "healthy", "healthy").starts_with("health: body is not JSON ("));
  CHECK(checkHealthResponse(200, R"(["healthy"])", "healthy") ==
        "health: body is not a JSON object");
  CHECK(checkHealthResponse(200, R"({"status":true})", "healthy") ==
        "health: no string field \"status\"");
  CHECK_FALSE(checkHealthResponse(200, "", "healthy").empty());
}

}  // namespace nova::http
