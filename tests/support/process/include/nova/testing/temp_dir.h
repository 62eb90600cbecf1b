#pragma once

#include <string>
#include <string_view>

namespace nova::testing {

/// A fresh folder under /tmp ("/tmp/<prefix>-XXXXXX"), removed with everything in it on
/// destruction. Throws std::runtime_error when it cannot be made.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  /// path() + "/" + name.
  std::string file(std::string_view name) const;
  /// Writes `text` to file(name), replacing it; returns its path.
  std::string write(std::string_view name, std::string_view text) const;

 private:
  std::string path_;
};

}  // namespace nova::testing
