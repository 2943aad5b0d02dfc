#pragma once
// Internal to the sweep store (Header.cpp, Store.cpp, Merge.cpp, Status.cpp): how sweep files are told
// apart and laid out on disk, and small readers they share. Not a public header.
#include <cstdint>
#include <string>
#include <vector>

#include "buurt/output/Group.h"

namespace buurt::sweep::detail {

inline constexpr const char* kKindFinal = "sweep";            ///< root attribute `kind` of a finished sweep file
inline constexpr const char* kKindPartial = "sweep-partial";  ///< ... and of a working file
inline constexpr std::int64_t kBlock = 1024;                  ///< rows per block when streaming

/// The root attribute `kind`, "" when absent.
std::string read_kind(const ResultGroup& file);
std::int64_t read_i64(const ResultGroup& g, const std::string& name);
/// First line where two texts differ (for "different sweep" messages).
std::string first_difference(const std::string& a, const std::string& b);
/// Where a kept time series lives in a working file.
inline std::string series_path(const std::string& name) { return "/partial/timeseries/" + name; }

}  // namespace buurt::sweep::detail
