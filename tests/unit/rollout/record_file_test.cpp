// The record file of plain hosts, written through the same lease and record builders as the
// Kubernetes annotations, with compare-and-swap on the file's content.
#include "nova/rollout/record_file.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "nova/rollout/record_patch.h"

namespace nova::rollout {
namespace {

constexpr TimestampMs kWall = 1'796'263'200'000;

struct TempDir {
  TempDir() {
    char pattern[] = "/tmp/nova-record-XXXXXX";
    path = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string path;
};

Lease leaseFor(std::string id, std::string instance) {
  LeaseRequest request;
  request.rolloutId = std::move(id);
  request.instance = std::move(instance);
  return acquireLease(request, std::nullopt, kWall);
}

RecordFileState read(const std::string& path) {
  auto state = readRecordFile(path);
  REQUIRE_MESSAGE(state.ok(), (state.ok() ? "" : state.error().message));
  return *state;
}

TEST_CASE("lease and record round-trip through the file, each write a compare-and-swap") {
  TempDir dir;
  const std::string path = dir.path + "/nova-rollout.json";
  const RecordFileState empty = read(path);
  CHECK_FALSE(empty.exists);

  const Lease lease = leaseFor("r-1", "host/1");
  auto acquire = leasePatch(empty.asObject(), lease);
  REQUIRE(acquire.ok());
  REQUIRE(writeRecordFile(path, empty, acquire->after).ok());
  // A second run that read the missing file loses the race.
  auto other = leasePatch(empty.asObject(), leaseFor("r-2", "host/2"));
  REQUIRE(other.ok());
  const Status lost = writeRecordFile(path, empty, other->after);
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.error().code == ErrorCode::kConflict);
  CHECK(lost.error().message == path + " changed since it was read");

  const RecordFileState held = read(path);
  Record record;
  record.rolloutId = "r-1";
  record.version = "v1.2.4";
  record.startedAt = kWall;
  auto write = recordPatch(held.asObject(), record, lease);
  REQUIRE(write.ok());
  REQUIRE(writeRecordFile(path, held, write->after).ok());
  auto decoded = decodeAnnotations(read(path).annotations);
  REQUIRE(decoded.ok());
  CHECK(decoded->record->revision == 1);
  CHECK(decoded->lease == lease);
  // A writer that read before that write is refused.
  CHECK(writeRecordFile(path, held, write->after).error().code == ErrorCode::kConflict);
  // And a run that does not hold the lease cannot even build its write.
  CHECK(recordPatch(read(path).asObject(), record, leaseFor("r-1", "host/9")).error().code ==
        ErrorCode::kConflict);
}

TEST_CASE("a damaged record file is refused with its path") {
  TempDir dir;
  const std::string path = dir.path + "/nova-rollout.json";
  std::ofstream(path) << R"({"nova.io/rollout-id": 7})";
  auto state = readRecordFile(path);
  REQUIRE_FALSE(state.ok());
  CHECK(state.error().code == ErrorCode::kInvalidInput);
  CHECK(state.error().message == path + ": nova.io/rollout-id: value is not a string");
  std::ofstream(path) << "[]";
  CHECK(readRecordFile(path).error().code == ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace nova::rollout
