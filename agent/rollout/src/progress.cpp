// The progress lines of novactl: rewritten in place on a terminal, plain lines in CI.
#include "nova/rollout/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <ostream>

#include "nova/core/rfc3339.h"

namespace nova::rollout {
namespace {

std::string clockTime(TimestampMs at) {
  return formatRfc3339(at, SubSecond::kNone).substr(11, 8);
}

std::string plainLine(const EngineEvent& e) {
  return clockTime(e.at) + " " + e.phase + " " + e.step + ": " + e.result +
         (e.detail.empty() ? "" : " - " + e.detail);
}

// Cuts `text` to `columns` characters of the screen, on a UTF-8 boundary, with control
// characters (a hook's newlines) as spaces so the line stays one line.
std::string fitted(std::string text, int columns) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      c = ' ';
    }
  }
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0) == 0x80) {
      continue;  // a continuation byte takes no column of its own
    }
    if (width == static_cast<std::size_t>(columns > 1 ? columns - 1 : 1)) {
      return text.substr(0, i);
    }
    ++width;
  }
  return text;
}

}  // namespace

bool isProgressTerminal(int fd) {
  if (::isatty(fd) == 0) {
    return false;
  }
  const char* term = std::getenv("TERM");
  return term == nullptr || std::strcmp(term, "dumb") != 0;
}

int terminalColumns(int fd, int fallback) {
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  return fallback;
}

ProgressPrinter::ProgressPrinter(std::ostream& out, bool terminal, const Clock& clock, int columns)
    : out_(out), terminal_(terminal), clock_(clock), columns_(columns) {}

void ProgressPrinter::event(const EngineEvent& e) {
  if (!terminal_) {
    out_ << plainLine(e) << "\n" << std::flush;
    return;
  }
  const MonoTime now = clock_.monoNow();
  if (e.phase != phase_) {
    finish();
    phase_ = e.phase;
    phaseStarted_ = now;
  }
  const std::string line = clockTime(e.at) + " " + e.phase + " [" +
                           formatDuration((now - phaseStarted_) / kSecond * kSecond) + "] " +
                           e.step + ": " + e.result + (e.detail.empty() ? "" : " - " + e.detail);
  out_ << "\r\033[K" << fitted(line, columns_);
  open_ = true;
  if (e.result == "failed") {
    // A failure stays on screen: the next step starts a line of its own.
    out_ << "\n";
    open_ = false;
  }
  out_ << std::flush;
}

void ProgressPrinter::finish() {
  if (open_) {
    out_ << "\n" << std::flush;
    open_ = false;
  }
}

}  // namespace nova::rollout
