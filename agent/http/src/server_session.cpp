#include "server_session.h"

#include <algorithm>

namespace nova::http::detail {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = boost::asio::ip::tcp;

constexpr std::size_t kMaxHeaderBytes = 16 * 1024;
// What one read takes from the socket while a keep-alive connection waits for a request.
constexpr std::size_t kReadChunk = 4096;

ServerRequest toServerRequest(const bhttp::request<bhttp::string_body>& request) {
  ServerRequest out;
  out.method = std::string(request.method_string());
  const std::string_view target = request.target();
  const auto question = target.find('?');
  out.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) {
    out.query = std::string(target.substr(question + 1));
  }
  for (const auto& field : request) {
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = request.body();
  return out;
}

std::chrono::milliseconds after(DurationMs ms) {
  return std::chrono::milliseconds(ms);
}

}  // namespace

void SessionRegistry::add(const std::shared_ptr<Session>& session) {
  sessions.push_back(session);
  if (counters != nullptr) {
    ++counters->accepted;
    counters->open = sessions.size();
  }
}

void SessionRegistry::remove(const Session* session) {
  sessions.remove_if([session](const auto& s) { return s.get() == session; });
  if (counters != nullptr) {
    counters->open = sessions.size();
  }
}

bool SessionRegistry::evictLongestWaiting() {
  std::shared_ptr<Session> victim;
  for (const auto& s : sessions) {
    if (s->waiting() && (!victim || s->waitingSince() < victim->waitingSince())) {
      victim = s;
    }
  }
  if (!victim) {
    return false;
  }
  if (counters != nullptr) {
    ++counters->evicted;
  }
  victim->close();
  return true;
}

Session::Session(tcp::socket socket, const ServerOptions& options, const Handler& handler,
                 SessionRegistry& registry)
    : stream_(std::move(socket)), options_(options), handler_(handler), registry_(registry) {}

void Session::start() {
  startWaiting();
  readHeader();
}

void Session::close() {
  if (closed_) {
    return;
  }
  closed_ = true;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
  registry_.remove(this);  // may drop the registry's reference: touch nothing after it
}

void Session::count(std::atomic<std::uint64_t> ConnectionCounters::*counter) {
  if (registry_.counters != nullptr) {
    ++(registry_.counters->*counter);
  }
}

void Session::startWaiting() {
  waiting_ = true;
  waitingSince_ = ++registry_.waitOrder;
}

// A keep-alive connection waits up to idleTimeout for the next request's first byte; the
// header deadline runs from there.
void Session::awaitNextRequest() {
  startWaiting();
  if (buffer_.size() > 0) {
    return readHeader();  // pipelined: the next request is already here
  }
  stream_.expires_after(after(options_.idleTimeout));
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                            if (ec == beast::error::timeout) {
                              self->count(&ConnectionCounters::idleClosed);
                              return self->close();
                            }
                            if (ec) {
                              return self->close();
                            }
                            self->buffer_.commit(n);
                            self->readHeader();
                          });
}

// The deadline is set once for the whole header: beast's stream timer is not restarted by
// each partial read, so a client trickling bytes is cut when it passes.
void Session::readHeader() {
  parser_.emplace();
  parser_->body_limit(options_.maxBodyBytes);
  parser_->header_limit(kMaxHeaderBytes);
  stream_.expires_after(after(options_.headerTimeout));
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onHeader(ec); });
}

void Session::onHeader(beast::error_code ec) {
  if (closeOnError(ec)) {
    return;
  }
  if (parser_->is_done()) {
    return answer();
  }
  stream_.expires_after(after(options_.bodyTimeout));
  bhttp::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onBody(ec); });
}

void Session::onBody(beast::error_code ec) {
  if (!closeOnError(ec)) {
    answer();
  }
}

// True when `ec` ended the request: a body over the cap is answered 413, anything else
// (deadline, reset, end of stream, malformed request, eviction) closes the connection.
bool Session::closeOnError(beast::error_code ec) {
  if (!ec) {
    return false;
  }
  if (ec == bhttp::error::body_limit) {
    waiting_ = false;
    ServerResponse tooLarge{413, "text/plain; charset=utf-8", {}, "request body too large\n"};
    write(tooLarge, false, false);
    return true;
  }
  if (ec == beast::error::timeout) {
    count(&ConnectionCounters::timedOut);
  }
  close();
  return true;
}

void Session::answer() {
  waiting_ = false;
  const auto& request = parser_->get();
  ServerResponse response;
  try {
    response = handler_(toServerRequest(request));
  } catch (const std::exception&) {
    response = ServerResponse{500, "text/plain; charset=utf-8", {}, "internal error\n"};
  }
  write(response, request.keep_alive(), request.method() == bhttp::verb::head);
}

// A HEAD answer carries the GET answer's headers, Content-Length included, and no body
// (RFC 9110 9.3.2): a body after it would be read as the next response on keep-alive.
void Session::write(const ServerResponse& response, bool keepAlive, bool head) {
  auto message = std::make_shared<bhttp::response<bhttp::string_body>>(
      static_cast<bhttp::status>(response.status), 11);
  message->set(bhttp::field::server, "nova");
  message->set(bhttp::field::content_type, response.contentType);
  for (const auto& [name, value] : response.headers) {
    message->set(name, value);
  }
  message->keep_alive(keepAlive);
  if (head) {
    message->content_length(response.body.size());
  } else {
    message->body() = response.body;
    message->prepare_payload();
  }
  stream_.expires_after(after(options_.writeTimeout));
  bhttp::async_write(stream_, *message,
                     [self = shared_from_this(), message](beast::error_code ec, std::size_t) {
                       if (ec || !message->keep_alive()) {
                         return self->close();
                       }
                       self->awaitNextRequest();
                     });
}

}  // namespace nova::http::detail
