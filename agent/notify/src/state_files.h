#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "nova/core/result.h"

namespace nova::notify::detail {

/// Largest ledger or outbox file read back (a larger one counts as corrupt).
inline constexpr std::size_t kMaxStateFileBytes = 64 << 20;

/// The content of a state file written with writeFileDurably({keepPrevious}) or
/// appendDurably, or nullopt when it does not exist. A file over kMaxStateFileBytes reads
/// as "" (corrupt, so the caller recovers). Other I/O errors (permissions, a directory) are
/// errors naming the file: a state directory the agent cannot use is a start-up error.
Result<std::optional<std::string>> readStateFile(const std::string& path);

/// "<path>.prev", the last good copy writeFileDurably keeps.
std::string previousCopy(const std::string& path);

/// Moves a damaged `path` aside to "<path>.corrupt" (replacing an older one) so that a
/// person can inspect it; returns that name. Best effort: a failure is only logged.
std::string setAside(const std::string& path);

}  // namespace nova::notify::detail
