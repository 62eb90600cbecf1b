#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "app.h"

namespace nova::demo {

/// Completes the WebSocket handshake for `upgrade` and echoes messages until either side
/// closes; the connection is counted in the WsHub while open. The server pings an idle
/// client and drops one that stays silent (Beast's suggested server timeouts). Owns itself.
void startWebSocket(boost::asio::ip::tcp::socket&& socket,
                    boost::beast::http::request<boost::beast::http::string_body>&& upgrade,
                    App& app);

}  // namespace nova::demo
