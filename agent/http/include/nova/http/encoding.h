#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nova::http {

/// Standard base64 (RFC 4648 section 4, with padding) of `bytes`. OpenSSL's encoder.
std::string encodeBase64(std::string_view bytes);

/// Decodes standard base64 as Kubernetes and PEM tools write it: whitespace (space, tab,
/// CR, LF) is ignored and the trailing padding may be left out. nullopt for any other
/// character, padding in the middle, or a length no encoder produces. OpenSSL's decoder.
std::optional<std::string> decodeBase64(std::string_view text);

/// True when `a` and `b` are equal, comparing every byte whatever the first difference
/// (OpenSSL's CRYPTO_memcmp), so the time taken does not reveal where a guessed token goes
/// wrong. Only the length may show.
bool constantTimeEquals(std::string_view a, std::string_view b);

/// HMAC-SHA256 of `message` under `key`, as lower-case hex (64 characters).
std::string hmacSha256Hex(std::string_view key, std::string_view message);

}  // namespace nova::http
