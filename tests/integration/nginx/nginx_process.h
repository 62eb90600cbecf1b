#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace nova::testing {

/// The real nginx (Debian's /usr/sbin/nginx) in the foreground, with the demo's
/// configuration (examples/demo/nginx.conf.in) in a private temporary prefix, listening on
/// a free 127.0.0.1 port. Never touches the packaged service. Stopped (SIGQUIT, then
/// SIGKILL) and its folder removed on destruction.
class NginxProcess {
 public:
  static constexpr const char* kBinary = "/usr/sbin/nginx";

  /// Writes `upstream` as the upstream include, renders the configuration and starts nginx;
  /// retries with another port if the first one was taken meanwhile. Throws
  /// std::runtime_error with the error log when nginx does not answer within 10 s.
  explicit NginxProcess(const std::string& upstream);
  ~NginxProcess();
  NginxProcess(const NginxProcess&) = delete;
  NginxProcess& operator=(const NginxProcess&) = delete;

  int port() const { return port_; }
  /// "http://127.0.0.1:PORT" + path.
  std::string url(const std::string& path) const;
  const std::filesystem::path& prefix() const { return prefix_; }
  std::filesystem::path upstreamFile() const { return prefix_ / "upstream.conf"; }
  std::filesystem::path pidFile() const { return prefix_ / "nginx.pid"; }
  std::filesystem::path configFile() const { return prefix_ / "nginx.conf"; }
  /// "nginx -p PREFIX -c CONF -e LOG -s reload", as the switch's reload_command.
  std::string reloadCommand() const;
  std::string errorLog() const;

 private:
  bool startOnce();
  void stop();

  std::filesystem::path prefix_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace nova::testing
