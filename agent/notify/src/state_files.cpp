#include "state_files.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "nova/core/files.h"

namespace nova::notify::detail {

Result<std::optional<std::string>> readStateFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Error(ErrorCode::kInvalidInput, path + ": is a directory, not a state file");
  }
  auto read = readFile(path, kMaxStateFileBytes);
  if (read.ok()) {
    return std::optional<std::string>(std::move(read).value());
  }
  switch (read.error().code) {
    case ErrorCode::kNotFound:
      return std::optional<std::string>();
    case ErrorCode::kInvalidInput:
      // Not a directory, so larger than the cap: damaged, and recovered like any other.
      return std::optional<std::string>(std::string());
    default:
      return read.error();
  }
}

std::string previousCopy(const std::string& path) {
  return path + ".prev";
}

std::string setAside(const std::string& path) {
  const std::string aside = path + ".corrupt";
  if (std::rename(path.c_str(), aside.c_str()) != 0) {
    spdlog::warn("cannot move {} aside to {}: {}", path, aside, std::strerror(errno));
  }
  return aside;
}

}  // namespace nova::notify::detail
