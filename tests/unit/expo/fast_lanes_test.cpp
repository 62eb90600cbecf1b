// The parser's fast lanes against their references: the 16- and 64-byte scanners against the
// byte-wise ones, the label window against its byte-wise form, the one-pass value reader
// against parseValue (bit for bit), the le/quantile cache against normalizeOmFloat, and whole
// lines whose labels sit at every offset of the window.

#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "dump.h"
#include "float_cache.h"
#include "label_window.h"
#include "nova/expo/parser.h"
#include "number.h"
#include "scan.h"

namespace detail = nova::expo::detail;
using nova::expo::testing::dumpAll;
using nova::expo::testing::errorOf;

namespace {

// Bytes that matter to the scanners, and a few that do not.
constexpr std::string_view kAlphabet =
    "aZ_:09=\",{} \t\\\n\r\x00\x7f\x80\xc3\xa9\xff.e+-"
    "abcdefghijklmnopqrstuvwxyz0123456789";

std::string randomBytes(std::mt19937& rng, std::size_t size) {
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  std::string out(size, ' ');
  for (char& c : out) {
    c = kAlphabet[pick(rng)];
  }
  return out;
}

// Where the line starting at `pos` ends, as Parser::next finds it.
std::size_t lineEndOf(std::string_view s, std::size_t pos) {
  const std::size_t nl = s.find('\n', pos);
  return nl == std::string_view::npos ? s.size() : nl;
}

}  // namespace

TEST_CASE("name and quoted-text scanners agree with the byte-wise ones everywhere") {
  std::mt19937 rng(7);
  for (int round = 0; round < 3000; ++round) {
    // Exact-size strings: a scanner that read past the end would see other bytes.
    const std::string s = randomBytes(rng, 1 + rng() % 150);
    for (std::size_t pos = 0; pos < s.size(); ++pos) {
      const std::size_t end = lineEndOf(s, pos);
      CHECK(detail::skipNameChars<true>(s, pos, end) ==
            detail::skipClass(s, pos, end, detail::kNameChar));
      CHECK(detail::skipNameChars<false>(s, pos, end) ==
            detail::skipClass(s, pos, end, detail::kLabelChar));
      CHECK(detail::skipPlain(s, pos, end) == detail::skipPlainWords(s, pos, end));
    }
  }
  // Long plain runs, to cross the 16- and 64-byte strides.
  for (std::size_t n = 0; n < 200; ++n) {
    const std::string name(n, 'a');
    CHECK(detail::skipNameChars<true>(name + "{", 0, n + 1) == n);
    CHECK(detail::skipNameChars<false>(name, 0, n) == n);
    CHECK(detail::skipPlain(name + "\"", 0, n + 1) == n);
  }
}

TEST_CASE("newline search and byte comparison agree with the library's") {
  std::mt19937 rng(13);
  for (int round = 0; round < 3000; ++round) {
    const std::string s = randomBytes(rng, 1 + rng() % 300);
    for (std::size_t pos = 0; pos < s.size(); pos += 1 + rng() % 7) {
      CHECK(detail::findNewline(s, pos) == lineEndOf(s, pos));
    }
    const std::size_t n = rng() % (s.size() + 1);
    std::string other = s.substr(0, n);
    if (n != 0 && rng() % 2 == 0) {
      other[rng() % n] ^= 1;
    }
    CHECK(detail::sameBytes(s.data(), other.data(), n) == (s.compare(0, n, other) == 0));
  }
}

TEST_CASE("the label window classifies each byte as the byte-wise form does") {
  std::mt19937 rng(11);
  for (int round = 0; round < 3000; ++round) {
    const std::string s = randomBytes(rng, 1 + rng() % 100);
    for (std::size_t pos = 0; pos < s.size(); ++pos) {
      const std::size_t end = lineEndOf(s, pos);
      if (pos >= end) {
        continue;
      }
      const detail::LabelWindow fast = detail::loadLabelWindow(s, pos, end);
      const detail::LabelWindow bytes = detail::loadLabelWindowBytes(s, pos, end);
      CHECK(fast.name == bytes.name);
      CHECK(fast.quote == bytes.quote);
      CHECK(fast.special == bytes.special);
    }
  }
}

TEST_CASE("digit runs read eight at a time equal the digit-by-digit value") {
  std::mt19937 rng(3);
  for (int round = 0; round < 20000; ++round) {
    const std::size_t run = rng() % 20;
    std::string text;
    for (std::size_t i = 0; i < run; ++i) {
      text += static_cast<char>('0' + rng() % 10);
    }
    text += std::string(1, "x. e\n"[rng() % 5]) + std::string(rng() % 12, '7');
    const std::size_t at = rng() % 3;
    text.insert(0, at, '5');
    std::uint64_t expected = 0;
    std::size_t length = 0;
    while (at + length < text.size() && text[at + length] >= '0' && text[at + length] <= '9') {
      expected = expected * 10 + static_cast<std::uint64_t>(text[at + length] - '0');
      ++length;
    }
    std::uint64_t got = 0;
    REQUIRE(detail::appendDigitRun(text, at, got) == length);
    CHECK(got == expected);
  }
}

