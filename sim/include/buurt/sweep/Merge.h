#pragma once
/// Final sweep files: a finished working file into its result, and shard results into one file.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "buurt/sweep/Plan.h"

namespace buurt::sweep {

/// Build the final result file `out` from a complete working file (temp name, fsync, rename), then
/// remove the working file. Rows are written in run-index order, streamed in blocks.
/// `shard_file`: keep /sweep/shard_index and shard_count (a `--shard I/N` result, input to merge).
void finalize(const Plan& plan, const std::filesystem::path& partial, const std::filesystem::path& out, bool force, bool shard_file);

/// Combine shard files into the file a single run would have produced. Checks that the shards belong
/// to one sweep and that no shard or run is missing or duplicated. Returns the number of runs.
std::int64_t merge(const std::vector<std::filesystem::path>& shards, const std::filesystem::path& out, bool force);

}  // namespace buurt::sweep
