#pragma once

#include <string>

#include "load.h"

namespace nova::demo {

struct LoadRunOptions {
  LoadOptions load;
  /// A file the caller writes when it injects the fault: its content is the fault's wall
  /// time in ms. From then on the first answer from blue (load.colorHeader equal to
  /// load.blueValue) is watched for.
  std::string faultMark;
};

/// Runs the load until SIGINT or SIGTERM, then prints "fault-to-blue: S s" (when a fault
/// was marked) and "failed client requests: N of M". Returns 0, or 1 when a marked fault
/// never saw an answer from blue.
int runLoadUntilStopped(const LoadRunOptions& options);

}  // namespace nova::demo
