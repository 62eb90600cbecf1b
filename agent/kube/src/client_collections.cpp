// The calls on collections and object lifetimes: list (with selectors and pages), create
// and delete.
#include <boost/json/serialize.hpp>

#include "client_impl.h"
#include "nova/http/url.h"
#include "status_error.h"

namespace nova::kube {

namespace json = boost::json;
using detail::Call;

namespace {

std::string queryOf(const ListOptions& options) {
  std::string query;
  auto add = [&](const char* key, const std::string& value) {
    if (!value.empty()) {
      query += (query.empty() ? "?" : "&") + std::string(key) + "=" + http::percentEncode(value);
    }
  };
  add("labelSelector", options.labelSelector);
  add("fieldSelector", options.fieldSelector);
  add("limit", options.limit > 0 ? std::to_string(options.limit) : "");
  add("continue", options.continueToken);
  return query;
}

const json::value* member(const json::value& doc, const char* object, const char* key) {
  const auto* outer = doc.is_object() ? doc.get_object().if_contains(object) : nullptr;
  return outer != nullptr && outer->is_object() ? outer->get_object().if_contains(key) : nullptr;
}

std::string stringMember(const json::value& doc, const char* object, const char* key) {
  const json::value* v = member(doc, object, key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : "";
}

// "leases/agent-lock in production" when the object names itself, else the collection.
std::string describeNew(const CollectionRef& ref, const json::value& object) {
  const std::string name = stringMember(object, "metadata", "name");
  if (name.empty()) {
    return ref.describe();
  }
  return ref.resource + "/" + name + (ref.ns.empty() ? "" : " in " + ref.ns);
}

}  // namespace

ApiResult<ObjectList> Client::list(const CollectionRef& ref, const ListOptions& options) {
  Call call{"list", "GET", ref.path() + queryOf(options), ref.describe()};
  auto reply = impl_->perform(call);
  if (!reply.ok()) {
    return std::move(reply).error();
  }
  const json::value* items =
      reply->is_object() ? reply->get_object().if_contains("items") : nullptr;
  if (items != nullptr && !items->is_array() && !items->is_null()) {
    return detail::decodeFailure(200, "\"items\" is not an array", call.verb, call.what);
  }
  ObjectList list;
  if (items != nullptr && items->is_array()) {
    list.items.assign(items->get_array().begin(), items->get_array().end());
  }
  list.resourceVersion = stringMember(*reply, "metadata", "resourceVersion");
  list.continueToken = stringMember(*reply, "metadata", "continue");
  return list;
}

ApiResult<json::value> Client::create(const CollectionRef& ref, const json::value& object) {
  Call call{"create", "POST", ref.path(), describeNew(ref, object)};
  call.contentType = "application/json";
  call.body = json::serialize(object);
  return impl_->perform(call);
}

ApiResult<json::value> Client::remove(const ObjectRef& ref,
                                      const DeletePreconditions& preconditions) {
  Call call = detail::on("delete", "DELETE", ref);
  json::object conditions;
  if (!preconditions.resourceVersion.empty()) {
    conditions["resourceVersion"] = preconditions.resourceVersion;
  }
  if (!preconditions.uid.empty()) {
    conditions["uid"] = preconditions.uid;
  }
  if (!conditions.empty()) {
    call.contentType = "application/json";
    call.body = json::serialize(json::object{
        {"kind", "DeleteOptions"}, {"apiVersion", "v1"}, {"preconditions", conditions}});
  }
  return impl_->perform(call);
}

}  // namespace nova::kube
