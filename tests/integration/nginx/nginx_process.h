#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "nova/testing/child_process.h"
#include "nova/testing/temp_dir.h"

namespace nova::testing {

/// The real nginx (Debian's /usr/sbin/nginx) in the foreground, with the demo's
/// configuration (examples/demo/nginx.conf.in) in a private temporary prefix, listening on
/// a free 127.0.0.1 port, started through tests/support's launcher. Never touches the
/// packaged service. Stopped (SIGQUIT, then SIGKILL) and its folder removed on destruction.
class NginxProcess {
 public:
  static constexpr const char* kBinary = "/usr/sbin/nginx";

  /// Writes `upstream` as the upstream include, renders the configuration and starts nginx;
  /// retries with another port if the first one was taken meanwhile. Throws
  /// std::runtime_error naming the package when nginx is not installed, and with the error
  /// log when nginx does not answer within 10 s.
  explicit NginxProcess(const std::string& upstream);
  ~NginxProcess();
  NginxProcess(const NginxProcess&) = delete;
  NginxProcess& operator=(const NginxProcess&) = delete;

  int port() const { return port_; }
  /// "http://127.0.0.1:PORT" + path.
  std::string url(const std::string& path) const;
  std::filesystem::path prefix() const { return dir_.path(); }
  std::filesystem::path upstreamFile() const { return dir_.file("upstream.conf"); }
  std::filesystem::path pidFile() const { return dir_.file("nginx.pid"); }
  std::filesystem::path configFile() const { return dir_.file("nginx.conf"); }
  /// "nginx -p PREFIX -c CONF -e LOG -s reload", as the switch's reload_command.
  std::string reloadCommand() const;
  std::string errorLog() const;

 private:
  bool startOnce();
  void stop();

  TempDir dir_{"nova-nginx"};
  int port_ = 0;
  std::unique_ptr<ChildProcess> child_;
};

}  // namespace nova::testing
