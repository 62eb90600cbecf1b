// `novactl rollout` end to end on one machine: nginx in front of blue and green
// (nova-demo-service), the nginx switch moving traffic, nova-agent guarding green after the
// switch. Covers the happy path, a fault after the switch that the agent rolls back, a
// SIGKILL after the switch resumed by a re-run with the same id (exactly one forward
// switch), and a second rollout id refused while the first is unfinished.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "rollout_site.h"

namespace nova {
namespace {

using namespace rollout_site;

TEST_CASE("a good version rolls out: every phase, blue stopped, exit 0") {
  Site site("v1.2.4");
  site.startAgent();
  Clients clients(site.nginx.url("/health"));
  const auto start = Steady::now();
  auto run = site.novactl("r-good", "novactl.log", "v1.2.4");
  const int code = exitStatus(run->waitExit(120s));
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - start);
  INFO(run->log());
  CHECK(code == 0);
  CHECK(site.includeNames(site.green));
  CHECK(slurp(site.dir / "blue-stopped") == "stopped\n");
  CHECK(slurp(site.dir / "snapshots").find("nova-pre-deploy-v1-2-4-r-good") != std::string::npos);
  CHECK(site.forwardSwitches() == 1);
  CHECK(clients.failed() == 0);
  MESSAGE("rollout v1.2.4: succeeded (exit " << code << ") in " << took.count()
                                             << " ms: " << site.phaseTimings());
  // novactl status reads the record novactl wrote.
  Proc status(NOVACTL_BIN, {"status", "-f", (site.dir / "rollout.yaml").string(), "-o", "json"},
              (site.dir / "status.log").string());
  CHECK(exitStatus(status.waitExit(20s)) == 0);
}

// The report's charts, from the document the agent saved when its rollback completed:
// one SVG per runbook chart with its points and the incident's decision moments (the
// breach counted, the rollback decided, traffic on blue), its PNG, and the HTML version.
void checkReportCharts(const fs::path& dir, const std::string& markdown) {
  bool saved = false;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    saved = saved || (name.starts_with("incident-") && name.ends_with("-charts.json"));
  }
  CHECK_MESSAGE(saved, "the agent saved no incident-<id>-charts.json beside its state file");
  for (const std::string id : {"latency", "errors", "websockets", "db"}) {
    const fs::path svgFile = dir / ("reports/r-bad-report-" + id + ".svg");
    CHECK_MESSAGE(markdown.find("(r-bad-report-" + id + ".svg)") != std::string::npos, markdown);
    const std::string svg = slurp(svgFile);
    REQUIRE_MESSAGE(svg.starts_with("<svg"), svgFile.string());
    for (const std::string kind : {"incident", "rollback", "rolled_back"}) {
      CHECK_MESSAGE(svg.find("class=\"marker\" data-kind=\"" + kind + "\"") != std::string::npos,
                    id << " lacks the marker " << kind);
    }
    CHECK(svg.find("class=\"y-tick\"") != std::string::npos);
    CHECK(svg.find("class=\"x-tick\"") != std::string::npos);
    // The clients' requests fill the request-driven charts; no client queries the
    // database, so its chart may have no points.
    const std::size_t points = svg.find("data-points=\"");
    MESSAGE(id << ": " << (points == std::string::npos ? "no series" : svg.substr(points, 20)));
    if (id != "db") {
      REQUIRE_MESSAGE(points != std::string::npos, id << ": no series");
      CHECK_MESSAGE(std::stoi(svg.substr(points + 13)) > 0, id << ": a series without points");
    }
    CHECK(fs::file_size(dir / ("reports/r-bad-report-" + id + ".png")) > 2000);
  }
  const std::string html = slurp(dir / "reports/r-bad-report.html");
  std::size_t inlined = 0;
  for (std::size_t at = html.find("<svg"); at != std::string::npos;
       at = html.find("<svg", at + 1)) {
    ++inlined;
  }
  CHECK(inlined == 4);
}

