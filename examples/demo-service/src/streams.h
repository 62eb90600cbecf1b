#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace nova::demo {

/// A live stream as the API shows it.
struct Stream {
  std::string id;
  std::string title;
  std::string description;
  /// Creation time, RFC 3339 in UTC.
  std::string createdAt;
  /// Creation order, so listings are stable.
  std::uint64_t sequence = 0;
};

/// The in-memory stand-in for the streams table. Thread-safe.
class StreamStore {
 public:
  /// `seed` makes the ids reproducible in tests; 0 seeds from std::random_device.
  explicit StreamStore(std::uint64_t seed = 0);

  /// Builds a stream with a fresh UUID-shaped id. When `persist` is false the stream is
  /// returned but never stored: that is how the data-loss fault loses writes.
  Stream create(std::string title, std::string description, bool persist = true);
  std::optional<Stream> get(const std::string& id) const;
  /// The `limit` most recently created streams, oldest of them first.
  std::vector<Stream> active(std::size_t limit) const;
  /// True when the stream existed.
  bool remove(const std::string& id);
  std::size_t size() const;

 private:
  std::string newId();

  mutable std::mutex mutex_;
  // Ordered by creation, so listings need no sort; ids_ maps id to sequence.
  std::map<std::uint64_t, Stream> streams_;
  std::unordered_map<std::string, std::uint64_t> ids_;
  std::mt19937_64 random_;
  std::uint64_t sequence_ = 0;
};

}  // namespace nova::demo
