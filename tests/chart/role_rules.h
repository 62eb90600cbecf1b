#pragma once

#include <boost/json/value.hpp>
#include <set>
#include <string>
#include <vector>

#include "nova/core/result.h"
#include "nova/fake_kube/fake_kube.h"

namespace nova::chart_test {

/// What the fake API server's answered requests did against the Roles a chart render holds.
struct RoleVerdict {
  /// "" when every request was allowed and every grant used; else the first problem.
  std::string problem;
  int requests = 0;
  std::size_t grants = 0;
};

/// The rendered Roles in the JSON files `paths` (a Role or ClusterRole each); an error
/// names the file that could not be read.
Result<std::vector<boost::json::value>> readRoles(const std::vector<std::string>& paths);

/// Checks `requests` against the Roles (rendered Role objects as JSON) the way the API
/// server's RBAC would: the verb from the method and query (GET of an object get, of a
/// collection list, with watch=1 watch; POST create, PUT update, PATCH patch, DELETE
/// delete), the API group, the resource with its subresource, the namespace (a Namespace
/// object's own name; none for a ClusterRole, which here grants cluster-scoped resources)
/// and, where a rule lists resourceNames, the name. Every request must be allowed by some rule, and
/// every (verb, resource, name) a rule grants must have been used by some request.
RoleVerdict checkRoles(const std::vector<fake_kube::RecordedRequest>& requests,
                       const std::vector<boost::json::value>& roles);

}  // namespace nova::chart_test
