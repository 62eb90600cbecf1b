#include "nova/notify/router.h"

#include <algorithm>
#include <optional>
#include <set>

namespace nova::notify {

Result<std::unique_ptr<Router>> Router::fromConfigs(std::span<const NotifierConfig> configs,
                                                    const NotifyDeps& deps) {
  auto router = std::make_unique<Router>(deps.clock);
  std::set<std::string> names;
  for (std::size_t i = 0; i < configs.size(); ++i) {
    auto made = makeReceiver(configs[i], deps);
    const std::string where = "notifiers." + std::to_string(i) + ": ";
    if (!made.ok()) {
      return made.error().prefixed(where);
    }
    if (!names.insert((*made)->name()).second) {
      return Error(ErrorCode::kInvalidInput, where + "a second receiver named \"" +
                                                 (*made)->name() +
                                                 "\"; give one a distinct `name`");
    }
    router->add(std::move(*made));
  }
  return router;
}

Router::Router(const Clock* clock)
    : ownClock_(clock == nullptr ? std::make_unique<SystemClock>() : nullptr),
      clock_(clock != nullptr ? *clock : *ownClock_) {}

Router::~Router() {
  for (const auto& r : receivers_) {
    r->beginStop();
  }
}

void Router::add(ReceiverPtr receiver) {
  receivers_.push_back(std::move(receiver));
}

std::vector<std::string> Router::route(const Notification& notification) const {
  std::vector<std::string> names;
  for (const auto& r : receivers_) {
    if (r->accepts(notification)) {
      names.push_back(r->name());
    }
  }
  return names;
}

Status Router::send(const Notification& notification) {
  std::optional<Error> failed;
  for (const auto& r : receivers_) {
    if (!r->accepts(notification)) {
      continue;
    }
    if (auto sent = r->send(notification); !sent.ok()) {
      if (!failed) {
        failed = sent.error();
      } else {
        failed->message += "; " + sent.error().message;
      }
    }
  }
  if (failed) {
    return *failed;
  }
  return {};
}

void Router::tick(TimestampMs now) {
  for (const auto& r : receivers_) {
    r->tick(now);
  }
}

bool Router::flush(DurationMs timeout) {
  const MonoTime deadline = clock_.monoNow() + timeout;
  bool idle = true;
  for (const auto& r : receivers_) {
    idle = r->flush(std::max<DurationMs>(deadline - clock_.monoNow(), 0)) && idle;
  }
  return idle;
}

std::vector<std::pair<std::string, DeliveryStats>> Router::stats() const {
  std::vector<std::pair<std::string, DeliveryStats>> out;
  for (const auto& r : receivers_) {
    out.emplace_back(r->name(), r->stats());
  }
  return out;
}

}  // namespace nova::notify
