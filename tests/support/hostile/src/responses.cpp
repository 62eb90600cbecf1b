#include <cstdio>
#include <random>
#include <string>

#include "connection.h"

namespace nova::hostile::detail {
namespace {

constexpr std::size_t kBlockBytes = 64 * 1024;
constexpr std::size_t kResetDeclaredBytes = std::size_t{1} << 20;
constexpr std::size_t kResetSentBytes = 256 * 1024;
constexpr int kChunkEveryMs = 20;

bool isHealthPath(const std::string& path) {
  return path.starts_with("/health");
}

std::string head(int status, std::string_view reason, std::string_view contentType,
                 std::string_view extra = {}) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  out += "Content-Type: " + std::string(contentType) + "\r\n";
  out += extra;
  out += "Connection: close\r\n\r\n";
  return out;
}

std::string contentLength(std::size_t n) {
  return "Content-Length: " + std::to_string(n) + "\r\n";
}

std::string_view contentTypeFor(const std::string& path) {
  return isHealthPath(path) ? "application/json" : "text/plain; version=0.0.4";
}

std::string healthyBodyFor(const std::string& path) {
  return isHealthPath(path) ? std::string(R"({"status":"healthy"})") : healthyExposition();
}

std::string response(int status, std::string_view reason, const std::string& path,
                     const std::string& body) {
  return head(status, reason, contentTypeFor(path), contentLength(body.size())) + body;
}

// Whole exposition lines, so any prefix a client keeps parses up to the cut.
const std::string& fillerBlock() {
  static const std::string block = [] {
    std::string out;
    for (int i = 0; out.size() + 64 < kBlockBytes; ++i) {
      char line[64];
      std::snprintf(line, sizeof line, "hostile_filler_total{shard=\"%06d\"} 1\n", i);
      out += line;
    }
    return out;
  }();
  return block;
}

void streamFiller(Connection& c, std::size_t total) {
  const std::string& block = fillerBlock();
  for (std::size_t sent = 0; sent < total;) {
    const std::size_t n = std::min(block.size(), total - sent);
    if (!c.sendBody(std::string_view(block).substr(0, n))) {
      return;
    }
    sent += n;
  }
}

void hugeBody(Connection& c, bool declared) {
  const std::string extra = declared ? contentLength(kHugeBodyBytes) : std::string();
  if (c.send(head(200, "OK", "text/plain; version=0.0.4", extra))) {
    streamFiller(c, kHugeBodyBytes);
  }
}

void randomBytes(Connection& c) {
  static std::atomic<std::uint64_t> seed{1};
  std::mt19937_64 random(seed++);
  std::string bytes(kBlockBytes, '\0');
  for (char& b : bytes) {
    b = static_cast<char>(random() & 0xff);
  }
  c.sendBody(bytes);
}

void resetMidBody(Connection& c) {
  if (c.send(head(200, "OK", "text/plain; version=0.0.4", contentLength(kResetDeclaredBytes)))) {
    streamFiller(c, kResetSentBytes);
  }
  c.reset();
}

std::string longLineBody() {
  return "hostile_long_line{blob=\"" + std::string(kLongLineBytes, 'x') + "\"} 1\n";
}

std::string oneInvalidLineBody() {
  std::string body = healthyExposition();
  std::size_t pos = 0;
  for (std::size_t line = 1; line < kInvalidLineNumber; ++line) {
    pos = body.find('\n', pos) + 1;
  }
  // The closing brace is missing: a scraper must refuse the whole body.
  body.insert(pos, "nova_http_requests_total{method=\"GET\",code=\"503\" 7\n");
  return body;
}

void endlessChunked(Connection& c) {
  if (!c.send(head(200, "OK", "text/plain; version=0.0.4", "Transfer-Encoding: chunked\r\n"))) {
    return;
  }
  for (std::uint64_t i = 0;; ++i) {
    const std::string line = "hostile_endless_total{n=\"" + std::to_string(i) + "\"} 1\n";
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", line.size());
    if (!c.send(size) || !c.sendBody(line) || !c.send("\r\n") || !c.pause(kChunkEveryMs)) {
      return;
    }
  }
}

}  // namespace

void respond(Connection& c, Mode mode, const std::string& path) {
  switch (mode) {
    case Mode::kHealthy:
    case Mode::kTlsSelfSigned:
      c.send(response(200, "OK", path, healthyBodyFor(path)));
      return;
    case Mode::kSlowHeaders:
      c.sendSlowly(response(200, "OK", path, healthyBodyFor(path)));
      return;
    case Mode::kSlowBody: {
      const std::string body = healthyBodyFor(path);
      if (c.send(head(200, "OK", contentTypeFor(path), contentLength(body.size())))) {
        c.sendSlowly(body);
      }
      return;
    }
    case Mode::kHugeBody:
    case Mode::kHugeBodyDeclared:
      hugeBody(c, mode == Mode::kHugeBodyDeclared);
      return;
    case Mode::kRandomBytes:
      randomBytes(c);
      return;
    case Mode::kResetMidBody:
      resetMidBody(c);
      return;
    case Mode::kRedirectLoop:
      c.send(head(302, "Found", "text/plain", "Location: " + path + "\r\n" + contentLength(0)));
      return;
    case Mode::kLongLine:
      c.send(response(200, "OK", "/metrics", longLineBody()));
      return;
    case Mode::kOneInvalidLine:
      c.send(response(200, "OK", "/metrics", oneInvalidLineBody()));
      return;
    case Mode::kUnhealthyJson:
      c.send(response(200, "OK", "/health", R"({"status":"unhealthy"})"));
      return;
    case Mode::kGarbageJson:
      c.send(response(200, "OK", "/health", R"({"status": "healthy", "checks": [{"db": )"));
      return;
    case Mode::kServerError:
      c.send(response(500, "Internal Server Error", path, healthyBodyFor(path)));
      return;
    case Mode::kEndlessChunked:
      endlessChunked(c);
      return;
  }
}

}  // namespace nova::hostile::detail
