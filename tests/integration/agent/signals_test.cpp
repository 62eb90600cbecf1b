// The real nova-agent and the signals it blocks: each is handled or ignored, so a stray one
// (SIGUSR2 from a tool or a person) never leaves the agent deaf to SIGTERM.
#include <doctest/doctest.h>
#include <signal.h>

#include <string>

#include "nova/testing/child_process.h"
#include "nova/testing/temp_dir.h"
#include "nova/testing/tools.h"

namespace nova {

TEST_CASE("SIGUSR2 is ignored; SIGTERM after it still stops the agent at once") {
  const testing::TempDir dir("nova-agent-signals");
  // A target nobody serves: the agent runs its loop, every probe fails, it decides nothing.
  const std::string target = "http://127.0.0.1:" + std::to_string(testing::freeLoopbackPort());
  const std::string config = dir.write(
      "agent.yaml", "target:\n  health_url: " + target + "/health\n  metrics_url: " + target +
                        "/metrics\nrule_files: [" NOVA_SOURCE_DIR "/rules/default.yaml]\n" +
                        "listen: 127.0.0.1:0\n");
  const testing::LogCapture log(dir.file("agent.log"));
  testing::ChildProcess agent({.argv = {NOVA_AGENT_BIN, "--config", config}, .log = &log});
  REQUIRE_MESSAGE(agent.waitForPort(10 * kSecond) > 0, log.text());

  agent.signal(SIGUSR2);
  REQUIRE_MESSAGE(log.waitFor("ignored signal SIGUSR2", 5 * kSecond), log.text());
  CHECK(agent.running());

  agent.signal(SIGTERM);
  const auto status = agent.waitExit(3 * kSecond);
  REQUIRE_MESSAGE(status.has_value(), log.text());
  CHECK(*status == 0);
  CHECK(log.text().find("nova-agent stopped") != std::string::npos);
}

}  // namespace nova
