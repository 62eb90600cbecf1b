#include "state_file.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "nova/core/files.h"

namespace nova::daemon::detail {
namespace {

// The escalator's snapshot is small; a state file larger than this is not one.
constexpr std::size_t kMaxStateBytes = std::size_t{4} << 20;

}  // namespace

Status checkStateDirectory(const std::string& stateFile) {
  const std::filesystem::path parent = std::filesystem::path(stateFile).parent_path();
  const std::string dir = parent.empty() ? std::string(".") : parent.string();
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) {
    const int err = errno;
    return Error(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kInternal,
                 "state directory " + dir + ": " + std::strerror(err));
  }
  if (!S_ISDIR(info.st_mode)) {
    return Error(ErrorCode::kInvalidInput, "state directory " + dir + ": not a directory");
  }
  const std::string probe = dir + "/.nova-agent-write-check";
  if (Status written = writeFileDurably(probe, "write check\n"); !written) {
    return Error(written.error().code,
                 "state directory " + dir + " is not writable: " + written.error().message);
  }
  ::unlink(probe.c_str());
  return {};
}

std::optional<std::string> readStateFile(const std::string& path) {
  if (path.empty()) {
    return std::nullopt;
  }
  auto text = readFile(path, kMaxStateBytes);
  if (!text.ok()) {
    if (text.error().code != ErrorCode::kNotFound) {
      spdlog::error("state file not read, starting fresh: {}", text.error().message);
    }
    return std::nullopt;
  }
  return std::move(text).value();
}

StateWriter::StateWriter(std::string path, std::function<void()> onFailure)
    : path_(std::move(path)), onFailure_(std::move(onFailure)) {}

bool StateWriter::write(std::string_view snapshot) {
  if (Status written = writeFileDurably(path_, snapshot); !written) {
    if (failedInARow_++ == 0) {
      spdlog::error(
          "cannot write state file: {}; retrying at every change, further failures are "
          "counted in nova_agent_state_write_failures_total, not logged",
          written.error().message);
    }
    onFailure_();
    return false;
  }
  if (failedInARow_ > 0) {
    spdlog::info("state file {} written again after {} failed writes", path_, failedInARow_);
    failedInARow_ = 0;
  }
  return true;
}

}  // namespace nova::daemon::detail
