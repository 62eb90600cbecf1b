#include "nova/scrape/prober.h"

namespace nova::scrape {

std::string_view toString(ProbeEvent::Kind kind) {
  return kind == ProbeEvent::Kind::kHealth ? "health" : "scrape";
}

}  // namespace nova::scrape
