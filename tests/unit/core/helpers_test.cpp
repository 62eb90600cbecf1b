#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "nova/core/backoff.h"
#include "nova/core/files.h"
#include "nova/core/rfc3339.h"
#include "nova/core/text.h"

using nova::ErrorCode;
using nova::kSecond;

TEST_CASE("backoff doubles from base to cap with equal jitter") {
  const nova::Backoff backoff{100, 2 * kSecond};
  CHECK(backoff.delay(1, 0.0) == 50);
  CHECK(backoff.delay(1, 0.999) == 99);
  CHECK(backoff.delay(2, 0.0) == 100);
  CHECK(backoff.delay(6, 0.0) == 1000);  // 3200 capped at 2000
  CHECK(backoff.delay(60, 1.0) == 2000);
}

TEST_CASE("Retry-After takes delta-seconds and HTTP-dates") {
  const nova::TimestampMs now = 1445412480000;  // Wed, 21 Oct 2015 07:28:00 GMT
  CHECK(nova::parseRetryAfter("120", now) == 120 * kSecond);
  CHECK(nova::parseRetryAfter(" 7 ", now) == 7 * kSecond);
  CHECK(nova::parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now) == 30 * kSecond);
  CHECK(nova::parseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now) == 0);
  CHECK_FALSE(nova::parseRetryAfter("-1", now));
  CHECK_FALSE(nova::parseRetryAfter("soon", now));
  CHECK_FALSE(nova::parseRetryAfter("999999999", now));
}

TEST_CASE("RFC 3339 formats in UTC and parses fractions and offsets") {
  CHECK(nova::formatRfc3339(0) == "1970-01-01T00:00:00.000Z");
  CHECK(nova::formatRfc3339(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(nova::formatRfc3339(1764900000250, nova::SubSecond::kNone) == "2025-12-05T02:00:00Z");
  CHECK(nova::formatRfc3339(1764900000250, nova::SubSecond::kMicros) ==
        "2025-12-05T02:00:00.250000Z");
  CHECK(nova::parseRfc3339("2025-12-05T02:00:00Z").value() == 1764900000000);
  CHECK(nova::parseRfc3339("2025-12-05T02:00:00.250999Z").value() == 1764900000250);
  CHECK(nova::parseRfc3339("2025-12-05T03:30:00+01:30").value() == 1764900000000);
  CHECK(nova::parseRfc3339("1969-12-31T23:59:59.999Z").value() == -1);
  for (const char* bad : {"", "2025-12-05", "2025-02-30T00:00:00Z", "2025-12-05T02:00:00",
                          "2025-12-05T25:00:00Z", "2025-12-05T02:00:00Zjunk"}) {
    CAPTURE(bad);
    auto parsed = nova::parseRfc3339(bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == ErrorCode::kInvalidInput);
  }
}

TEST_CASE("readFile is bounded and says what is wrong") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("nova-core-files-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "a.txt").string();
  std::ofstream(file) << "hello";
  CHECK(nova::readFile(file, 5).value() == "hello");
  CHECK(nova::readFile(file, 4).error().code == ErrorCode::kInvalidInput);
  CHECK(nova::readFile((dir / "missing").string(), 4).error().code == ErrorCode::kNotFound);
  CHECK(nova::readFile(dir.string(), 4).error().code == ErrorCode::kInvalidInput);
  auto zero = nova::readFile("/dev/zero", 1 << 20);
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error().message.find("larger than") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("writeFileDurably replaces whole and can keep the previous copy") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("nova-core-durable-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "state.json").string();
  REQUIRE(nova::writeFileDurably(file, "one").ok());
  REQUIRE(nova::writeFileDurably(file, "two", {.keepPrevious = true}).ok());
  CHECK(nova::readFile(file, 100).value() == "two");
  CHECK(nova::readFile(file + ".prev", 100).value() == "one");
  CHECK_FALSE(std::filesystem::exists(file + ".tmp"));
  REQUIRE(nova::appendDurably((dir / "journal").string(), "a").ok());
  REQUIRE(nova::appendDurably((dir / "journal").string(), "b").ok());
  CHECK(nova::readFile((dir / "journal").string(), 100).value() == "a\nb\n");
  auto denied = nova::writeFileDurably("/proc/nova-no-such/x", "x");
  REQUIRE_FALSE(denied.ok());
  CHECK(denied.error().message.find("cannot create") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("text helpers") {
  CHECK(std::string(nova::trim("  a b \r\n")) == "a b");
  CHECK(nova::trim("").empty());
  CHECK(nova::equalsIgnoreCase("Bearer", "bEARER"));
  CHECK_FALSE(nova::equalsIgnoreCase("Bearer", "Bearer "));
  CHECK(nova::isValidUtf8("ascii, \xc3\xa9, \xe2\x82\xac, \xf0\x9f\x98\x80"));
  CHECK(nova::firstInvalidUtf8("ok\xc3") == 2);         // truncated
  CHECK(nova::firstInvalidUtf8("\xc0\xaf") == 0);       // overlong
  CHECK(nova::firstInvalidUtf8("a\xed\xa0\x80") == 1);  // surrogate
  CHECK(nova::firstInvalidUtf8("\xf4\x90\x80\x80") == 0);
}
