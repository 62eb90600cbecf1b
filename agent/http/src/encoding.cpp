#include "nova/http/encoding.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

namespace nova::http {
namespace {

const unsigned char* bytesOf(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

std::string hex(const unsigned char* bytes, unsigned length) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * length);
  for (unsigned i = 0; i < length; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0xF];
  }
  return out;
}

}  // namespace

std::string encodeBase64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytesOf(bytes),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(std::max(written, 0)));
  return out;
}

std::optional<std::string> decodeBase64(std::string_view text) {
  std::string compact;
  compact.reserve(text.size() + 2);
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
      compact += c;
    }
  }
  // EVP_DecodeBlock wants whole quads; put back the padding a writer left out.
  if (compact.size() % 4 == 1) {
    return std::nullopt;
  }
  while (compact.size() % 4 != 0) {
    compact += '=';
  }
  const std::size_t padding =
      compact.empty() ? 0 : (compact.back() == '=' ? 1 : 0) + (compact.ends_with("==") ? 1 : 0);
  // '=' anywhere but the last two places is not base64 (EVP_DecodeBlock would accept it).
  if (compact.find('=') < compact.size() - padding) {
    return std::nullopt;
  }
  std::string out(compact.size() / 4 * 3, '\0');
  const int decoded = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      bytesOf(compact), static_cast<int>(compact.size()));
  if (decoded < 0) {
    return std::nullopt;
  }
  // EVP_DecodeBlock counts the padding as zero bytes.
  out.resize(static_cast<std::size_t>(decoded) - padding);
  return out;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  const bool sameLength = a.size() == b.size();
  // Unequal lengths still read every byte of `a`, so the time depends on the length only.
  const std::string_view other = sameLength ? b : a;
  const bool sameBytes = CRYPTO_memcmp(a.data(), other.data(), a.size()) == 0;
  return sameLength && sameBytes;
}

std::string hmacSha256Hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytesOf(message), message.size(),
           digest, &length) == nullptr) {
    return {};
  }
  return hex(digest, length);
}

}  // namespace nova::http
