#include "Preflight.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "buurt/core/Simulation.h"

namespace buurt {
namespace {

constexpr std::int64_t kCalibrationResidents = 2000;
// Peak over steady state: temporary arrays while the network is built, the recorder's snapshot
// buffers and allocator slack. Measured with /usr/bin/time -v (docs/limits.md): max RSS of
// `buurt run` at 1-2 million residents is 1.3-1.5 x the state estimate; 2 leaves a margin.
constexpr double kHeadroom = 2.0;
constexpr double kFixedBytes = 64.0 * 1024 * 1024;  // program, libraries, HDF5 and TBB pools

std::uint64_t read_u64_file(const char* path, bool* ok) {
  std::ifstream in(path);
  std::string s;
  *ok = false;
  if (!(in >> s) || s == "max") return 0;
  try {
    *ok = true;
    return std::stoull(s);
  } catch (...) {
    *ok = false;
    return 0;
  }
}

std::uint64_t mapped_bytes() {  // VmSize of this process
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmSize:", 0) == 0) {
      std::istringstream is(line.substr(7));
      std::uint64_t kb = 0;
      is >> kb;
      return kb * 1024;
    }
  return 0;
}

std::string human(double bytes) {
  if (bytes >= 1e9) return fmt::format("{:.1f} GB", bytes / 1e9);
  return fmt::format("{:.0f} MB", bytes / 1e6);
}

}  // namespace

std::uint64_t available_memory(std::string* source) {
  std::uint64_t best = 0;
  std::string src;
  auto consider = [&](std::uint64_t v, const char* what) {
    if (best == 0 || v < best) {
      best = v;
      src = what;
    }
  };
  {
    std::ifstream in("/proc/meminfo");
    std::string key;
    std::uint64_t kb = 0;
    std::string unit;
    while (in >> key >> kb) {
      std::getline(in, unit);
      if (key == "MemAvailable:") {
        consider(kb * 1024, "MemAvailable in /proc/meminfo");
        break;
      }
    }
  }
  {
    bool ok_max = false, ok_cur = false;
    const std::uint64_t mx = read_u64_file("/sys/fs/cgroup/memory.max", &ok_max);
    const std::uint64_t cur = read_u64_file("/sys/fs/cgroup/memory.current", &ok_cur);
    if (ok_max && ok_cur) consider(mx > cur ? mx - cur : 1, "the cgroup memory limit (memory.max)");
  }
  rlimit rl{};
  if (::getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    const std::uint64_t used = mapped_bytes();
    const std::uint64_t lim = static_cast<std::uint64_t>(rl.rlim_cur);
    consider(lim > used ? lim - used : 1, "the address-space limit (ulimit -v)");
  }
  if (source) *source = src;
  return best;
}

MemoryEstimate estimate_memory(const Scenario& s, int runs) {
  Params p = s.params;
  const std::int64_t n = p.population_residents;
  p.population_residents = std::min<std::int64_t>(n, kCalibrationResidents);
  p.run_burn_in = 0;
  const Simulation probe(p, 0);
  MemoryEstimate e;
  e.bytes_per_resident = probe.bytes_per_resident();
  e.bytes = kFixedBytes + kHeadroom * e.bytes_per_resident * static_cast<double>(n) * std::max(1, runs);
  return e;
}

void check_memory(const Scenario& s, int runs) {
  std::string source;
  const std::uint64_t avail = available_memory(&source);
  if (avail == 0) return;  // nothing to compare with (not Linux?)
  // Small neighbourhoods cannot run out: skip the calibration build.
  if (static_cast<double>(s.params.population_residents) * std::max(1, runs) * 4096.0 + kFixedBytes < static_cast<double>(avail) / 4) return;
  const MemoryEstimate e = estimate_memory(s, runs);
  if (e.bytes <= static_cast<double>(avail)) return;
  const double per_run = (e.bytes - kFixedBytes) / std::max(1, runs);
  const auto fit = static_cast<std::int64_t>((static_cast<double>(avail) - kFixedBytes) / (kHeadroom * e.bytes_per_resident * std::max(1, runs)));
  throw ScenarioError(
      s.source_path, 0, 0, "population.residents",
      fmt::format("{} residents need about {} of memory{} ({:.0f} bytes per resident incl. ties, x{:.0f} headroom), "
                  "but only {} is available ({}); at most about {} residents fit",
                  s.params.population_residents, human(e.bytes), runs > 1 ? fmt::format(" for {} runs at once, {} each", runs, human(per_run)) : "",
                  e.bytes_per_resident, kHeadroom, human(static_cast<double>(avail)), source, std::max<std::int64_t>(fit, 0)));
}

}  // namespace buurt
