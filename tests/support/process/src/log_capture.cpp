#include "nova/testing/log_capture.h"

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "nova/core/files.h"

namespace nova::testing {
namespace {

constexpr std::size_t kMaxLogBytes = std::size_t{16} << 20;

}  // namespace

LogCapture::LogCapture(std::string path) : path_(std::move(path)) {
  std::ofstream truncate(path_, std::ios::trunc);
  if (!truncate) {
    throw std::runtime_error("cannot create the log " + path_);
  }
}

std::string LogCapture::text() const {
  auto text = readFile(path_, kMaxLogBytes);
  return text.ok() ? std::move(text).value() : "(log unreadable: " + text.error().message + ")";
}

bool LogCapture::waitFor(std::string_view marker, DurationMs timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout);
  while (text().find(marker) == std::string::npos) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

}  // namespace nova::testing
