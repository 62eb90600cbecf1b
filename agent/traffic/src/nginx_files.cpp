#include "nginx_files.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "nova/core/files.h"

namespace nova::traffic::detail {
namespace {

// An upstream include holds a comment and a server line; anything this large is not one.
constexpr std::size_t kMaxIncludeBytes = 1024 * 1024;

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

Result<std::string> readInclude(const std::string& path) {
  return readFile(path, kMaxIncludeBytes);
}

Status replaceInclude(const std::string& path, std::string_view content) {
  DurableWrite how;
  if (struct stat st{}; ::stat(path.c_str(), &st) == 0) {
    how.mode = st.st_mode & 07777;
  }
  if (Status written = writeFileDurably(path, content, how); !written.ok()) {
    return written;
  }
  // The umask may have narrowed the new file's bits; nginx's workers must still read it.
  if (::chmod(path.c_str(), how.mode) != 0) {
    return Error(errno == EPERM ? ErrorCode::kRefused : ErrorCode::kInternal,
                 "cannot chmod " + path + ": " + std::strerror(errno));
  }
  return {};
}

}  // namespace nova::traffic::detail
