#include "app.h"

namespace nova::demo {

FaultSet applyFaults(App& app, const FaultPatch& patch) {
  const bool hadDataLoss = app.faults.current().dataLoss;
  const FaultSet now = app.faults.apply(patch);
  if (patch.wsDropRatio && *patch.wsDropRatio > 0.0) {
    app.wsHub.drop(*patch.wsDropRatio);
  }
  if (now.dataLoss && !hadDataLoss) {
    app.metrics.countDataLossEvent();
  }
  return now;
}

void resetFaults(App& app) {
  app.faults.reset();
  app.wsHub.restoreSimulated();
}

}  // namespace nova::demo
