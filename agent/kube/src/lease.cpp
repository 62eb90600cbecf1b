#include "nova/kube/lease.h"

#include <boost/json.hpp>

#include "nova/core/rfc3339.h"

namespace nova::kube {
namespace {

namespace json = boost::json;

Result<std::optional<TimestampMs>> readTime(const json::object& spec, const char* field) {
  const auto* v = spec.if_contains(field);
  if (v == nullptr || v->is_null()) {
    return std::optional<TimestampMs>();
  }
  if (!v->is_string()) {
    return Error(ErrorCode::kInvalidInput, std::string("lease spec.") + field + ": not a string");
  }
  auto t = parseRfc3339(v->as_string());
  if (!t.ok()) {
    return Error(ErrorCode::kInvalidInput,
                 std::string("lease spec.") + field + ": " + t.error().message);
  }
  return std::optional<TimestampMs>(*t);
}

Result<std::int64_t> readInt(const json::object& spec, const char* field) {
  const auto* v = spec.if_contains(field);
  if (v == nullptr || v->is_null()) {
    return std::int64_t{0};
  }
  if (!v->is_int64() && !v->is_uint64()) {
    return Error(ErrorCode::kInvalidInput, std::string("lease spec.") + field + ": not an integer");
  }
  return v->to_number<std::int64_t>();
}

}  // namespace

Result<LeaseObject> decodeLease(const json::value& lease) {
  if (!lease.is_object()) {
    return Error(ErrorCode::kInvalidInput, "lease: not an object");
  }
  LeaseObject out;
  if (const auto* meta = lease.as_object().if_contains("metadata"); meta && meta->is_object()) {
    if (const auto* rv = meta->as_object().if_contains("resourceVersion"); rv && rv->is_string()) {
      out.resourceVersion = std::string(rv->as_string());
    }
  }
  const auto* specValue = lease.as_object().if_contains("spec");
  if (specValue == nullptr || specValue->is_null()) {
    return out;
  }
  if (!specValue->is_object()) {
    return Error(ErrorCode::kInvalidInput, "lease spec: not an object");
  }
  const json::object& spec = specValue->as_object();
  if (const auto* holder = spec.if_contains("holderIdentity"); holder && !holder->is_null()) {
    if (!holder->is_string()) {
      return Error(ErrorCode::kInvalidInput, "lease spec.holderIdentity: not a string");
    }
    out.record.holderIdentity = std::string(holder->as_string());
  }
  auto duration = readInt(spec, "leaseDurationSeconds");
  auto transitions = readInt(spec, "leaseTransitions");
  auto acquire = readTime(spec, "acquireTime");
  auto renew = readTime(spec, "renewTime");
  for (const Error* e :
       {duration.ok() ? nullptr : &duration.error(),
        transitions.ok() ? nullptr : &transitions.error(),
        acquire.ok() ? nullptr : &acquire.error(), renew.ok() ? nullptr : &renew.error()}) {
    if (e != nullptr) {
      return *e;
    }
  }
  out.record.leaseDurationSeconds = *duration;
  out.record.leaseTransitions = *transitions;
  out.record.acquireTime = *acquire;
  out.record.renewTime = *renew;
  return out;
}

json::value encodeLease(const std::string& ns, const std::string& name, const LeaseRecord& record,
                        const std::string& resourceVersion) {
  json::object meta{{"name", name}, {"namespace", ns}};
  if (!resourceVersion.empty()) {
    meta["resourceVersion"] = resourceVersion;
  }
  json::object spec{{"holderIdentity", record.holderIdentity},
                    {"leaseDurationSeconds", record.leaseDurationSeconds},
                    {"leaseTransitions", record.leaseTransitions}};
  if (record.acquireTime) {
    spec["acquireTime"] = formatRfc3339(*record.acquireTime, SubSecond::kMicros);
  }
  if (record.renewTime) {
    spec["renewTime"] = formatRfc3339(*record.renewTime, SubSecond::kMicros);
  }
  return json::object{{"apiVersion", "coordination.k8s.io/v1"},
                      {"kind", "Lease"},
                      {"metadata", std::move(meta)},
                      {"spec", std::move(spec)}};
}

LeaseLock::LeaseLock(Client client, std::string ns, std::string name)
    : client_(std::move(client)), ns_(std::move(ns)), name_(std::move(name)) {}

std::string LeaseLock::describe() const {
  return "lease " + ns_ + "/" + name_;
}

ApiResult<LeaseObject> LeaseLock::decoded(ApiResult<json::value> answer, const char* verb) const {
  if (!answer.ok()) {
    return answer.error();
  }
  auto lease = decodeLease(*answer);
  if (!lease.ok()) {
    ApiError e;
    e.reason = "Decode";
    e.failure = ErrorCode::kInternal;
    e.message = lease.error().message;
    e.summary = std::string(verb) + " " + describe() +
                ": the answer is not a usable Lease: " + lease.error().message;
    return e;
  }
  return std::move(lease).value();
}

ApiResult<std::optional<LeaseObject>> LeaseLock::get() {
  auto answer = client_.get(leaseRef(ns_, name_));
  if (!answer.ok() && answer.error().code() == ErrorCode::kNotFound) {
    return std::optional<LeaseObject>();
  }
  auto lease = decoded(std::move(answer), "get");
  if (!lease.ok()) {
    return lease.error();
  }
  return std::optional<LeaseObject>(std::move(lease).value());
}

ApiResult<LeaseObject> LeaseLock::create(const LeaseRecord& record) {
  const CollectionRef leases{"coordination.k8s.io", "v1", "leases", ns_};
  return decoded(client_.create(leases, encodeLease(ns_, name_, record, "")), "create");
}

ApiResult<LeaseObject> LeaseLock::update(const LeaseRecord& record,
                                         const std::string& resourceVersion) {
  return decoded(
      client_.put(leaseRef(ns_, name_), encodeLease(ns_, name_, record, resourceVersion)),
      "update");
}

}  // namespace nova::kube
