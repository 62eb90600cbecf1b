#include "nova/core/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace nova {
namespace {

Error ioError(std::string_view step, const std::string& path, int err) {
  const ErrorCode code = err == ENOENT                                   ? ErrorCode::kNotFound
                         : err == EACCES || err == EPERM || err == EROFS ? ErrorCode::kRefused
                                                                         : ErrorCode::kInternal;
  return Error(code, std::string(step) + " " + path + ": " + std::strerror(err));
}

// Closes on every path out.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

Status writeAll(int fd, std::string_view content, const std::string& path) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return ioError("cannot write", path, errno);
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Status syncDirectoryOf(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) {
    dir = ".";
  }
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) {
    return ioError("cannot open directory", dir, errno);
  }
  if (::fsync(fd.get()) != 0) {
    return ioError("cannot fsync directory", dir, errno);
  }
  return {};
}

}  // namespace

Result<std::string> readDescriptor(int fd, std::string_view name, std::size_t maxBytes) {
  std::string out;
  char buffer[64 * 1024];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno == EISDIR) {
        return Error(ErrorCode::kInvalidInput, std::string(name) + ": is a directory");
      }
      return ioError("cannot read", std::string(name), errno);
    }
    if (n == 0) {
      return out;
    }
    if (out.size() + static_cast<std::size_t>(n) > maxBytes) {
      return Error(ErrorCode::kInvalidInput,
                   std::string(name) + ": larger than " + std::to_string(maxBytes) + " bytes");
    }
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

Result<std::string> readFile(const std::string& path, std::size_t maxBytes) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    return ioError("cannot open", path, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      return Error(ErrorCode::kInvalidInput, path + ": is a directory");
    }
    if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > maxBytes) {
      return Error(ErrorCode::kInvalidInput,
                   path + ": larger than " + std::to_string(maxBytes) + " bytes");
    }
  }
  return readDescriptor(fd.get(), path, maxBytes);
}

Status writeFileDurably(const std::string& path, std::string_view content, DurableWrite options) {
  const std::string tmp = path + ".tmp";
  {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, options.mode));
    if (fd.get() < 0) {
      return ioError("cannot create", tmp, errno);
    }
    if (Status s = writeAll(fd.get(), content, tmp); !s) {
      return s;
    }
    if (::fsync(fd.get()) != 0) {
      return ioError("cannot fsync", tmp, errno);
    }
    if (::close(fd.release()) != 0) {
      return ioError("cannot close", tmp, errno);
    }
  }
  if (options.keepPrevious) {
    const std::string prev = path + ".prev";
    // A hard link keeps the old content under .prev without copying; the rename below
    // then swaps the new content in. Missing old file: nothing to keep.
    ::unlink(prev.c_str());
    if (::link(path.c_str(), prev.c_str()) != 0 && errno != ENOENT) {
      return ioError("cannot keep the previous copy of", path, errno);
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return ioError("cannot rename " + tmp + " to", path, errno);
  }
  return syncDirectoryOf(path);
}

Status appendDurably(const std::string& path, std::string_view line) {
  const bool existed = ::access(path.c_str(), F_OK) == 0;
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (fd.get() < 0) {
    return ioError("cannot open", path, errno);
  }
  std::string record(line);
  record += '\n';
  if (Status s = writeAll(fd.get(), record, path); !s) {
    return s;
  }
  if (::fdatasync(fd.get()) != 0) {
    return ioError("cannot fsync", path, errno);
  }
  return existed ? Status{} : syncDirectoryOf(path);
}

}  // namespace nova