TEST_CASE("a bad version fails after the switch: the agent rolls back, rollout exits 4") {
  Site site("v1.2.5", 30 * kSecond);
  site.startAgent();
  Clients clients(site.nginx.url("/health"));
  auto run = site.novactl("r-bad", "novactl.log", "v1.2.5");
  // The fault comes once the switch is verified and the monitoring window runs.
  REQUIRE_MESSAGE(waitFor([&] { return site.monitoring(); }, 60s), run->log());
  REQUIRE(site.includeNames(site.green));
  const auto switched = Steady::now();
  {
    http::Client client;
    http::Request fault;
    fault.method = "POST";
    fault.url = site.green.url("/admin/faults");
    fault.body = R"({"health_down": true})";
    auto answer = client.perform(fault);
    REQUIRE(answer.ok());
    REQUIRE(answer->status == 200);
  }
  REQUIRE(waitFor([&] { return site.includeNames(site.blue); }, 30s));
  const auto onBlue = Steady::now();
  const int code = exitStatus(run->waitExit(60s));
  INFO(run->log());
  INFO(site.agent->log());
  CHECK(code == 4);
  const fs::path report = site.dir / "reports/r-bad-report.md";
  const std::string text = slurp(report);
  CHECK(text.find("Deployment Rollback Incident Report") != std::string::npos);
  // The agent's incident is in it: the rule that fired and its timeline.
  CHECK_MESSAGE(text.find("api_down") != std::string::npos, text);
  MESSAGE("fault-to-blue: "
          << std::chrono::duration_cast<std::chrono::milliseconds>(onBlue - switched).count()
          << " ms; failed client requests: " << clients.failed() << " of " << clients.sent());
  CHECK(run->log().find("the agent rolled back") != std::string::npos);
  checkReportCharts(site.dir, text);
  MESSAGE("rollout v1.2.5: rolled_back (exit " << code << "): " << site.phaseTimings());
}

TEST_CASE(
    "armed from the record: shadow through green's failing start-up, armed after the switch") {
  Site site("v1.2.4", 30 * kSecond, "arming: {mode: record, interval: 200ms}\n");
  // Green fails from its start, before any rollout: api_down fires after 2 s.
  site.greenFaults(R"({"health_down": true})");
  site.startAgent();
  REQUIRE_MESSAGE(
      waitFor(
          [&] { return site.agent->log().find("shadow: would roll back") != std::string::npos; },
          20s),
      site.agent->log());
  CHECK(site.agentStatus().at("armed") == false);
  CHECK(site.agent->log().find("kind=rollback_started") == std::string::npos);
  CHECK(site.agent->log().find("rollback of incident") == std::string::npos);
  CHECK(site.includeNames(site.blue));
  // Green recovers (started up), and the rollout runs: its smoke tests need a healthy green.
  site.greenFaults(R"({"health_down": false})");
  Clients clients(site.nginx.url("/health"));
  auto run = site.novactl("r-arm", "novactl.log", "v1.2.4");
  REQUIRE_MESSAGE(waitFor([&] { return site.monitoring(); }, 60s), run->log());
  REQUIRE_MESSAGE(waitFor([&] { return site.armedFor("r-arm"); }, 10s), site.agent->log());
  const json::value status = site.agentStatus();
  CHECK(status.at("version") == "v1.2.4");
  CHECK(status.at("switched_at").is_int64());
  const auto switched = Steady::now();
  site.greenFaults(R"({"health_down": true})");
  REQUIRE_MESSAGE(waitFor([&] { return site.includeNames(site.blue); }, 30s), site.agent->log());
  const auto onBlue = Steady::now();
  const int code = exitStatus(run->waitExit(60s));
  INFO(run->log());
  CHECK(code == 4);
  // The journal beside the state file has the rollout's story.
  const std::string journal = slurp(site.dir / "state.json.journal.jsonl");
  CHECK(journal.find(R"("rollout_id":"r-arm","kind":"armed")") != std::string::npos);
  CHECK(journal.find(R"("rollout_id":"r-arm","kind":"rollback_decided")") != std::string::npos);
  CHECK(journal.find(R"("kind":"traffic_on_blue")") != std::string::npos);
  MESSAGE("armed agent: fault-to-blue "
          << std::chrono::duration_cast<std::chrono::milliseconds>(onBlue - switched).count()
          << " ms; failed client requests: " << clients.failed() << " of " << clients.sent());
}

TEST_CASE("CI dies right after the switch: the agent arms from the record and rolls back") {
  Site site("v1.2.5", 60 * kSecond, "arming: {mode: record, interval: 200ms}\n");
  site.startAgent();
  auto run = site.novactl("r-ci", "novactl.log", "v1.2.5");
  REQUIRE_MESSAGE(waitFor([&] { return site.includeNames(site.green); }, 60s), run->log());
  run->signal(SIGKILL);  // the CI job is gone: nothing reads the agent's verdict any more
  CHECK(exitStatus(run->waitExit(10s)) == 128 + SIGKILL);
  REQUIRE_MESSAGE(waitFor([&] { return site.armedFor("r-ci"); }, 10s), site.agent->log());
  site.greenFaults(R"({"health_down": true})");
  REQUIRE_MESSAGE(waitFor([&] { return site.includeNames(site.blue); }, 30s), site.agent->log());
  CHECK(site.agent->log().find("armed for rollout r-ci version v1.2.5") != std::string::npos);
}

