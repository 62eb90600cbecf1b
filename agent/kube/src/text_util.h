#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "nova/core/result.h"

namespace nova::kube::detail {

/// `text` without leading and trailing whitespace (spaces, tabs, CR, LF).
std::string_view trim(std::string_view text);

/// The whole content of a file, or an error naming it.
Result<std::string> readWholeFile(const std::string& path);

/// Decodes standard base64 (padding optional, whitespace ignored); nullopt when malformed.
std::optional<std::string> decodeBase64(std::string_view text);

}  // namespace nova::kube::detail
