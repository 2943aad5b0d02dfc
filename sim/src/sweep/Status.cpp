#include "buurt/sweep/Status.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <algorithm>
#include <cmath>

#include "FileFormat.h"
#include "buurt/output/Recorder.h"
#include "buurt/sweep/Header.h"
#include "buurt/sweep/Store.h"

namespace buurt::sweep {
namespace fs = std::filesystem;
using namespace detail;

std::string status_report(const fs::path& given, int threads) {
  fs::path path = given;
  if (!fs::exists(path) && fs::exists(PartialFile::path_for(given))) path = PartialFile::path_for(given);
  if (!fs::exists(path)) throw InputError(fmt::format("'{}' does not exist (nor '{}')", given.string(), PartialFile::path_for(given).string()));
  ResultGroup f;
  try {
    f = ResultGroup::open_file(path, false);
  } catch (const FormatError&) {
    throw InputError(fmt::format("'{}' cannot be opened as HDF5", path.string()));
  }
  const std::string kind = read_kind(f);
  if (kind != kKindFinal && kind != kKindPartial) throw InputError(fmt::format("'{}' is not a sweep file", path.string()));
  const Header h = Header::read(f);
  std::string out = fmt::format("sweep        {} ({})\nfile         {}\n", h.name, h.fingerprint, path.string());
  out += fmt::format("design       {}: {} points x {} parameters ({})\n", h.design_kind, h.design.rows, h.design.cols, fmt::join(h.parameter_names, ", "));
  out += fmt::format("replicates   {}{}, seed {}, {} weeks per run\n", h.replicates,
                     h.target_ci.empty() ? "" : fmt::format(" (adaptive until the 95% interval of {} is narrow enough, at most {})", h.target_ci, h.stride),
                     h.seed, h.weeks);
  if (h.shard_count > 1) out += fmt::format("shard        {}/{}\n", h.shard_index, h.shard_count);
  if (kind == kKindFinal) {
    std::vector<std::uint64_t> dims;
    (void)f.read<std::int64_t>("/runs/run_index", &dims);
    out += fmt::format("state        complete: {} runs\n", dims.empty() ? 0 : dims[0]);
    return out;
  }
  const auto done = f.read<std::uint64_t>("/partial/done");
  const auto secs = f.read<double>("/partial/seconds");
  std::int64_t n_done = 0;
  double sum = 0;
  for (std::size_t i = 0; i < done.size(); ++i)
    if (done[i] != 0) {
      ++n_done;
      if (std::isfinite(secs[i])) sum += secs[i];
    }
  std::int64_t missing = static_cast<std::int64_t>(done.size()) - n_done;
  std::string planned = fmt::format("{}", done.size());
  if (!h.target_ci.empty()) {
    // Adaptive: at least `replicates` per point are needed; more may follow.
    missing = 0;
    for (std::size_t p0 = 0; p0 < done.size(); p0 += static_cast<std::size_t>(h.stride)) {
      std::int64_t d = 0;
      for (std::int64_t r = 0; r < h.stride; ++r) d += done[p0 + static_cast<std::size_t>(r)] != 0;
      missing += std::max<std::int64_t>(0, h.replicates - d);
    }
    planned = fmt::format("at least {} (adaptive)", n_done + missing);
  }
  const double mean = n_done > 0 ? sum / static_cast<double>(n_done) : 0.0;
  const int th = std::max(1, threads);
  // The full command: the sweep file as it was given when the sweep started, and this --out.
  fs::path result = path;
  if (result.extension() == ".partial") result.replace_extension();
  const auto attr = [&](const char* name) { return f.has_attr(name) ? f.attr_string(name) : std::string(); };
  const std::string sweep_file = attr("sweep_file"), shard = attr("shard");
  out += fmt::format("state        in progress; continue with:\n             buurt sweep {} --resume --out {}{}\n",
                     sweep_file.empty() ? "SWEEP.toml" : sweep_file, result.string(), shard.empty() ? "" : " --shard " + shard);
  out += fmt::format("runs         {} done, {} missing, {} planned\n", n_done, missing, planned);
  if (n_done > 0)
    out += fmt::format("time         {:.3f} s per run (summed run time {:.1f} s); ETA {:.1f} s at {} parallel runs\n", mean, sum,
                       mean * static_cast<double>(missing) / th, th);
  else
    out += "time         no run finished yet: no ETA\n";
  return out;
}

}  // namespace buurt::sweep
