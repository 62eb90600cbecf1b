#pragma once

#include <iosfwd>
#include <string>

#include "nova/core/clock.h"
#include "nova/rollout/engine.h"

namespace nova::rollout {

/// True when `fd` is a terminal a progress line may be rewritten on: isatty, and TERM is
/// not "dumb" (clig.dev: no animation without a TTY).
bool isProgressTerminal(int fd);

/// The columns of the terminal on `fd` (TIOCGWINSZ), or `fallback` when unknown.
int terminalColumns(int fd, int fallback = 100);

/// Progress for people on stderr. On a terminal: one line per phase, rewritten in place
/// ("\r", erase to the end) with each step and the time spent in the phase, cut to the
/// terminal's width so it never wraps; a failed step keeps its own line. Elsewhere (CI, a
/// file): one plain line per event, "HH:MM:SS phase step: result - detail", the lines
/// `novactl rollout` has always written. Elapsed times are on the clock's monotonic time.
/// Not thread-safe: callers serialise.
class ProgressPrinter {
 public:
  ProgressPrinter(std::ostream& out, bool terminal, const Clock& clock, int columns = 100);

  void event(const EngineEvent& e);
  /// Ends the open line, if any (before a final message).
  void finish();

 private:
  std::ostream& out_;
  bool terminal_;
  const Clock& clock_;
  int columns_;
  bool open_ = false;
  std::string phase_;
  MonoTime phaseStarted_;
};

}  // namespace nova::rollout
