#include "nova/kube/token_source.h"

#include <spdlog/spdlog.h>

#include "file_limits.h"
#include "nova/core/files.h"
#include "nova/core/text.h"

namespace nova::kube {

TokenSource TokenSource::fixed(std::string token) {
  TokenSource source;
  source.token_ = std::move(token);
  source.loaded_ = true;
  return source;
}

TokenSource TokenSource::file(std::string path, const Clock& clock, DurationMs reloadEvery) {
  TokenSource source;
  source.path_ = std::move(path);
  source.clock_ = &clock;
  source.reloadEvery_ = reloadEvery;
  return source;
}

TokenSource::TokenSource(TokenSource&& other) noexcept {
  *this = std::move(other);
}

TokenSource& TokenSource::operator=(TokenSource&& other) noexcept {
  if (this != &other) {
    std::scoped_lock lock(mutex_, other.mutex_);
    token_ = std::move(other.token_);
    path_ = std::move(other.path_);
    clock_ = other.clock_;
    reloadEvery_ = other.reloadEvery_;
    loadedAt_ = other.loadedAt_;
    loaded_ = other.loaded_;
  }
  return *this;
}

Result<std::string> TokenSource::readTokenFile() const {
  // Opened by path each time: kubelet replaces the file by swapping a symlink.
  auto text = nova::readFile(path_, detail::kMaxTokenFileBytes);
  if (!text.ok()) {
    return text.error().prefixed("token file: ");
  }
  std::string token(trim(*text));
  if (token.empty()) {
    return Error(ErrorCode::kInvalidInput, "token file " + path_ + ": empty");
  }
  return token;
}

Result<std::string> TokenSource::token() {
  std::lock_guard lock(mutex_);
  if (path_.empty()) {
    return token_;
  }
  const MonoTime now = clock_->monoNow();
  if (loaded_ && now - loadedAt_ < reloadEvery_) {
    return token_;
  }
  auto fresh = readTokenFile();
  if (!fresh.ok()) {
    if (loaded_) {
      // Keep serving the old token: a half-written rotation must not break every call.
      spdlog::warn("kube: {}; keeping the previous token", fresh.error().message);
      loadedAt_ = now;
      return token_;
    }
    return fresh.error();
  }
  token_ = std::move(*fresh);
  loadedAt_ = now;
  loaded_ = true;
  return token_;
}

bool TokenSource::reloadAfterUnauthorized() {
  std::lock_guard lock(mutex_);
  if (path_.empty()) {
    return false;
  }
  auto fresh = readTokenFile();
  if (!fresh.ok() || *fresh == token_) {
    return false;
  }
  spdlog::info("kube: token file {} holds a new token; retrying with it", path_);
  token_ = std::move(*fresh);
  loadedAt_ = clock_->monoNow();
  loaded_ = true;
  return true;
}

}  // namespace nova::kube
