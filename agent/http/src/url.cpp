#include "nova/http/url.h"

#include <array>
#include <boost/url.hpp>

#include "nova/core/text.h"

namespace nova::http {
namespace {

namespace urls = boost::urls;

constexpr std::string_view kMasked = "<redacted>";

// Path prefixes after which every segment is the credential: Slack incoming webhooks
// (/services/T…/B…/<token>), Mattermost and Rocket.Chat (/hooks/<key>), Discord
// (/api/webhooks/<id>/<token>).
constexpr std::array<std::array<std::string_view, 2>, 3> kSecretPathPrefixes{{
    {"services", ""},
    {"hooks", ""},
    {"api", "webhooks"},
}};

// Parts of query parameter names that mark a credential (compared in lower case).
constexpr std::array<std::string_view, 10> kSecretParamParts{
    "token", "key", "secret", "password", "passwd", "pwd", "sig", "auth", "credential", "session"};

bool secretParam(std::string_view encodedKey) {
  const std::string key = toLowerAscii(encodedKey);
  for (std::string_view part : kSecretParamParts) {
    if (key.find(part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

// The number of leading segments kept before the credential, or -1 when the path has no
// known secret shape.
int keptSegments(const urls::segments_encoded_view& segments) {
  std::array<std::string_view, 2> first{};
  std::size_t n = 0;
  for (auto it = segments.begin(); it != segments.end() && n < first.size(); ++it, ++n) {
    first[n] = std::string_view((*it).data(), (*it).size());
  }
  for (const auto& prefix : kSecretPathPrefixes) {
    const std::size_t length = prefix[1].empty() ? 1 : 2;
    if (segments.size() > length && first[0] == prefix[0] &&
        (length == 1 || first[1] == prefix[1])) {
      return static_cast<int>(length);
    }
  }
  return -1;
}

std::string redactedPath(const urls::url_view& url) {
  const auto segments = url.encoded_segments();
  const int kept = keptSegments(segments);
  if (kept < 0) {
    return std::string(url.encoded_path());
  }
  std::string out;
  int index = 0;
  for (auto it = segments.begin(); it != segments.end() && index < kept; ++it, ++index) {
    out += "/" + std::string((*it).data(), (*it).size());
  }
  return out + "/" + std::string(kMasked);
}

std::string redactedQuery(const urls::url_view& url) {
  std::string out;
  for (const auto& param : url.encoded_params()) {
    out += out.empty() ? "?" : "&";
    out += std::string(param.key.data(), param.key.size());
    if (param.has_value) {
      out += "=";
      out += secretParam(std::string_view(param.key.data(), param.key.size()))
                 ? std::string(kMasked)
                 : std::string(param.value.data(), param.value.size());
    }
  }
  if (out.empty() && url.has_query()) {
    out = "?";
  }
  return out;
}

std::string redacted(const urls::url_view& url) {
  std::string out(url.scheme());
  out += ":";
  if (url.has_authority()) {
    out += "//";
    if (url.has_userinfo()) {
      out += std::string(url.encoded_user());
      if (url.has_password()) {
        out += ":" + std::string(kMasked);
      }
      out += "@";
    }
    out += std::string(url.encoded_host_and_port());
  }
  out += redactedPath(url);
  out += redactedQuery(url);
  if (url.has_fragment()) {
    out += "#" + std::string(kMasked);
  }
  return out;
}

urls::url_view view(const std::string& text) {
  // Url holds only text that parsed; parse again rather than keep Boost types in the header.
  return urls::parse_uri(text).value();
}

}  // namespace

Result<Url> Url::parse(std::string_view text) {
  auto parsed = urls::parse_uri(urls::string_view(text.data(), text.size()));
  if (!parsed) {
    return Error(ErrorCode::kInvalidInput,
                 "not an absolute URL (expected http://host[:port]/path or https://...)");
  }
  const urls::url_view& url = *parsed;
  if (url.scheme_id() != urls::scheme::http && url.scheme_id() != urls::scheme::https) {
    return Error(ErrorCode::kInvalidInput,
                 "scheme \"" + std::string(url.scheme()) + "\" is not http or https");
  }
  if (!url.has_authority() || url.encoded_host().empty()) {
    return Error(ErrorCode::kInvalidInput, "no host");
  }
  return Url(std::string(text));
}

std::string Url::scheme() const {
  return std::string(view(text_).scheme());
}

std::string Url::host() const {
  return std::string(view(text_).encoded_host());
}

std::uint16_t Url::port() const {
  const auto url = view(text_);
  if (url.has_port()) {
    return url.port_number();
  }
  return url.scheme_id() == urls::scheme::https ? 443 : 80;
}

std::string Url::encodedPath() const {
  return std::string(view(text_).encoded_path());
}

std::vector<std::string> Url::encodedSegments() const {
  std::vector<std::string> out;
  for (const auto& segment : view(text_).encoded_segments()) {
    out.emplace_back(segment.data(), segment.size());
  }
  return out;
}

std::vector<std::string> Url::encodedParamValues() const {
  std::vector<std::string> out;
  for (const auto& param : view(text_).encoded_params()) {
    out.emplace_back(param.value.data(), param.value.size());
  }
  return out;
}

std::string Url::encodedPassword() const {
  return std::string(view(text_).encoded_password());
}

Url Url::withSegments(std::initializer_list<std::string_view> segments) const {
  urls::url url(view(text_));
  auto path = url.segments();
  if (!path.empty() && path.back().empty()) {
    path.pop_back();
  }
  for (std::string_view segment : segments) {
    path.push_back(urls::string_view(segment.data(), segment.size()));
  }
  return Url(std::string(url.buffer()));
}

Url Url::withParam(std::string_view key, std::string_view value) const {
  urls::url url(view(text_));
  url.params().append(
      {urls::string_view(key.data(), key.size()), urls::string_view(value.data(), value.size())});
  return Url(std::string(url.buffer()));
}

Result<Url> Url::join(std::string_view reference) const {
  if (auto absolute = Url::parse(reference); absolute.ok()) {
    return absolute;
  }
  auto parsed = urls::parse_relative_ref(urls::string_view(reference.data(), reference.size()));
  if (!parsed || parsed->has_authority()) {
    return Error(ErrorCode::kInvalidInput, "not a path or an absolute http or https URL");
  }
  const auto base = view(text_);
  std::string path(base.encoded_path());
  while (!path.empty() && path.back() == '/') {
    path.pop_back();
  }
  const std::string_view added(parsed->encoded_path().data(), parsed->encoded_path().size());
  std::string out = std::string(base.encoded_origin()) + path + (added.starts_with('/') ? "" : "/");
  out += added;
  if (base.has_query() || parsed->has_query()) {
    out += "?" + std::string(base.encoded_query());
    out += base.has_query() && parsed->has_query() ? "&" : "";
    out += std::string(parsed->encoded_query());
  }
  return Url::parse(out);
}

std::string Url::redacted() const {
  return redactUrl(text_);
}

std::string Url::origin() const {
  const auto url = view(text_);
  return std::string(url.scheme()) + "://" + std::string(url.encoded_host_and_port());
}

std::string percentEncode(std::string_view text) {
  return urls::encode(urls::string_view(text.data(), text.size()), urls::unreserved_chars);
}

std::string redactUrl(std::string_view text) {
  auto parsed = urls::parse_uri(urls::string_view(text.data(), text.size()));
  if (!parsed) {
    return "<invalid URL>";
  }
  return redacted(*parsed);
}

}  // namespace nova::http
