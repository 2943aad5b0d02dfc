#pragma once
/// `buurt sweep --status`: the state of a sweep file in words.
#include <filesystem>
#include <string>

namespace buurt::sweep {

/// Human-readable state of a final or working file: done, missing, time per run, ETA.
std::string status_report(const std::filesystem::path& file, int threads);

}  // namespace buurt::sweep
