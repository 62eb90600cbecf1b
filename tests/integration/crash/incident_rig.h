#pragma once

#include <atomic>
#include <boost/json.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "nginx_process.h"
#include "nova/core/time.h"
#include "nova/testing/child_process.h"
#include "nova/testing/temp_dir.h"
#include "recording_webhook.h"
#include "service_process.h"

namespace nova::testing {

class Traffic;  // traffic_load.h

/// Everything an incident of the real nova-agent needs, on loopback: blue and green
/// nova-demo-service, real nginx in front of them (the agent's switch rewrites its upstream
/// include and reloads it through a script that counts reloads and can hang the first one),
/// a recording webhook the agent pages, and rules/default.yaml with every `for` shortened
/// to 2 s and HIGH's investigation to 3 s, so an incident runs its course in seconds.
/// The agent's files (configuration, state, journal, ledger, outbox) live in one folder,
/// so a restarted agent finds exactly what the killed one left. Not thread-safe.
class IncidentRig {
 public:
  /// Starts blue, green, nginx (on green) and the receiver; writes the files.
  IncidentRig();
  ~IncidentRig();
  IncidentRig(const IncidentRig&) = delete;
  IncidentRig& operator=(const IncidentRig&) = delete;

  RecordingWebhook& receiver() { return receiver_; }
  /// The next reload hangs (for two minutes) until endHungReload(); later ones reload.
  void holdNextReload();
  /// True once a held reload has started.
  bool reloadHeld() const;
  /// Kills a held reload the agent left behind (an orphan once the agent is killed).
  void endHungReload();
  /// Reloads that completed (nginx took a new upstream).
  int completedReloads() const;

  /// Green fails half of its API requests, under steady traffic from now on.
  void injectErrors();

  /// Starts nova-agent on the rig's files, logging to "agent-<life>.log"; 0 when it did
  /// not listen within 10 s.
  int startAgent(int life);
  ChildProcess& agent() { return *agent_; }
  std::string agentLog() const;
  /// GET /status of the running agent; null when it does not answer with JSON.
  boost::json::value status() const;

  /// The colors nginx answered with, each change once ("green", "blue"), from the start; a
  /// color counts once it has been answered for a quarter second (see watchColors()).
  std::vector<std::string> colorsSeen() const;
  std::string color() const;
  /// The kinds of the journal's entries, oldest first.
  std::vector<std::string> journalKinds() const;

 private:
  void watchColors();

  TempDir dir_{"nova-crash-matrix"};
  demo::test::ServiceProcess blue_;
  demo::test::ServiceProcess green_;
  NginxProcess nginx_;
  RecordingWebhook receiver_;
  std::unique_ptr<LogCapture> log_;
  std::unique_ptr<ChildProcess> agent_;
  int port_ = 0;
  std::unique_ptr<Traffic> traffic_;
  mutable std::mutex colorsMutex_;
  std::vector<std::string> colors_;
  std::atomic<bool> stop_{false};
  std::thread colorWatcher_;
};

/// Polls `condition` every 100 ms for up to `timeout` ms of real time.
bool waitUntil(const std::function<bool()>& condition, DurationMs timeout);

/// The incident's field `name` in a /status answer ("" when absent).
std::string incidentField(const boost::json::value& status, std::string_view name);

}  // namespace nova::testing
