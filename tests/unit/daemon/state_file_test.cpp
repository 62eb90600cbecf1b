// The state directory is checked at start-up and a failing disk is logged once per burst:
// real files in a temporary folder, and /sys, which refuses new files even to root.
#include "state_file.h"

#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <sstream>

#include "nova/core/files.h"
#include "nova/testing/temp_dir.h"

namespace nova::daemon::detail {
namespace {

// Captures what spdlog's default logger writes while it lives.
struct LogCapture {
  LogCapture() : previous(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  }
  ~LogCapture() { spdlog::set_default_logger(previous); }
  std::size_t count(std::string_view needle) const {
    const std::string text = out.str();
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
      ++n;
    }
    return n;
  }
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> previous;
};

}  // namespace

TEST_CASE("a missing, unwritable or non-folder state directory is found at start-up") {
  testing::TempDir dir("nova-state");
  CHECK(checkStateDirectory(dir.file("state.json")).ok());
  CHECK_FALSE(std::filesystem::exists(dir.file(".nova-agent-write-check")));

  const Status missing = checkStateDirectory(dir.file("gone/state.json"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kNotFound);
  CHECK(missing.error().message ==
        "state directory " + dir.file("gone") + ": No such file or directory");

  const std::string file = dir.write("plain", "x");
  const Status notDir = checkStateDirectory(file + "/state.json");
  REQUIRE_FALSE(notDir.ok());
  CHECK(notDir.error().code == ErrorCode::kInvalidInput);
  CHECK(notDir.error().message == "state directory " + file + ": not a directory");

  const Status refused = checkStateDirectory("/sys/state.json");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::kRefused);
  CHECK(refused.error().message.starts_with("state directory /sys is not writable: "));
  CHECK(refused.error().message.ends_with(": Permission denied"));
}

TEST_CASE("a failing state write is counted every time and logged once per burst") {
  testing::TempDir dir("nova-state");
  const std::string folder = dir.file("state");
  std::filesystem::create_directory(folder);
  int failures = 0;
  StateWriter writer(folder + "/state.json", [&] { ++failures; });
  LogCapture log;
  CHECK(writer.write("{\"n\":1}"));
  std::filesystem::remove_all(folder);  // the volume went away under the agent
  for (int i = 0; i < 5; ++i) {
    CHECK_FALSE(writer.write("{\"n\":2}"));
  }
  CHECK(failures == 5);
  CHECK(log.count("cannot write state file") == 1);
  CHECK(log.count("No such file or directory") == 1);
  std::filesystem::create_directory(folder);
  CHECK(writer.write("{\"n\":3}"));
  CHECK(log.count("written again after 5 failed writes") == 1);
  CHECK(readFile(folder + "/state.json", 100).value() == "{\"n\":3}");
  std::filesystem::remove_all(folder);
  CHECK_FALSE(writer.write("{\"n\":4}"));  // a new burst is logged again
  CHECK(log.count("cannot write state file") == 2);
  CHECK(failures == 6);
}

}  // namespace nova::daemon::detail
