#pragma once
// A recording stand-in for Slack's incoming webhook (it answers 200 "ok",
// /work/shared/specs/slack.md), which any receiver that posts (the webhook's JSON events)
// can be pointed at, and a state directory for the receivers' ledgers and outboxes.

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "nova/http/server.h"

namespace nova::rollout::test {

struct FakeSlack {
  FakeSlack() {
    auto started = http::Server::start({}, [this](const http::ServerRequest& r) {
      std::lock_guard lock(mutex);
      bodies.push_back(r.body);
      http::ServerResponse response;
      response.body = "ok";
      response.contentType = "text/plain";
      return response;
    });
    REQUIRE(started.ok());
    server = std::move(*started);
  }
  ~FakeSlack() { server->stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server->port()) + "/hook"; }
  /// The bodies posted so far, in order.
  std::vector<std::string> posted() {
    std::lock_guard lock(mutex);
    return bodies;
  }

  std::mutex mutex;
  std::vector<std::string> bodies;
  std::unique_ptr<http::Server> server;
};

struct StateDir {
  StateDir()
      : path(std::filesystem::temp_directory_path() /
             ("nova-rollout-notify-" + std::to_string(::getpid()))) {}
  ~StateDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::filesystem::path path;
};

}  // namespace nova::rollout::test
