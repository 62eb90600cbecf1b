#include "ws_hub.h"

#include <cmath>
#include <vector>

namespace nova::demo {
namespace {

std::size_t share(std::size_t count, double ratio) {
  return static_cast<std::size_t>(std::llround(static_cast<double>(count) * ratio));
}

}  // namespace

WsHub::WsHub(ServiceMetrics& metrics, std::size_t simulatedBase)
    : metrics_(metrics), simulatedBase_(simulatedBase), simulated_(simulatedBase) {
  std::lock_guard lock(mutex_);
  publish();
}

std::uint64_t WsHub::add(std::weak_ptr<WsConnection> connection) {
  std::lock_guard lock(mutex_);
  const std::uint64_t id = nextId_++;
  connections_.emplace(id, std::move(connection));
  publish();
  return id;
}

void WsHub::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  connections_.erase(id);
  publish();
}

std::size_t WsHub::drop(double ratio) {
  std::vector<std::shared_ptr<WsConnection>> victims;
  {
    std::lock_guard lock(mutex_);
    const std::size_t wanted = share(connections_.size(), ratio);
    // The newest connections go first; which ones does not matter to the gauge.
    for (auto it = connections_.rbegin(); it != connections_.rend() && victims.size() < wanted;
         ++it) {
      if (auto connection = it->second.lock()) {
        victims.push_back(std::move(connection));
      }
    }
    simulated_ -= share(simulated_, ratio);
    publish();
  }
  // Outside the lock: a closing connection calls remove().
  for (const auto& victim : victims) {
    victim->drop();
  }
  return victims.size();
}

void WsHub::restoreSimulated() {
  std::lock_guard lock(mutex_);
  simulated_ = simulatedBase_;
  publish();
}

void WsHub::closeAll() {
  std::vector<std::shared_ptr<WsConnection>> all;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, weak] : connections_) {
      if (auto connection = weak.lock()) {
        all.push_back(std::move(connection));
      }
    }
  }
  for (const auto& connection : all) {
    connection->drop();
  }
}

std::size_t WsHub::openConnections() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

std::size_t WsHub::simulatedConnections() const {
  std::lock_guard lock(mutex_);
  return simulated_;
}

void WsHub::publish() {
  metrics_.setWebSocketConnections(static_cast<double>(connections_.size() + simulated_));
}

}  // namespace nova::demo
