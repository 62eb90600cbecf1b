#pragma once

#include <string>
#include <string_view>

#include "nova/http/client.h"

namespace nova::http::detail {

/// The first header named `name`, compared case-insensitively as HTTP requires, or nullptr.
const std::string* findHeader(const Headers& headers, std::string_view name);

}  // namespace nova::http::detail
