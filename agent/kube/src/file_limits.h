#pragma once

#include <cstddef>

namespace nova::kube::detail {

/// Bounds on the files the client reads, so a wrong path (/dev/zero, a log) fails fast with
/// bounded memory. A service-account token is about 1 KiB, a kubeconfig with embedded
/// certificates tens of KiB.
inline constexpr std::size_t kMaxTokenFileBytes = 64 * 1024;
inline constexpr std::size_t kMaxKubeconfigBytes = 4 * 1024 * 1024;

}  // namespace nova::kube::detail
