#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "nova/core/time.h"
#include "nova/kube/client.h"

namespace nova::kube {

/// The spec of a coordination.k8s.io/v1 Lease as leader election reads and writes it
/// (specs: kubernetes-discovery-lease.md §5). Times are wall ms, written as MicroTime.
struct LeaseRecord {
  /// "" when nobody holds it (released).
  std::string holderIdentity;
  std::int64_t leaseDurationSeconds = 0;
  std::optional<TimestampMs> acquireTime;
  std::optional<TimestampMs> renewTime;
  std::int64_t leaseTransitions = 0;

  friend bool operator==(const LeaseRecord&, const LeaseRecord&) = default;
};

/// A Lease as the server answered it: its record and metadata.resourceVersion, the
/// precondition of the next update.
struct LeaseObject {
  LeaseRecord record;
  std::string resourceVersion;
};

/// Reads a Lease object's JSON; kInvalidInput naming the field when a spec field has the
/// wrong type or a time does not parse. Absent fields keep LeaseRecord's defaults.
Result<LeaseObject> decodeLease(const boost::json::value& lease);
/// The Lease object `ns`/`name` carrying `record`; metadata.resourceVersion only when
/// `resourceVersion` is not empty (an update's precondition).
boost::json::value encodeLease(const std::string& ns, const std::string& name,
                               const LeaseRecord& record, const std::string& resourceVersion);

/// One named Lease through a Client: get, create, and update guarded by the resourceVersion
/// last read (optimistic concurrency: a 409 means another candidate wrote first). Each call
/// is one request or the Client's retries; give it a Client whose timeout and attempts fit
/// the renew deadline. Not thread-safe, like the Client.
class LeaseLock {
 public:
  LeaseLock(Client client, std::string ns, std::string name);

  /// The Lease; nullopt when it does not exist (404).
  ApiResult<std::optional<LeaseObject>> get();
  /// POST a new Lease with `record`; 409 AlreadyExists (kConflict) when another candidate
  /// created it first.
  ApiResult<LeaseObject> create(const LeaseRecord& record);
  /// PUT `record` with `resourceVersion` as precondition; 409 Conflict when the Lease
  /// changed since that version was read.
  ApiResult<LeaseObject> update(const LeaseRecord& record, const std::string& resourceVersion);

  /// "lease production/nova-agent", for log lines.
  std::string describe() const;
  const std::string& ns() const { return ns_; }
  const std::string& name() const { return name_; }

 private:
  ApiResult<LeaseObject> decoded(ApiResult<boost::json::value> answer, const char* verb) const;

  Client client_;
  std::string ns_;
  std::string name_;
};

}  // namespace nova::kube
