#include "header_lookup.h"

#include <strings.h>

namespace nova::http::detail {

const std::string* findHeader(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), key.size()) == 0) {
      return &value;
    }
  }
  return nullptr;
}

}  // namespace nova::http::detail
