// LeaseLock against the fake API server: absent, create, a second create refused, update
// guarded by resourceVersion, and the record's MicroTime round trip.
#include "nova/kube/lease.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "kube_fixture.h"

namespace nova::kube {

using test::FakeCluster;

TEST_CASE("lease lock: create once, update only from the version read") {
  FakeCluster cluster;
  LeaseLock a(std::move(*cluster.client()), "production", "nova-agent");
  LeaseLock b(std::move(*cluster.client()), "production", "nova-agent");
  CHECK(a.describe() == "lease production/nova-agent");
  auto absent = a.get();
  REQUIRE(absent.ok());
  CHECK_FALSE(absent->has_value());

  LeaseRecord record{"agent-a", 15, 1764218376123, 1764218376123, 0};
  auto created = a.create(record);
  REQUIRE_MESSAGE(created.ok(), created.error().summary);
  CHECK(created->record == record);
  CHECK_FALSE(created->resourceVersion.empty());
  auto stored = cluster.server->object("leases", "production", "nova-agent");
  REQUIRE(stored);
  CHECK(stored->at_pointer("/spec/renewTime") == "2025-11-27T04:39:36.123000Z");

  LeaseRecord other{"agent-b", 15, 1764218377000, 1764218377000, 0};
  auto second = b.create(other);
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().code() == ErrorCode::kConflict);

  auto read = b.get();
  REQUIRE(read.ok());
  REQUIRE(read->has_value());
  CHECK((*read)->record == record);
  // a renews first; b's update from the older version is a 409 and changes nothing.
  record.renewTime = 1764218378000;
  auto renewed = a.update(record, created->resourceVersion);
  REQUIRE_MESSAGE(renewed.ok(), renewed.error().summary);
  CHECK(renewed->resourceVersion != created->resourceVersion);
  other.leaseTransitions = 1;
  auto late = b.update(other, (*read)->resourceVersion);
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().code() == ErrorCode::kConflict);
  auto now = a.get();
  REQUIRE(now.ok());
  CHECK((**now).record.holderIdentity == "agent-a");
}

TEST_CASE("lease lock: a spec that does not decode is an error naming the field") {
  auto bad = decodeLease(boost::json::parse(
      R"({"metadata":{"resourceVersion":"7"},"spec":{"holderIdentity":"a","renewTime":"yesterday"}})"));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidInput);
  CHECK(bad.error().message.starts_with("lease spec.renewTime: "));
  auto wrongType = decodeLease(boost::json::parse(R"({"spec":{"leaseTransitions":"2"}})"));
  REQUIRE_FALSE(wrongType.ok());
  CHECK(wrongType.error().message == "lease spec.leaseTransitions: not an integer");
  auto empty = decodeLease(boost::json::parse(R"({"metadata":{"resourceVersion":"7"}})"));
  REQUIRE(empty.ok());
  CHECK(empty->resourceVersion == "7");
  CHECK(empty->record == LeaseRecord{});
}

}  // namespace nova::kube
