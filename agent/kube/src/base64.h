#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nova::kube::detail {

/// Decodes standard base64 (padding optional, whitespace ignored); nullopt when malformed.
std::optional<std::string> decodeBase64(std::string_view text);

}  // namespace nova::kube::detail
