// The nginx switch against a stand-in nginx: an HTTP server that answers with the color of
// the upstream it last "loaded", and a reload script that loads the include (as nginx's
// master does on SIGHUP). The real nginx is in tests/integration/nginx.
#include "nova/traffic/nginx_switch.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nova/http/server.h"

namespace nova::traffic {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void writeText(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

class FakeNginx {
 public:
  // `reloadBody` is the reload script after its first line, which counts reloads.
  explicit FakeNginx(const std::string& reloadBody = "cp \"$1\" \"$2\"\n") {
    char pattern[] = "/tmp/nova-nginx-switch-XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    dir_ = pattern;
    auto blue = http::Server::start({}, [this](const http::ServerRequest&) {
      http::ServerResponse r;
      r.status = blueHealthy_ ? 200 : 503;
      r.contentType = "application/json";
      r.body = blueHealthy_ ? R"({"status":"healthy"})" : R"({"status":"unhealthy"})";
      return r;
    });
    REQUIRE(blue.ok());
    blue_ = std::move(blue).value();
    blueAddress_ = "127.0.0.1:" + std::to_string(blue_->port());
    auto nginx = http::Server::start({}, [this](const http::ServerRequest&) {
      const std::string loaded = slurp(dir_ / "served.conf");
      http::ServerResponse r;
      if (loaded.find("server " + blueAddress_ + ";") != std::string::npos) {
        r.headers.emplace_back("X-Nova-Color", "blue");
      } else if (loaded.find("server " + kGreen + ";") != std::string::npos) {
        r.headers.emplace_back("X-Nova-Color", "green");
      } else {
        r.status = 502;
      }
      return r;
    });
    REQUIRE(nginx.ok());
    nginx_ = std::move(nginx).value();
    writeText(dir_ / "reload.sh", "#!/bin/sh\necho reload >> \"$3\"\n" + reloadBody);
    ::chmod((dir_ / "reload.sh").c_str(), 0755);
    setInclude("server " + kGreen + ";\n");
    writeText(dir_ / "served.conf", include());
    writeText(dir_ / "reloads.log", "");
  }
  ~FakeNginx() {
    nginx_->stop();
    blue_->stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::map<std::string, std::string> settings() const {
    return {{"upstream_file", (dir_ / "upstream.conf").string()},
            {"blue", blueAddress_},
            {"green", kGreen},
            {"reload_command",
             (dir_ / "reload.sh").string() + " " + (dir_ / "upstream.conf").string() + " " +
                 (dir_ / "served.conf").string() + " " + (dir_ / "reloads.log").string()},
            {"verify_url", "http://127.0.0.1:" + std::to_string(nginx_->port()) + "/health"},
            {"verify_timeout", "400ms"}};
  }
  NginxSwitch makeSwitch() const { return NginxSwitch(*parseNginxSettings(settings())); }

  std::string include() const { return slurp(dir_ / "upstream.conf"); }
  void setInclude(const std::string& text) const { writeText(dir_ / "upstream.conf", text); }
  int reloads() const {
    const std::string log = slurp(dir_ / "reloads.log");
    return static_cast<int>(std::count(log.begin(), log.end(), '\n'));
  }
  std::size_t filesInDir() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {}));
  }
  const fs::path& dir() const { return dir_; }
  const std::string& blueAddress() const { return blueAddress_; }
  void setBlueHealthy(bool healthy) { blueHealthy_ = healthy; }
  void stopBlue() { blue_->stop(); }

  inline static const std::string kGreen = "127.0.0.1:1";

 private:
  fs::path dir_;
  std::atomic<bool> blueHealthy_{true};
  std::unique_ptr<http::Server> blue_;
  std::unique_ptr<http::Server> nginx_;
  std::string blueAddress_;
};

const RollbackRequest kRequest{"inc-7", "high: error rate 12%", "agent", 1000};

}  // namespace

TEST_CASE("nginx switch: flips the include to blue once, reloads, sees blue, then already blue") {
  FakeNginx nginx;
  NginxSwitch sw = nginx.makeSwitch();
  auto before = sw.current();
  REQUIRE(before.ok());
  CHECK(std::string(toString(before->backend)) == "green");
  const std::size_t files = nginx.filesInDir();

  auto first = sw.rollback(kRequest);
  REQUIRE(first.ok());
  CHECK(std::string(toString(first->kind)) == "flipped");
  CHECK(first->detail.find(FakeNginx::kGreen + " -> blue " + nginx.blueAddress()) !=
        std::string::npos);
  CHECK(first->detail.find("blue answered through http://127.0.0.1:") != std::string::npos);
  CHECK(first->detail.find(" ms") != std::string::npos);
  CHECK(nginx.reloads() == 1);
  const std::string include = nginx.include();
  CHECK(include.find("server " + nginx.blueAddress() + ";\n") != std::string::npos);
  CHECK(include.find("incident inc-7 by agent: high: error rate 12%") != std::string::npos);
  CHECK(include.find(FakeNginx::kGreen) == std::string::npos);
  CHECK(nginx.filesInDir() == files);  // the temporary file was renamed, not left behind
  CHECK(std::string(toString(sw.current()->backend)) == "blue");

  auto second = sw.rollback(kRequest);
  REQUIRE(second.ok());
  CHECK(std::string(toString(second->kind)) == "already_blue");
  CHECK(nginx.reloads() == 1);
}

