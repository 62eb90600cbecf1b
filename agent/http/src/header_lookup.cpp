#include "header_lookup.h"

#include "nova/core/text.h"

namespace nova::http::detail {

const std::string* findHeader(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (equalsIgnoreCase(key, name)) {
      return &value;
    }
  }
  return nullptr;
}

}  // namespace nova::http::detail
