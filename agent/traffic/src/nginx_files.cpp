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

// The comment line of an include: `note` on one line.
std::string commentLine(std::string_view note) {
  std::string comment(note);
  for (char& c : comment) {
    if (c == '\n' || c == '\r') {
      c = ' ';
    }
  }
  return "# " + comment + "\n";
}

}  // namespace

std::string renderUpstream(std::string_view server, std::string_view note) {
  return commentLine(note) + "server " + std::string(server) + ";\n";
}

std::string renderWeightedUpstream(std::string_view blue, std::int64_t blueWeight,
                                   std::string_view green, std::int64_t greenWeight,
                                   std::string_view note) {
  return commentLine(note) + "server " + std::string(blue) +
         " weight=" + std::to_string(blueWeight) + ";\nserver " + std::string(green) +
         " weight=" + std::to_string(greenWeight) + ";\n";
}

std::vector<UpstreamServer> upstreamServerWeights(std::string_view text) {
  std::vector<UpstreamServer> servers;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    if (const auto hash = line.find('#'); hash != std::string::npos) {
      line.erase(hash);
    }
    std::istringstream words(line);
    std::string directive;
    UpstreamServer server;
    if (!(words >> directive >> server.address) || directive != "server") {
      continue;
    }
    bool last = !server.address.empty() && server.address.back() == ';';
    if (last) {
      server.address.pop_back();
    }
    std::string parameter;
    while (!last && words >> parameter) {
      last = parameter.back() == ';';
      if (last) {
        parameter.pop_back();
      }
      if (parameter.rfind("weight=", 0) == 0) {
        try {
          server.weight = std::stoll(parameter.substr(7));
        } catch (const std::exception&) {
          server.weight = 0;  // not nginx's syntax: no share counted
        }
      }
    }
    servers.push_back(std::move(server));
  }
  return servers;
}

std::vector<std::string> upstreamServers(std::string_view text) {
  std::vector<std::string> servers;
  for (auto& server : upstreamServerWeights(text)) {
    servers.push_back(std::move(server.address));
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