TEST_CASE("SIGKILL after the switch: another id is refused, the same id resumes, one switch") {
  Site site("v1.2.4", 8 * kSecond);
  site.startAgent();
  auto first = site.novactl("r-kill", "novactl-1.log", "v1.2.4");
  REQUIRE_MESSAGE(waitFor([&] { return site.includeNames(site.green); }, 60s), first->log());
  // Past the switch and its check through the public URL: monitoring.
  REQUIRE(waitFor([&] { return site.monitoring(); }, 30s));
  first->signal(SIGKILL);
  CHECK(exitStatus(first->waitExit(10s)) == 128 + SIGKILL);

  auto other = site.novactl("r-other", "novactl-2.log", "v1.2.4");
  const int refused = exitStatus(other->waitExit(60s));
  INFO(other->log());
  CHECK(refused == 5);
  CHECK(other->log().find("r-kill") != std::string::npos);

  const auto start = Steady::now();
  auto again = site.novactl("r-kill", "novactl-3.log", "v1.2.4");
  const int code = exitStatus(again->waitExit(120s));
  INFO(again->log());
  CHECK(code == 0);
  CHECK(site.forwardSwitches() == 1);
  CHECK(site.includeNames(site.green));
  CHECK(slurp(site.dir / "blue-stopped") == "stopped\n");
  MESSAGE("resumed run took "
          << std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - start).count()
          << " ms");
}

TEST_CASE("SIGTERM while monitoring stops at a step boundary (143); a re-run resumes") {
  Site site("v1.2.4", 6 * kSecond);
  site.startAgent();
  auto first = site.novactl("r-term", "novactl-1.log", "v1.2.4");
  REQUIRE_MESSAGE(waitFor([&] { return site.monitoring(); }, 60s), first->log());
  first->signal(SIGTERM);
  CHECK(exitStatus(first->waitExit(10s)) == 143);
  INFO(first->log());
  CHECK(first->log().find("stopped (SIGTERM)") != std::string::npos);
  // The lease was released on the way out: the re-run starts at once.
  auto again = site.novactl("r-term", "novactl-2.log", "v1.2.4");
  CHECK(exitStatus(again->waitExit(60s)) == 0);
  INFO(again->log());
  CHECK(site.forwardSwitches() == 1);
}

TEST_CASE("rollback --option switch with the agent dead; status and report read the record") {
  Site site("v1.2.4", 2 * kSecond);
  site.startAgent();
  auto run = site.novactl("r-back", "novactl.log", "v1.2.4");
  REQUIRE_MESSAGE(exitStatus(run->waitExit(60s)) == 0, run->log());
  site.agent->signal(SIGKILL);
  const std::string config = (site.dir / "rollout.yaml").string();

  Proc plan(NOVACTL_BIN, {"rollback", "-f", config, "--dry-run"}, (site.dir / "plan.log").string());
  CHECK(exitStatus(plan.waitExit(20s)) == 0);
  CHECK(site.includeNames(site.green));

  Proc back(NOVACTL_BIN, {"rollback", "-f", config, "--reason", "customer reports"},
            (site.dir / "rollback.log").string());
  const int code = exitStatus(back.waitExit(60s));
  INFO(back.log());
  CHECK(code == 0);
  CHECK(site.includeNames(site.blue));
  const std::string report = slurp(site.dir / "reports/r-back-rollback-report.md");
  CHECK(report.find("Deployment Rollback Incident Report") != std::string::npos);
  CHECK(report.find("customer reports") != std::string::npos);

  Proc status(NOVACTL_BIN, {"status", "-f", config}, (site.dir / "status.log").string());
  CHECK(exitStatus(status.waitExit(20s)) == 0);
  Proc rendered(NOVACTL_BIN, {"report", "-f", config, "--out", (site.dir / "report.md").string()},
                (site.dir / "report.log").string());
  CHECK(exitStatus(rendered.waitExit(20s)) == 0);
  CHECK(slurp(site.dir / "report.md").find("r-back") != std::string::npos);
  // The agent is dead: the report says why it has no charts, and the exit code is 0.
  CHECK(slurp(site.dir / "report.md").find("**Charts**: missing: the agent did not answer") !=
        std::string::npos);
}

}  // namespace
}  // namespace nova
