#pragma once

#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/result.h"

namespace nova::notify {

/// A credential (routing key, webhook URL, HMAC key). Printing or formatting it always
/// shows "<redacted>"; only reveal() gives the value, for the one place that sends it.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  /// The value itself. Never pass it to a logger, an error message or /status.
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

 private:
  std::string value_;
};

inline constexpr std::string_view kRedacted = "<redacted>";

/// Always "<redacted>".
std::string toString(const Secret& secret);
/// Writes "<redacted>".
std::ostream& operator<<(std::ostream& out, const Secret& secret);

/// How secrets are read; tests pass fakes. Empty functions fall back to std::getenv and
/// reading the file (at most 64 KiB, nova::readFile).
struct SecretSources {
  std::function<std::optional<std::string>(const std::string& name)> getenv;
  std::function<Result<std::string>(const std::string& path)> readFile;
};

/// Reads the secret `key` from settings given as exactly one of `key` (the value itself, as
/// the agent's config loader resolves `{file: ...}` / `{env: ...}`), `key_file` (a path)
/// or `key_env` (a variable name); surrounding whitespace (a file's newline) is trimmed.
/// Returns nullopt when none is set. Errors name the setting and the file or variable, never the
/// value: kInvalidInput (two forms, an empty secret, a file too large), kNotFound (no such file, an
/// unset variable), kRefused (permission).
Result<std::optional<Secret>> readSecret(const std::map<std::string, std::string>& settings,
                                         std::string_view key, const SecretSources& sources);

/// The pieces of a secret URL worth redacting on their own, because peers and libraries
/// echo parts of it: the URL, its password, and each path segment or query value of 8 or
/// more characters (the token of a Slack webhook is its last segment). Split by http::Url;
/// text that is no URL gives only itself.
std::vector<Secret> urlSecrets(const Secret& url);

/// `text` with every occurrence of each secret's value replaced by "<redacted>". Secrets
/// shorter than 4 characters are left alone (they would redact ordinary words).
std::string redact(std::string text, const std::vector<Secret>& secrets);

}  // namespace nova::notify
