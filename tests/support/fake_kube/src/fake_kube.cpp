#include "nova/fake_kube/fake_kube.h"

#include <sys/socket.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <exception>
#include <list>
#include <mutex>
#include <thread>

#include "api.h"

namespace nova::fake_kube {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

struct FakeKube::Impl {
  explicit Impl(Options options) : api(std::move(options)) {}

  void acceptLoop();
  void serveConnection(tcp::socket socket);
  template <typename Stream>
  bool serveOne(Stream& stream, tcp::socket& socket, beast::flat_buffer& buffer);
  template <typename Stream>
  bool serveWatch(Stream& stream, const detail::ApiRequest& request, unsigned version);

  detail::Api api;
  asio::io_context io;
  std::unique_ptr<asio::ssl::context> tls;
  tcp::acceptor acceptor{io};
  std::thread acceptThread;
  std::atomic<bool> stopping{false};
  std::mutex mutex;  // guards connections and fds
  std::list<std::thread> connections;
  std::list<int> fds;
  std::string hostPort;
};

void FakeKube::Impl::acceptLoop() {
  while (!stopping) {
    boost::system::error_code ec;
    tcp::socket socket(io);
    acceptor.accept(socket, ec);
    if (ec || stopping) {
      break;
    }
    std::lock_guard lock(mutex);
    fds.push_back(socket.native_handle());
    connections.emplace_back(
        [this, s = std::move(socket)]() mutable { serveConnection(std::move(s)); });
  }
}

void FakeKube::Impl::serveConnection(tcp::socket socket) {
  const int fd = socket.native_handle();
  beast::flat_buffer buffer;
  try {
    if (tls) {
      asio::ssl::stream<tcp::socket&> stream(socket, *tls);
      stream.handshake(asio::ssl::stream_base::server);
      while (!stopping && serveOne(stream, socket, buffer)) {
      }
    } else {
      while (!stopping && serveOne(socket, socket, buffer)) {
      }
    }
  } catch (const std::exception&) {
    // A broken connection or failed handshake ends this thread only.
  }
  std::lock_guard lock(mutex);
  fds.remove(fd);
  boost::system::error_code ignored;
  socket.close(ignored);
}

template <typename Stream>
bool FakeKube::Impl::serveOne(Stream& stream, tcp::socket& socket, beast::flat_buffer& buffer) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.body_limit(8 * 1024 * 1024);
  boost::system::error_code ec;
  bhttp::read(stream, buffer, parser, ec);
  if (ec) {
    return false;
  }
  const auto& req = parser.get();
  detail::ApiRequest request;
  request.method = std::string(req.method_string());
  std::string target(req.target());
  auto question = target.find('?');
  request.path = target.substr(0, question);
  request.query = question == std::string::npos ? "" : target.substr(question + 1);
  request.authorization = std::string(req[bhttp::field::authorization]);
  request.contentType = std::string(req[bhttp::field::content_type]);
  request.body = req.body();

  if (detail::Api::isWatch(request)) {
    return serveWatch(stream, request, req.version());
  }
  detail::ApiResponse answer = api.handle(request, hostPort);
  if (answer.reset) {
    // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
    socket.set_option(asio::socket_base::linger(true, 0), ec);
    socket.close(ec);
    return false;
  }
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(answer.status), req.version()};
  res.set(bhttp::field::content_type, "application/json");
  res.set("Audit-Id", "fake");
  for (const auto& [name, value] : answer.headers) {
    res.set(name, value);
  }
  res.keep_alive(req.keep_alive());
  res.body() = std::move(answer.body);
  res.prepare_payload();
  bhttp::write(stream, res, ec);
  return !ec && req.keep_alive();
}

// A watch answers 200 with a chunked body of events, each written as soon as it happens;
// the connection closes when the stream ends.
template <typename Stream>
bool FakeKube::Impl::serveWatch(Stream& stream, const detail::ApiRequest& request,
                                unsigned version) {
  auto opened = api.openWatch(request);
  boost::system::error_code ec;
  if (auto* refused = std::get_if<detail::ApiResponse>(&opened)) {
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(refused->status), version};
    res.set(bhttp::field::content_type, "application/json");
    res.keep_alive(false);
    res.body() = std::move(refused->body);
    res.prepare_payload();
    bhttp::write(stream, res, ec);
    return false;
  }
  auto& cursor = std::get<detail::WatchCursor>(opened);
  bhttp::response<bhttp::empty_body> res{bhttp::status::ok, version};
  res.set(bhttp::field::content_type, "application/json");
  res.set("Audit-Id", "fake");
  res.chunked(true);
  res.keep_alive(false);
  bhttp::response_serializer<bhttp::empty_body> head{res};
  bhttp::write_header(stream, head, ec);
  while (!ec && !stopping) {
    std::string text = api.nextWatchChunk(cursor);
    if (!text.empty()) {
      asio::write(stream, bhttp::make_chunk(asio::buffer(text)), ec);
    }
    if (cursor.done) {
      break;
    }
  }
  if (!ec) {
    asio::write(stream, bhttp::make_chunk_last(), ec);
  }
  api.watchClosed();
  return false;
}

