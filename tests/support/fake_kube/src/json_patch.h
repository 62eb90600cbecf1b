#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace nova::fake_kube::detail {

/// How applying a patch went.
struct PatchResult {
  enum class Kind { kApplied, kUndecodable, kFailed };
  Kind kind = Kind::kApplied;
  /// Why, for the server's own log; the API does not return it (422 carries a fixed text).
  std::string why;
};

/// Applies an RFC 6902 patch (the request body) to `doc`: all operations or none. A body
/// that is not an array of operation objects is kUndecodable (400); an operation that cannot
/// be applied (failed test, missing path, bad index, unknown op) is kFailed (422).
PatchResult applyJsonPatch(boost::json::value& doc, const std::string& body);

/// Applies an RFC 7386 merge patch: objects merge recursively, null deletes, anything else
/// (arrays included) replaces.
void applyMergePatch(boost::json::value& doc, const boost::json::value& patch);

/// JSON equality with numbers compared by value whatever their kind (1 == 1.0).
bool jsonEqual(const boost::json::value& a, const boost::json::value& b);

}  // namespace nova::fake_kube::detail
