// Fuzzes the agent's configuration loader with arbitrary YAML. Secrets come from a fake
// environment (no file or variable of this machine is read): loading must never crash or
// throw, a refusal must name the file, an accepted configuration must describe itself as
// one valid JSON object, and a secret read through {file:} or {env:} must never appear in
// an error message or the description.

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_checks.h"
#include "nova/daemon/config.h"

using nova::fuzz::check;

namespace {

constexpr std::string_view kSecret = "fuzz-secret-7f3a9c";

nova::daemon::ConfigEnvironment fakeEnvironment() {
  nova::daemon::ConfigEnvironment env;
  env.baseDir = "/etc/nova";
  env.getenv = [](const std::string& name) -> std::optional<std::string> {
    if (name.starts_with("NOVA")) {
      return std::string(kSecret);
    }
    return std::nullopt;
  };
  env.readFile = [](const std::string& path) -> nova::Result<std::string> {
    if (path.starts_with("/etc/nova/")) {
      return std::string(kSecret) + "\n";
    }
    return nova::Error(nova::ErrorCode::kNotFound, path + ": no such file");
  };
  return env;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) {
    return 0;
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // A secret written inline is the input's own text, not one the loader read.
  const bool inlineSecret = text.find(kSecret) != std::string_view::npos;
  const auto config = nova::daemon::loadConfig(text, "fuzz.yaml", {}, fakeEnvironment());
  if (!config.ok()) {
    const std::string& message = config.error().message;
    check(!message.empty());
    check(message.starts_with("fuzz.yaml"));
    check(inlineSecret || message.find(kSecret) == std::string::npos);
    return 0;
  }
  const std::string described = nova::daemon::describe(*config);
  boost::system::error_code ec;
  const boost::json::value json = boost::json::parse(described, ec);
  check(!ec && json.is_object());
  check(inlineSecret || described.find(kSecret) == std::string::npos);
  check(config->evalInterval > 0);
  return 0;
}
