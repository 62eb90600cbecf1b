#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "app.h"

namespace nova::demo {

/// Serves HTTP/1.1 on an accepted connection until the peer leaves, an idle timeout (30 s)
/// passes or the connection is upgraded to a WebSocket at /ws. Owns itself.
void startHttpSession(boost::asio::ip::tcp::socket&& socket, App& app);

}  // namespace nova::demo
