#include "nova/notify/secret.h"

#include <cstdlib>
#include <fstream>
#include <ostream>
#include <sstream>

namespace nova::notify {
namespace {

Result<std::string> readWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error{"cannot read " + path};
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string trimmedRight(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' ||
                           text.back() == '\t')) {
    text.pop_back();
  }
  return text;
}

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
    return Error{"set only one of " + plain + ", " + file + " and " + env};
  }
  std::string value;
  if (auto it = settings.find(plain); it != settings.end()) {
    value = it->second;
  } else if (auto it = settings.find(file); it != settings.end()) {
    auto read = sources.readFile ? sources.readFile(it->second) : readWholeFile(it->second);
    if (!read.ok()) {
      return Error{file + ": cannot read secret file " + it->second};
    }
    value = trimmedRight(std::move(*read));
  } else {
    const std::string& name = settings.at(env);
    std::optional<std::string> found;
    if (sources.getenv) {
      found = sources.getenv(name);
    } else if (const char* raw = std::getenv(name.c_str())) {
      found = raw;
    }
    if (!found) {
      return Error{env + ": environment variable " + name + " is not set"};
    }
    value = trimmedRight(std::move(*found));
  }
  if (value.empty()) {
    return Error{plain + ": the secret is empty"};
  }
  return std::optional<Secret>{Secret(std::move(value))};
}

std::vector<Secret> urlSecrets(const Secret& url) {
  constexpr std::size_t kMinPiece = 8;
  const std::string& text = url.reveal();
  std::vector<Secret> out{url};
  const auto scheme = text.find("://");
  const auto pathStart = text.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (pathStart == std::string::npos) {
    return out;
  }
  out.emplace_back(text.substr(pathStart));
  std::string piece;
  for (std::size_t i = pathStart + 1; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : '/';
    if (c == '/' || c == '?' || c == '&' || c == '=' || c == '#') {
      if (piece.size() >= kMinPiece) {
        out.emplace_back(piece);
      }
      piece.clear();
    } else {
      piece += c;
    }
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
