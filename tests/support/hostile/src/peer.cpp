#include "nova/hostile/peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <list>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "connection.h"
#include "stopper.h"
#include "tls.h"

namespace nova::hostile {

namespace {

constexpr int kAcceptPollMs = 50;

int listenOnLoopback(std::uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw std::runtime_error("hostile peer: socket() failed");
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("hostile peer: cannot listen on 127.0.0.1:0");
  }
  port = ntohs(addr.sin_port);
  return fd;
}

}  // namespace

struct Peer::Impl {
  struct Session {
    std::unique_ptr<detail::Connection> connection;
    std::thread thread;
    std::atomic<bool> done{false};
  };

  explicit Impl(Mode m) : mode(m) { listenFd = listenOnLoopback(port); }

  void acceptLoop();
  void serve(Session& session, Mode m);
  void reapFinished();

  std::atomic<Mode> mode;
  detail::TlsContext tls;
  detail::Stopper stopper;
  int listenFd = -1;
  std::uint16_t port = 0;
  std::atomic<std::uint64_t> connections{0};
  std::atomic<std::uint64_t> bytesSent{0};
  std::thread acceptor;
  std::mutex sessionsMutex;
  std::list<Session> sessions;  // stable addresses for the threads that serve them
  std::once_flag stopOnce;
};

void Peer::Impl::acceptLoop() {
  while (!stopper.stopped()) {
    pollfd p{listenFd, POLLIN, 0};
    if (::poll(&p, 1, kAcceptPollMs) <= 0) {
      reapFinished();
      continue;
    }
    const int fd = ::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      continue;
    }
    ++connections;
    const Mode m = mode.load();
    std::lock_guard lock(sessionsMutex);
    Session& session = sessions.emplace_back();
    session.connection = std::make_unique<detail::Connection>(fd, stopper, bytesSent);
    session.thread = std::thread([this, &session, m] { serve(session, m); });
  }
}

void Peer::Impl::serve(Session& session, Mode m) {
  detail::Connection& c = *session.connection;
  if (m != Mode::kTlsSelfSigned || c.acceptTls(tls.get())) {
    if (auto path = c.readRequest()) {
      detail::respond(c, m, *path);
    }
  }
  c.close();
  session.done = true;
}

void Peer::Impl::reapFinished() {
  std::lock_guard lock(sessionsMutex);
  for (auto it = sessions.begin(); it != sessions.end();) {
    if (it->done) {
      it->thread.join();
      it = sessions.erase(it);
    } else {
      ++it;
    }
  }
}

Peer::Peer(Mode mode) : impl_(std::make_unique<Impl>(mode)) {
  // A client that hangs up mid-response must cost this process an EPIPE, not its life
  // (SSL_write has no MSG_NOSIGNAL).
  std::signal(SIGPIPE, SIG_IGN);
  impl_->acceptor = std::thread([this] { impl_->acceptLoop(); });
}

Peer::~Peer() {
  stop();
}

void Peer::stop() {
  std::call_once(impl_->stopOnce, [this] {
    impl_->stopper.stop();
    impl_->acceptor.join();
    ::close(impl_->listenFd);
    std::lock_guard lock(impl_->sessionsMutex);
    for (auto& session : impl_->sessions) {
      session.connection->interrupt();
    }
    for (auto& session : impl_->sessions) {
      session.thread.join();
    }
    impl_->sessions.clear();
  });
}

std::uint16_t Peer::port() const {
  return impl_->port;
}

std::string Peer::url(std::string_view path, bool https) const {
  return std::string(https ? "https" : "http") + "://127.0.0.1:" + std::to_string(impl_->port) +
         std::string(path);
}

Mode Peer::mode() const {
  return impl_->mode.load();
}

void Peer::setMode(Mode mode) {
  impl_->mode = mode;
}

const std::string& Peer::certificatePem() const {
  return impl_->tls.certificatePem();
}

std::uint64_t Peer::connections() const {
  return impl_->connections.load();
}

std::uint64_t Peer::bytesSent() const {
  return impl_->bytesSent.load();
}

}  // namespace nova::hostile
