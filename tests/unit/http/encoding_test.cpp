#include "nova/http/encoding.h"

#include <doctest/doctest.h>

#include <string>

namespace nova::http {

TEST_CASE("base64 round-trips the RFC 4648 test vectors") {
  struct Case {
    const char* plain;
    const char* encoded;
  };
  for (const Case& c :
       {Case{"", ""}, Case{"f", "Zg=="}, Case{"fo", "Zm8="}, Case{"foo", "Zm9v"},
        Case{"foob", "Zm9vYg=="}, Case{"fooba", "Zm9vYmE="}, Case{"foobar", "Zm9vYmFy"}}) {
    CAPTURE(std::string(c.plain));
    CHECK(encodeBase64(c.plain) == c.encoded);
    CHECK(decodeBase64(c.encoded) == std::optional<std::string>(c.plain));
  }
  const std::string binary("\0\xff\x10 \x80", 5);
  CHECK(decodeBase64(encodeBase64(binary)) == std::optional<std::string>(binary));
}

TEST_CASE("base64 decoding takes what kubeconfigs hold and refuses the rest") {
  // Line breaks (PEM, YAML folding) and left-out padding are accepted.
  CHECK(decodeBase64("Zm9v\nYmE") == std::optional<std::string>("fooba"));
  CHECK(decodeBase64(" Zm9vYg \r\n") == std::optional<std::string>("foob"));
  for (const char* bad : {"Zm9v!", "Z", "Zm9vY", "Zg==Zg==", "Z=g=", "Zm9v-_"}) {
    CAPTURE(std::string(bad));
    CHECK_FALSE(decodeBase64(bad).has_value());
  }
}

TEST_CASE("constantTimeEquals compares whole strings") {
  CHECK(constantTimeEquals("abc", "abc"));
  CHECK(constantTimeEquals("", ""));
  CHECK_FALSE(constantTimeEquals("abc", "abd"));
  CHECK_FALSE(constantTimeEquals("abc", "abcd"));
  CHECK_FALSE(constantTimeEquals("abcd", "abc"));
  CHECK_FALSE(constantTimeEquals("", "a"));
}

TEST_CASE("HMAC-SHA256 matches RFC 4231") {
  // Test case 2.
  CHECK(hmacSha256Hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 1: key 0x0b x 20.
  CHECK(hmacSha256Hex(std::string(20, '\x0b'), "Hi There") ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

}  // namespace nova::http
