// File I/O of the simulated library's physical state: whole-file read and
// crash-safe replacement. The only place in sim/ that touches the file system.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace openrsm::devices::sim::internal {

// The temporary file ReplaceFileAtomically writes next to `path`.
std::string TempPathFor(const std::string& path);

// Reads the whole of `path`. Returns nullopt when it does not exist;
// ERROR_DEVICE_NOT_AVAILABLE when it exists but cannot be read.
Result<std::optional<std::string>> ReadWholeFile(const std::string& path);

// Replaces `path` with `contents` so that a crash at any point leaves either
// the old or the new file: writes TempPathFor(path), fsyncs it, renames it over
// `path`, fsyncs the directory. On failure `path` is unchanged, the temp file is
// removed, and the result is ERROR_DEVICE_NOT_AVAILABLE naming the failing step.
// `durable` false (SimConfig::durable_state, benchmarks) skips both fsyncs: a
// crash of the process still leaves the old or the new file, a power loss
// may leave either or an empty one.
Status ReplaceFileAtomically(const std::string& path, std::string_view contents, bool durable = true);

// Removes a temp file left by a crash during ReplaceFileAtomically (best effort).
void RemoveStaleTemp(const std::string& path);

}  // namespace openrsm::devices::sim::internal
