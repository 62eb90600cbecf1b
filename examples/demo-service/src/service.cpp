#include "service.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <csignal>
#include <thread>
#include <vector>

#include "http_session.h"

namespace nova::demo {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr auto kStopGrace = std::chrono::milliseconds(500);
constexpr auto kAcceptRetry = std::chrono::milliseconds(50);

}  // namespace

struct Service::Impl {
  explicit Impl(ServiceConfig config)
      : app(std::move(config)),
        control(net::make_strand(ioc)),
        acceptor(control),
        signals(control, SIGINT, SIGTERM),
        grace(control),
        retry(control) {}

  void accept() {
    // Each connection gets its own strand, so several I/O threads never race on it.
    acceptor.async_accept(net::make_strand(ioc),
                          [this](boost::system::error_code ec, tcp::socket socket) {
                            if (!acceptor.is_open()) {
                              return;
                            }
                            if (ec) {
                              // Errors such as EMFILE must not end the listener, nor spin it: retry
                              // shortly.
                              retry.expires_after(kAcceptRetry);
                              retry.async_wait([this](boost::system::error_code) { accept(); });
                              return;
                            }
                            startHttpSession(std::move(socket), app);
                            accept();
                          });
  }

  // Runs on the control strand.
  void beginStop() {
    if (stopping.exchange(true)) {
      return;
    }
    boost::system::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    retry.cancel();
    app.wsHub.closeAll();
    grace.expires_after(kStopGrace);
    grace.async_wait([this](boost::system::error_code) { ioc.stop(); });
  }

  App app;
  net::io_context ioc;
  // The acceptor, signals and timers share one strand, so stopping never races accepting.
  net::strand<net::io_context::executor_type> control;
  tcp::acceptor acceptor;
  net::signal_set signals;
  net::steady_timer grace;
  net::steady_timer retry;
  std::atomic<bool> stopping{false};
};

Service::Service(ServiceConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {
  App& app = impl_->app;
  for (std::size_t i = 0; i < app.config.seedStreams; ++i) {
    (void)app.streams.create("Seed stream " + std::to_string(i + 1), "created at start-up");
  }
  app.metrics.setActiveStreams(static_cast<double>(app.streams.size()));
  applyFaults(app, app.config.faults);
}

Service::~Service() = default;

Status Service::listen() {
  const std::string where = impl_->app.config.host + ":" + std::to_string(impl_->app.config.port);
  boost::system::error_code ec;
  const auto address = net::ip::make_address(impl_->app.config.host, ec);
  if (ec) {
    return Error{ErrorCode::kInvalidInput,
                 "listen " + where + ": invalid address: " + ec.message()};
  }
  const tcp::endpoint endpoint(address, impl_->app.config.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor.set_option(net::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor.listen(net::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    // A taken port is held by someone else; anything else is the host's problem.
    const ErrorCode code =
        ec == net::error::address_in_use ? ErrorCode::kConflict : ErrorCode::kInternal;
    return Error{code, "listen " + where + ": " + ec.message()};
  }
  return {};
}

std::uint16_t Service::port() const {
  boost::system::error_code ec;
  const auto endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void Service::run() {
  Impl& impl = *impl_;
  net::post(impl.control, [&impl] {
    impl.signals.async_wait([&impl](boost::system::error_code ec, int) {
      if (!ec) {
        impl.beginStop();
      }
    });
    impl.accept();
  });
  const int threads = std::max(1, impl.app.config.threads);
  std::vector<std::thread> extra;
  extra.reserve(static_cast<std::size_t>(threads - 1));
  for (int i = 1; i < threads; ++i) {
    extra.emplace_back([&impl] { impl.ioc.run(); });
  }
  impl.ioc.run();
  for (auto& thread : extra) {
    thread.join();
  }
}

void Service::stop() {
  net::post(impl_->control, [&impl = *impl_] { impl.beginStop(); });
}

App& Service::app() {
  return impl_->app;
}

}  // namespace nova::demo
