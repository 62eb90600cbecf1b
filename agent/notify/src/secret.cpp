#include "nova/notify/secret.h"

#include <cstdlib>
#include <ostream>

#include "nova/core/files.h"
#include "nova/core/text.h"
#include "nova/http/url.h"

namespace nova::notify {
namespace {

// A secret file holds a key or a URL; anything larger is a mistake.
constexpr std::size_t kMaxSecretFileBytes = 64 * 1024;

}  // namespace

std::string toString(const Secret&) {
  return std::string(kRedacted);
}

std::ostream& operator<<(std::ostream& out, const Secret&) {
  return out << kRedacted;
}

Result<std::optional<Secret>> readSecret(const std::map<std::string, std::string>& settings,
                                         std::string_view key, const SecretSources& sources) {
  const std::string plain(key);
  const std::string file = plain + "_file";
  const std::string env = plain + "_env";
  const int given =
      static_cast<int>(settings.count(plain) + settings.count(file) + settings.count(env));
  if (given == 0) {
    return std::optional<Secret>{};
  }
  if (given > 1) {
    return Error(ErrorCode::kInvalidInput,
                 "set only one of " + plain + ", " + file + " and " + env);
  }
  std::string value;
  if (auto it = settings.find(plain); it != settings.end()) {
    value = std::string(trim(it->second));
  } else if (auto it = settings.find(file); it != settings.end()) {
    auto read =
        sources.readFile ? sources.readFile(it->second) : readFile(it->second, kMaxSecretFileBytes);
    if (!read.ok()) {
      return Error(read.error().code,
                   file + ": cannot read the secret file (" + read.error().message + ")");
    }
    value = std::string(trim(*read));
  } else {
    const std::string& name = settings.at(env);
    std::optional<std::string> found;
    if (sources.getenv) {
      found = sources.getenv(name);
    } else if (const char* raw = std::getenv(name.c_str())) {
      found = raw;
    }
    if (!found) {
      return Error(ErrorCode::kNotFound, env + ": environment variable " + name + " is not set");
    }
    value = std::string(trim(*found));
  }
  if (value.empty()) {
    return Error(ErrorCode::kInvalidInput, plain + ": the secret is empty");
  }
  return std::optional<Secret>{Secret(std::move(value))};
}

std::vector<Secret> urlSecrets(const Secret& url) {
  constexpr std::size_t kMinPiece = 8;
  std::vector<Secret> out{url};
  auto parsed = http::Url::parse(url.reveal());
  if (!parsed.ok()) {
    return out;
  }
  std::vector<std::string> pieces = parsed->encodedSegments();
  for (auto& value : parsed->encodedParamValues()) {
    pieces.push_back(std::move(value));
  }
  for (auto& piece : pieces) {
    if (piece.size() >= kMinPiece) {
      out.emplace_back(std::move(piece));
    }
  }
  if (auto password = parsed->encodedPassword(); !password.empty()) {
    out.emplace_back(std::move(password));
  }
  return out;
}

std::string redact(std::string text, const std::vector<Secret>& secrets) {
  for (const auto& secret : secrets) {
    const std::string& value = secret.reveal();
    if (value.size() < 4) {
      continue;
    }
    for (auto pos = text.find(value); pos != std::string::npos;
         pos = text.find(value, pos + kRedacted.size())) {
      text.replace(pos, value.size(), kRedacted);
    }
  }
  return text;
}

}  // namespace nova::notify
