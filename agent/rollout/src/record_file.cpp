#include "nova/rollout/record_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstring>

#include "fnv.h"
#include "json_fields.h"
#include "nova/core/files.h"

namespace nova::rollout {
namespace {

namespace json = boost::json;

// Far above what a bounded record and lease need.
constexpr std::size_t kMaxFileBytes = kAnnotationsTotalLimit;

// A stand-in resourceVersion: changes whenever the content does (FNV-1a of the bytes).
std::string versionOf(const std::string& raw) {
  return std::to_string(detail::fnv1a64(raw)) + "-" + std::to_string(raw.size());
}

// An exclusive flock held for the lifetime of the object.
class FileLock {
 public:
  explicit FileLock(const std::string& path)
      : fd_(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    if (fd_ >= 0 && flock(fd_, LOCK_EX) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~FileLock() {
    if (fd_ >= 0) {
      close(fd_);  // releases the lock
    }
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool held() const { return fd_ >= 0; }

 private:
  int fd_;
};

}  // namespace

json::value RecordFileState::asObject() const {
  json::object map;
  for (const auto& [key, value] : annotations) {
    map[key] = value;
  }
  json::object metadata{{"resourceVersion", versionOf(raw)}};
  if (exists) {
    metadata["annotations"] = std::move(map);
  }
  return json::object{{"metadata", std::move(metadata)}};
}

Result<RecordFileState> readRecordFile(const std::string& path) {
  RecordFileState state;
  auto raw = readFile(path, kMaxFileBytes);
  if (!raw) {
    if (raw.error().code == ErrorCode::kNotFound) {
      return state;
    }
    return raw.error();
  }
  state.exists = true;
  state.raw = std::move(*raw);
  auto parsed = detail::parseJson(state.raw, path);
  if (!parsed) {
    return parsed.error();
  }
  const json::object* object = parsed->if_object();
  if (object == nullptr) {
    return Error(ErrorCode::kInvalidInput, path + ": expected a JSON object of strings");
  }
  for (const auto& entry : *object) {
    if (!entry.value().is_string()) {
      return Error(ErrorCode::kInvalidInput,
                   path + ": " + std::string(entry.key()) + ": value is not a string");
    }
    state.annotations.emplace(std::string(entry.key()), std::string(entry.value().get_string()));
  }
  return state;
}

Status writeRecordFile(const std::string& path, const RecordFileState& expected,
                       const Annotations& after) {
  const FileLock lock(path + ".lock");
  if (!lock.held()) {
    return Error(ErrorCode::kInternal,
                 "cannot lock " + path + ".lock: " + std::string(std::strerror(errno)));
  }
  auto now = readRecordFile(path);
  if (!now) {
    return now.error();
  }
  if (now->exists != expected.exists || now->raw != expected.raw) {
    return Error(ErrorCode::kConflict, path + " changed since it was read");
  }
  json::object map;
  for (const auto& [key, value] : after) {
    map[key] = value;
  }
  return writeFileDurably(path, json::serialize(map) + "\n");
}

}  // namespace nova::rollout
