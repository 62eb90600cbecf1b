// nova-demo-service: parse the flags, listen, announce the port, serve until SIGTERM/SIGINT.
#include <iostream>

#include "options.h"
#include "service.h"

int main(int argc, char** argv) {
  nova::demo::ServiceConfig config;
  if (const auto exitCode = nova::demo::parseCommandLine(argc, argv, config)) {
    return *exitCode;
  }
  try {
    nova::demo::Service service(config);
    if (nova::Status status = service.listen(); !status) {
      std::cerr << "nova-demo-service: " << status.error().message << "\n";
      return 1;
    }
    // Tests and scripts read this first line to learn the port.
    std::cout << "listening on " << config.host << ":" << service.port() << std::endl;
    if (config.token.empty()) {
      std::cerr << "nova-demo-service: no --token or --token-file: /api is open\n";
    }
    service.run();
  } catch (const std::exception& e) {
    std::cerr << "nova-demo-service: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
