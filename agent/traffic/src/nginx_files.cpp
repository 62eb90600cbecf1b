#include "nginx_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace nova::traffic::detail {
namespace {

std::string failure(std::string_view step, const std::string& path) {
  return std::string(step) + " " + path + ": " + std::strerror(errno);
}

std::string folderOf(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) {
    return ".";
  }
  return slash == 0 ? "/" : path.substr(0, slash);
}

Status writeAll(int fd, std::string_view content, const std::string& path) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return Error{failure("cannot write", path)};
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

// Durability of the rename itself: without this a crash could bring back the old include.
void syncFolder(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

std::string renderUpstream(std::string_view server, std::string_view note) {
  std::string comment(note);
  for (char& c : comment) {
    if (c == '\n' || c == '\r') {
      c = ' ';
    }
  }
  return "# " + comment + "\nserver " + std::string(server) + ";\n";
}

std::vector<std::string> upstreamServers(std::string_view text) {
  std::vector<std::string> servers;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    if (const auto hash = line.find('#'); hash != std::string::npos) {
      line.erase(hash);
    }
    std::istringstream words(line);
    std::string directive;
    std::string address;
    if (!(words >> directive >> address) || directive != "server") {
      continue;
    }
    if (!address.empty() && address.back() == ';') {
      address.pop_back();
    }
    servers.push_back(address);
  }
  return servers;
}

Result<std::string> readWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error{failure("cannot read", path)};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Status writeFileAtomically(const std::string& path, std::string_view content) {
  mode_t mode = 0644;
  if (struct stat st{}; ::stat(path.c_str(), &st) == 0) {
    mode = st.st_mode & 07777;
  }
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    return Error{failure("cannot create", tmp)};
  }
  Status written = writeAll(fd, content, tmp);
  if (written.ok() && ::fchmod(fd, mode) != 0) {
    written = Error{failure("cannot chmod", tmp)};
  }
  if (written.ok() && ::fsync(fd) != 0) {
    written = Error{failure("cannot fsync", tmp)};
  }
  if (::close(fd) != 0 && written.ok()) {
    written = Error{failure("cannot close", tmp)};
  }
  if (written.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    written = Error{failure("cannot rename " + tmp + " to", path)};
  }
  if (!written.ok()) {
    ::unlink(tmp.c_str());
    return written;
  }
  syncFolder(folderOf(path));
  return {};
}

}  // namespace nova::traffic::detail
