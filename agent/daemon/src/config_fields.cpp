#include "config_fields.h"

#include <array>
#include <charconv>

#include "nova/core/suggest.h"

namespace nova::daemon::detail {

void ConfigContext::error(const YAML::Node& node, const std::string& path,
                          const std::string& message) {
  // An error at or under an override, or about a section an override changed, is the
  // override's: its value has no place in the file.
  for (const auto& o : overridden_) {
    if (!path.empty() && (path == o || path.starts_with(o + ".") || o.starts_with(path + "."))) {
      errors_.push_back("--set " + o + ": " + withoutSecrets(message));
      return;
    }
  }
  const YAML::Mark mark = node.Mark();
  const int line = mark.line < 0 ? 1 : mark.line + 1;
  const int column = mark.column < 0 ? 1 : mark.column + 1;
  errors_.push_back(fileName_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
                    withoutSecrets(message));
}

void ConfigContext::error(const std::string& where, const std::string& message) {
  errors_.push_back(where + ": " + withoutSecrets(message));
}

void ConfigContext::rememberSecret(const std::string& value) {
  // A secret of a character or two would blank out ordinary words in every message; such a
  // secret protects nothing anyway.
  if (value.size() >= 3) {
    secrets_.push_back(value);
  }
}

std::string ConfigContext::withoutSecrets(std::string message) const {
  for (const std::string& secret : secrets_) {
    for (auto at = message.find(secret); at != std::string::npos;
         at = message.find(secret, at + 8)) {
      message.replace(at, secret.size(), "<secret>");
    }
  }
  return message;
}

bool checkKeys(const YAML::Node& node, std::span<const std::string_view> known,
               const std::string& path, ConfigContext& ctx) {
  if (!node.IsMap()) {
    ctx.error(node, path, (path.empty() ? std::string("the file") : path) + " must be a map");
    return false;
  }
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    bool found = false;
    for (auto k : known) {
      found = found || k == key;
    }
    if (found) {
      continue;
    }
    const std::string where = path.empty() ? key : path + "." + key;
    std::string message = "unknown key \"" + where + "\"";
    if (auto hint = closestMatch(key, known)) {
      message += "; did you mean \"" + *hint + "\"?";
    }
    ctx.error(entry.first, where, message);
  }
  return true;
}

std::optional<std::string> readString(const YAML::Node& node, const std::string& path,
                                      ConfigContext& ctx) {
  if (!node.IsScalar()) {
    ctx.error(node, path, path + ": must be a string");
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<bool> readBool(const YAML::Node& node, const std::string& path, ConfigContext& ctx) {
  if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    if (s == "true") {
      return true;
    }
    if (s == "false") {
      return false;
    }
  }
  ctx.error(node, path, path + ": must be true or false");
  return std::nullopt;
}

std::optional<DurationMs> readDuration(const YAML::Node& node, const std::string& path,
                                       ConfigContext& ctx, bool positive) {
  auto text = readString(node, path, ctx);
  if (!text) {
    return std::nullopt;
  }
  auto parsed = parseDuration(*text);
  if (!parsed.ok()) {
    ctx.error(node, path, path + ": " + parsed.error().message);
    return std::nullopt;
  }
  if (positive && *parsed <= 0) {
    ctx.error(node, path, path + ": must be greater than 0");
    return std::nullopt;
  }
  return *parsed;
}

std::optional<long long> readInteger(const YAML::Node& node, const std::string& path,
                                     ConfigContext& ctx, long long min, long long max) {
  auto text = readString(node, path, ctx);
  if (!text) {
    return std::nullopt;
  }
  long long value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    ctx.error(
        node, path,
        path + ": must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> readValueOrSecret(const YAML::Node& node, const std::string& path,
                                             ConfigContext& ctx,
                                             std::set<std::string>& secretPaths) {
  if (!node.IsMap()) {
    return readString(node, path, ctx);
  }
  static constexpr std::array<std::string_view, 2> kSecretKeys{"file", "env"};
  if (!checkKeys(node, kSecretKeys, path, ctx)) {
    return std::nullopt;
  }
  if (node.size() != 1) {
    ctx.error(node, path, path + ": a secret is {file: path} or {env: NAME}");
    return std::nullopt;
  }
  secretPaths.insert(path);
  if (node["env"]) {
    auto name = readString(node["env"], path + ".env", ctx);
    if (!name) {
      return std::nullopt;
    }
    auto value = ctx.env().getenv ? ctx.env().getenv(*name) : std::nullopt;
    if (!value || value->empty()) {
      ctx.error(node["env"], path, path + ": environment variable " + *name + " is not set");
      return std::nullopt;
    }
    ctx.rememberSecret(*value);
    return value;
  }
  auto file = readString(node["file"], path + ".file", ctx);
  if (!file) {
    return std::nullopt;
  }
  const std::string resolved = resolvePath(*file, ctx);
  auto value = ctx.env().readFile
                   ? ctx.env().readFile(resolved)
                   : Result<std::string>(Error(ErrorCode::kInternal, "no file access"));
  if (!value.ok()) {
    ctx.error(node["file"], path, path + ": cannot read secret file " + resolved);
    return std::nullopt;
  }
  if (value->empty()) {
    ctx.error(node["file"], path, path + ": secret file " + resolved + " is empty");
    return std::nullopt;
  }
  ctx.rememberSecret(*value);
  return std::move(value).value();
}

std::string resolvePath(const std::string& path, const ConfigContext& ctx) {
  if (path.empty() || path.front() == '/' || ctx.env().baseDir.empty()) {
    return path;
  }
  return ctx.env().baseDir + "/" + path;
}

}  // namespace nova::daemon::detail