TEST_CASE("nginx switch: the include keeps its permission bits") {
  FakeNginx nginx;
  const auto file = nginx.dir() / "upstream.conf";
  ::chmod(file.c_str(), 0640);
  NginxSwitch sw = nginx.makeSwitch();
  REQUIRE(sw.rollback(kRequest).ok());
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);
}

TEST_CASE("nginx switch: an unhealthy or absent blue is never flipped to") {
  FakeNginx nginx;
  NginxSwitch sw = nginx.makeSwitch();
  const std::string before = nginx.include();

  nginx.setBlueHealthy(false);
  auto unhealthy = sw.rollback(kRequest);
  REQUIRE(unhealthy.ok());
  CHECK(std::string(toString(unhealthy->kind)) == "impossible");
  CHECK(unhealthy->detail.rfind(
            "blue unhealthy: GET http://" + nginx.blueAddress() + "/health answered 503", 0) == 0);
  CHECK(nginx.include() == before);
  CHECK(nginx.reloads() == 0);

  nginx.stopBlue();
  auto gone = sw.rollback(kRequest);
  REQUIRE(gone.ok());
  CHECK(std::string(toString(gone->kind)) == "impossible");
  CHECK(gone->detail.rfind("blue unhealthy: ", 0) == 0);
  CHECK(nginx.include() == before);
  CHECK(std::string(toString(sw.current()->backend)) == "green");
}

TEST_CASE("nginx switch: a failed reload is impossible and puts the old include back") {
  FakeNginx nginx("echo 'nginx: [emerg] unexpected \"}\" in upstream.conf:2' >&2\nexit 1\n");
  NginxSwitch sw = nginx.makeSwitch();
  const std::string before = nginx.include();
  auto outcome = sw.rollback(kRequest);
  REQUIRE(outcome.ok());
  CHECK(std::string(toString(outcome->kind)) == "impossible");
  CHECK(outcome->detail.find("nginx reload failed: reload command") != std::string::npos);
  CHECK(outcome->detail.find("exited 1: nginx: [emerg] unexpected") != std::string::npos);
  CHECK(nginx.include() == before);
  CHECK(std::string(toString(sw.current()->backend)) == "green");
}

TEST_CASE("nginx switch: blue never answering through nginx is impossible, within the bound") {
  FakeNginx nginx("true\n");  // "reloads" without loading the include
  NginxSwitch sw = nginx.makeSwitch();
  const auto start = std::chrono::steady_clock::now();
  auto outcome = sw.rollback(kRequest);
  const auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(outcome.ok());
  CHECK(std::string(toString(outcome->kind)) == "impossible");
  CHECK(outcome->detail.find("blue never answered through nginx") != std::string::npos);
  CHECK(outcome->detail.find("X-Nova-Color: green after 400ms") != std::string::npos);
  CHECK(took < std::chrono::seconds(3));
}

TEST_CASE("nginx switch: an include naming blue that nginx does not serve is reloaded again") {
  FakeNginx nginx;
  nginx.setInclude("server " + nginx.blueAddress() + ";\n");
  NginxSwitch sw = nginx.makeSwitch();
  CHECK(std::string(toString(sw.current()->backend)) == "blue");
  auto outcome = sw.rollback(kRequest);
  REQUIRE(outcome.ok());
  CHECK(std::string(toString(outcome->kind)) == "flipped");
  CHECK(nginx.reloads() == 1);
}

TEST_CASE(
    "nginx switch: pid file problems are reload failures; unknown servers and "
    "missing includes are told apart") {
  FakeNginx nginx;
  auto s = nginx.settings();
  s.erase("reload_command");
  s["pid_file"] = (nginx.dir() / "missing.pid").string();
  NginxSwitch sw(*parseNginxSettings(s));
  auto outcome = sw.rollback(kRequest);
  REQUIRE(outcome.ok());
  CHECK(std::string(toString(outcome->kind)) == "impossible");
  CHECK(outcome->detail.find("nginx reload failed: nginx pid file: cannot read") !=
        std::string::npos);

  nginx.setInclude(
      "# two servers: neither blue nor green alone\nserver 10.0.0.9:80 "
      "max_fails=3;\n");
  auto other = sw.current();
  REQUIRE(other.ok());
  CHECK(std::string(toString(other->backend)) == "unknown");
  CHECK(other->detail.find("server 10.0.0.9:80") != std::string::npos);

  std::filesystem::remove(nginx.dir() / "upstream.conf");
  CHECK_FALSE(sw.current().ok());
  auto missing = sw.rollback(kRequest);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find("cannot read") != std::string::npos);
}

}  // namespace nova::traffic
