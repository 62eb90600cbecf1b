#pragma once

#include <cstdint>
#include <string>

#include "nova/core/result.h"

namespace nova::traffic {

/// Green's share of user traffic as a switch reads it, in percent: 0 sends everything to
/// blue, 100 everything to green.
struct GreenWeight {
  std::int64_t percent = 0;
  /// The object and field that decide ("httproute production/api: weights blue 75 / green
  /// 25"), for messages and /status.
  std::string detail;
};

/// A switch that can split traffic between blue and green by weight: the Gateway API
/// HTTPRoute (backendRefs weights), the ingress-nginx canary Ingress (canary-weight) and
/// nginx on plain hosts (`server ... weight=N` lines). Setting a weight is a compare-and-swap
/// like the flip: it applies only when green's weight is still the one the caller last
/// read, so two writers never both move traffic. Not thread-safe; one call at a time.
class WeightedSwitch {
 public:
  virtual ~WeightedSwitch() = default;

  /// Reads green's weight now. kInvalidInput when this switch type cannot weigh traffic
  /// (kubernetes-ingress points at one Service) or the object cannot be understood.
  virtual Result<GreenWeight> greenWeight() = 0;

  /// Sets green's weight to `weight` (0-100) if green's weight is still `expected` when
  /// read now, in one guarded write (a JSON patch whose `test` pins what was read; on nginx
  /// the include is compared, rewritten durably, nginx reloaded and the new split seen
  /// through verify_url). Returns what was done. Errors: kConflict when the weight is no
  /// longer `expected` or the object changed between read and write (nothing applied);
  /// kInvalidInput for a weight outside 0-100 or a type that cannot weigh; the API's,
  /// file's or reload's own codes otherwise.
  virtual Result<std::string> setGreenWeight(std::int64_t expected, std::int64_t weight) = 0;

  /// The exact change setGreenWeight(current, weight) would make now (the JSON patch, or
  /// the include text and the reload), changing nothing: for --dry-run. Errors as
  /// greenWeight().
  virtual Result<std::string> planGreenWeight(std::int64_t weight) = 0;
};

/// kInvalidInput unless 0 <= weight <= 100, naming `weight`.
Status checkWeight(std::int64_t weight);

}  // namespace nova::traffic
