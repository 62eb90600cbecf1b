#include "nova/remote/source.h"

#include <fmt/format.h>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "nova/http/encoding.h"
#include "nova/http/url.h"

namespace nova::remote {

std::string formEncode(std::string_view text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

std::string unixSeconds(TimestampMs at) {
  const bool negative = at < 0;
  const TimestampMs magnitude = negative ? -at : at;
  std::string out = fmt::format("{}{}", negative ? "-" : "", magnitude / 1000);
  if (const TimestampMs ms = magnitude % 1000; ms != 0) {
    std::string fraction = fmt::format("{:03d}", ms);
    while (fraction.back() == '0') {
      fraction.pop_back();
    }
    out += "." + fraction;
  }
  return out;
}

http::Request buildQueryRequest(const SourceConfig& source, std::string_view expr, TimestampMs at) {
  http::Request request;
  request.method = "POST";
  auto base = http::Url::parse(source.url);
  // A URL that does not parse is kept as is: the client refuses it with its own message.
  request.url = base.ok() ? base->withSegments({"api", "v1", "query"}).str() : source.url;
  request.timeout = source.timeout;
  request.connectTimeout = std::min<DurationMs>(source.timeout, 2 * kSecond);
  request.maxBodyBytes = source.maxResponseBytes;
  request.caFile = source.caFile;
  request.verifyTls = !source.insecureSkipVerify;
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  request.headers.emplace_back("Accept", "application/json");
  if (!source.bearerToken.empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + source.bearerToken.reveal());
  } else if (!source.basicUser.empty()) {
    request.headers.emplace_back(
        "Authorization",
        "Basic " + http::encodeBase64(source.basicUser + ":" + source.basicPassword.reveal()));
  }
  if (!source.tenant.empty()) {
    request.headers.emplace_back("X-Scope-OrgID", source.tenant);
  }
  for (const auto& header : source.headers) {
    request.headers.push_back(header);
  }
  std::string body = "query=" + formEncode(expr) + "&time=" + unixSeconds(at);
  // The server's own budget, a little under ours, so it answers "timeout" rather than the
  // connection being cut.
  body += "&timeout=" + fmt::format("{}ms", std::max<DurationMs>(source.timeout * 9 / 10, 1));
  if (source.lookbackDelta) {
    body += "&lookback_delta=" + fmt::format("{}ms", *source.lookbackDelta);
  }
  if (source.partialResponse) {
    body += std::string("&partial_response=") + (*source.partialResponse ? "true" : "false");
  }
  request.body = std::move(body);
  return request;
}

}  // namespace nova::remote
