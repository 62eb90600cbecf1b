#pragma once

#include <mutex>
#include <string>

#include "nova/core/clock.h"
#include "nova/core/result.h"
#include "nova/core/time.h"

namespace nova::kube {

/// The bearer token, either fixed or read from a file that a kubelet rotates (projected
/// service-account tokens expire after about an hour). Like client-go it re-reads the file
/// at most once per `reloadEvery`, trims whitespace, keeps the old token when the file is
/// empty or unreadable, and re-reads at once after the server answered 401. The file is
/// opened by path every time (kubelet swaps a symlink). Thread-safe.
class TokenSource {
 public:
  /// No token at all: requests go without an Authorization header.
  TokenSource() = default;
  /// A fixed token.
  static TokenSource fixed(std::string token);
  /// A token file, re-read every `reloadEvery` ms of `clock`'s monotonic time (`clock` must
  /// outlive this).
  static TokenSource file(std::string path, const Clock& clock, DurationMs reloadEvery = kMinute);

  TokenSource(TokenSource&& other) noexcept;
  TokenSource& operator=(TokenSource&& other) noexcept;

  /// The token to send now ("" for none). Fails only when a file has never yielded a token.
  Result<std::string> token();

  /// Called after a 401: re-reads the file now. True when it now holds a different token,
  /// so one retry is worthwhile; always false for fixed tokens.
  bool reloadAfterUnauthorized();

  /// The token file, or "" for a fixed token; for messages.
  const std::string& path() const { return path_; }

 private:
  Result<std::string> readTokenFile() const;

  std::mutex mutex_;
  std::string token_;
  std::string path_;
  const Clock* clock_ = nullptr;
  DurationMs reloadEvery_ = kMinute;
  MonoTime loadedAt_;
  bool loaded_ = false;
};

}  // namespace nova::kube