TEST_CASE("the one-pass value reader gives parseValue's bits or leaves the text to it") {
  std::mt19937 rng(5);
  const auto digits = [&](std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
      out += static_cast<char>('0' + rng() % 10);
    }
    return out;
  };
  std::size_t taken = 0;
  for (int round = 0; round < 200000; ++round) {
    std::string token = std::string(rng() % 4 == 0 ? (rng() % 2 ? "-" : "+") : "") +
                        digits(rng() % 12 + (rng() % 8 == 0 ? 0 : 1));
    if (rng() % 2) {
      token += "." + digits(rng() % 12);
    }
    if (rng() % 4 == 0) {
      token += std::string(rng() % 2 ? "e" : "E") + std::string(rng() % 2 ? "-" : "") +
               digits(rng() % 5);
    }
    const std::string line = token + std::string(rng() % 2 ? " 17" : "");
    double fast = 0;
    const std::size_t end = detail::parsePlainValue(line, 0, line.size(), fast);
    double reference = 0;
    const bool valid = detail::parseValue(token, reference) == nullptr;
    if (end == std::string_view::npos) {
      continue;
    }
    ++taken;
    CHECK(end == token.size());
    REQUIRE_MESSAGE(valid, token);
    CHECK_MESSAGE(std::bit_cast<std::uint64_t>(fast) == std::bit_cast<std::uint64_t>(reference),
                  token);
  }
  CHECK(taken > 100000);
  double v = 0;
  CHECK(detail::parsePlainValue("1x", 0, 2, v) == std::string_view::npos);
  CHECK(detail::parsePlainValue("1e", 0, 2, v) == std::string_view::npos);
  CHECK(detail::parsePlainValue("1e+1000", 0, 7, v) == std::string_view::npos);
  CHECK(detail::parsePlainValue("1234567890123456", 0, 16, v) == std::string_view::npos);
  CHECK(detail::parsePlainValue("Inf", 0, 3, v) == std::string_view::npos);
}

TEST_CASE("the le/quantile cache gives normalizeOmFloat's text on hits, misses and evictions") {
  detail::OmFloatCache cache;
  std::string scratch;
  std::vector<std::string> texts = {"0.005",     "0.01",           "1",       "10", "+Inf", "2.5",
                                    "1e3",       "0.50",           "1000000", "-0", "NaN",  "x",
                                    "0.0000001", "123456789012345"};
  for (int i = 0; i < 150; ++i) {
    texts.push_back(std::to_string(i * 7) + (i % 3 == 0 ? ".25" : ""));
  }
  for (int pass = 0; pass < 3; ++pass) {
    for (const std::string& text : texts) {
      std::string expected;
      const bool changed = detail::normalizeOmFloat(text, expected);
      // Text followed by more bytes, as in a body, and text at the very end of a buffer.
      const std::string inBody = text + "\"} 1\n";
      const std::string_view view(inBody.data(), text.size());
      const std::string_view got = cache.normalize(view, inBody.size(), scratch);
      CHECK(got == (changed ? std::string_view(expected) : view));
      if (!changed) {
        CHECK(got.data() == view.data());  // kept as written: still a view into the body
      }
      const std::string exact = text;
      CHECK(cache.normalize(exact, exact.size(), scratch) == (changed ? expected : text));
    }
  }
}

TEST_CASE("labels at every offset of the window read as written") {
  // A padding label of every length moves the next labels across the 64-byte boundary.
  for (std::size_t pad = 0; pad < 140; ++pad) {
    const std::string value(pad, 'p');
    const std::string line = "m{a=\"" + value + "\",bb=\"x\",le=\"0.5\",c=\"" + value +
                             "\\\"q\",d=\"\xc3\xa9\",e=\"\"} 3\n";
    CHECK(dumpAll(line) == "untyped m{a=\"" + value + "\",bb=\"x\",le=\"0.5\",c=\"" + value +
                               "\\\"q\",d=\"\xc3\xa9\",e=\"\"} 3\n");
    const std::string typed = "# TYPE h histogram\nh_bucket{a=\"" + value + "\",le=\"1\"} 2";
    CHECK(dumpAll(typed) == "histogram h_bucket{a=\"" + value + "\",le=\"1.0\"} 2\n");
  }
}

TEST_CASE("the fast lanes stop at the end of the body and at bad bytes as before") {
  CHECK(errorOf("m{a=\"b\\") == "1:5: unterminated quoted label value");
  CHECK(errorOf("m{a=\"b\\\"") == "1:5: unterminated quoted label value");
  CHECK(errorOf("m{a=\"") == "1:5: unterminated quoted label value");
  CHECK(errorOf("m{a=\"b\"") == "1:8: expected label name or '}', got end of line");
  CHECK(dumpAll("m{a=\"b\\\\\"} 1") == "untyped m{a=\"b\\\\\"} 1\n");
  CHECK(errorOf("m{a=\"b\"} 1\r\n") == "1:10: invalid sample value \"1\\x0d\": invalid number");
  CHECK(errorOf("m{a=\"b\r\"} 1\n").empty());
  CHECK(errorOf("m{a=\"\xe2\x82\"} 1\n") == "1:6: invalid UTF-8 in label value");
  CHECK(errorOf(std::string("m{a=\"x\0\"} 1\n", 12)) == "1:7: NUL byte in label value");
  CHECK(errorOf("m{a=\"x\ny\"} 1\n") == "1:5: unterminated quoted label value");
  CHECK(dumpAll("m{a=\"\xf0\x9f\x98\x80\"} 12345678901234567") ==
        "untyped m{a=\"\xf0\x9f\x98\x80\"} 12345678901234568\n");
}