FakeKube::FakeKube(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

FakeKube::~FakeKube() {
  stop();
}

Result<std::unique_ptr<FakeKube>> FakeKube::start(Options options) {
  const std::string address = options.address;
  const std::uint16_t port = options.port;
  auto impl = std::make_unique<Impl>(std::move(options));
  try {
    tcp::endpoint endpoint(asio::ip::make_address(address), port);
    impl->acceptor.open(endpoint.protocol());
    impl->acceptor.set_option(asio::socket_base::reuse_address(true));
    impl->acceptor.bind(endpoint);
    impl->acceptor.listen();
  } catch (const std::exception& e) {
    return Error(ErrorCode::kTransport, "fake kube: cannot listen on " + address + ":" +
                                            std::to_string(port) + ": " + e.what());
  }
  if (!impl->api.tlsCertFile().empty()) {
    try {
      impl->tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
      impl->tls->use_certificate_chain_file(impl->api.tlsCertFile());
      impl->tls->use_private_key_file(impl->api.tlsKeyFile(), asio::ssl::context::pem);
    } catch (const std::exception& e) {
      return Error(ErrorCode::kInvalidInput,
                   "fake kube: TLS certificate or key: " + std::string(e.what()));
    }
  }
  impl->hostPort = address + ":" + std::to_string(impl->acceptor.local_endpoint().port());
  Impl* raw = impl.get();
  impl->acceptThread = std::thread([raw] { raw->acceptLoop(); });
  return std::unique_ptr<FakeKube>(new FakeKube(std::move(impl)));
}

std::uint16_t FakeKube::port() const {
  boost::system::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

std::string FakeKube::url() const {
  return (impl_->tls ? "https://" : "http://") + impl_->hostPort;
}

void FakeKube::stop() {
  if (impl_->stopping.exchange(true)) {
    return;
  }
  impl_->api.stop();  // held slow requests end now, so their threads can be joined
  // shutdown() wakes the blocking accept and reads; the threads then close their sockets.
  ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
  if (impl_->acceptThread.joinable()) {
    impl_->acceptThread.join();
  }
  {
    std::lock_guard lock(impl_->mutex);
    for (int fd : impl_->fds) {
      ::shutdown(fd, SHUT_RDWR);
    }
  }
  for (auto& t : impl_->connections) {
    t.join();
  }
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
}

Status FakeKube::seed(std::string_view text) {
  return impl_->api.seed(text);
}

std::optional<boost::json::value> FakeKube::object(std::string_view resource, std::string_view ns,
                                                   std::string_view name) const {
  return impl_->api.object(resource, ns, name);
}

void FakeKube::setTokens(std::vector<std::string> tokens) {
  impl_->api.setTokens(std::move(tokens));
}

void FakeKube::forbid(std::string verb, std::string resource) {
  impl_->api.forbid(std::move(verb), std::move(resource));
}

void FakeKube::inject(Fault fault) {
  impl_->api.inject(std::move(fault));
}

void FakeKube::bookmark(std::string_view resource) {
  impl_->api.bookmark(resource);
}

void FakeKube::expireWatches() {
  impl_->api.expireWatches();
}

std::size_t FakeKube::openWatches() const {
  return impl_->api.openWatches();
}

void FakeKube::clearFaults() {
  impl_->api.clearFaults();
}

void FakeKube::setReadyDelay(DurationMs delay) {
  impl_->api.setReadyDelay(delay);
}

void FakeKube::setRolloutsStalled(bool stalled) {
  impl_->api.setRolloutsStalled(stalled);
}

std::vector<RecordedRequest> FakeKube::requests() const {
  return impl_->api.requests();
}

void FakeKube::clearRequests() {
  impl_->api.clearRequests();
}

int FakeKube::writes(std::string_view pathPart) const {
  return impl_->api.writes(pathPart);
}

std::size_t FakeKube::arrivalCount() const {
  return impl_->api.arrivalCount();
}

bool FakeKube::awaitArrivals(std::size_t count, std::string_view method,
                             std::string_view pathContains, DurationMs realTimeout) const {
  return impl_->api.awaitArrivals(count, method, pathContains, realTimeout);
}

bool FakeKube::awaitAnswers(std::size_t count, std::string_view method,
                            std::string_view pathContains, DurationMs realTimeout) const {
  return impl_->api.awaitAnswers(count, method, pathContains, realTimeout);
}

}  // namespace nova::fake_kube
