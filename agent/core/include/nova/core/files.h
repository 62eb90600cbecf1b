#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "nova/core/result.h"

namespace nova {

/// Reads a whole file, refusing to hold more than `maxBytes`: it reads at most
/// maxBytes + 1 bytes, so /dev/zero or a huge file fails fast with bounded memory.
/// Errors: kNotFound (no such file), kInvalidInput (a directory, or larger than maxBytes),
/// kRefused (permission), kInternal (other I/O errors, with strerror). Messages name the
/// path. "-" is not special here; callers that accept stdin read it with readStream().
Result<std::string> readFile(const std::string& path, std::size_t maxBytes);

/// Reads a file descriptor to its end with the same bound (stdin for "-").
Result<std::string> readDescriptor(int fd, std::string_view name, std::size_t maxBytes);

struct DurableWrite {
  /// Keep the replaced file as `<path>.prev`, a last good copy to recover from.
  bool keepPrevious = false;
  /// File mode of a newly created file.
  unsigned mode = 0644;
};

/// Replaces `path` atomically and durably: writes `<path>.tmp`, fsyncs it, (optionally
/// links the old file to `<path>.prev`), renames over `path` and fsyncs the directory. After
/// a crash at any instant the path holds either the old or the new content, whole. Errors
/// (kRefused for permissions, kInternal otherwise) name the step, the path and the errno
/// text.
Status writeFileDurably(const std::string& path, std::string_view content,
                        DurableWrite options = {});

/// Appends `line` (a newline is added) to `path` and fsyncs before returning, creating the
/// file (and fsyncing its directory) when it is new. For append-only journals.
Status appendDurably(const std::string& path, std::string_view line);

}  // namespace nova
