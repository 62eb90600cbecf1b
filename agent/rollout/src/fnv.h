#pragma once

#include <cstdint>
#include <string_view>

namespace nova::rollout::detail {

/// FNV-1a, 64 bits: a stable, dependency-free fingerprint for ids and content versions
/// (not for anything that must resist an adversary).
inline std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h = (h ^ c) * 1099511628211ULL;
  }
  return h;
}

}  // namespace nova::rollout::detail
