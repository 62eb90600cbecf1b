#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>

#include "json_log.h"
#include "nova/core/rfc3339.h"
#include "nova/daemon/daemon.h"

namespace nova::daemon {
namespace detail {

std::string jsonLogLine(TimestampMs at, std::string_view level, std::string_view message) {
  namespace json = boost::json;
  return json::serialize(json::object{
             {"time", formatRfc3339(at, SubSecond::kMillis)}, {"level", level}, {"msg", message}}) +
         "\n";
}

}  // namespace detail

namespace {

// One JSON object per line; the message is escaped, unlike with a pattern.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto at =
        std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
    const auto level = spdlog::level::to_string_view(msg.level);
    const std::string line =
        detail::jsonLogLine(at, std::string_view(level.data(), level.size()),
                            std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

void setupLogging(LogFormat format) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  if (format == LogFormat::kJson) {
    sink->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  }
  auto logger = std::make_shared<spdlog::logger>("nova-agent", sink);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace nova::daemon
