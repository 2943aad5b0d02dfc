#pragma once
/// Pre-flight checks run before a command allocates a neighbourhood: a memory estimate from a small
/// calibration neighbourhood with the same parameters, compared with the memory this process may use.
#include <cstdint>
#include <string>

#include "buurt/scenario/Scenario.h"

namespace buurt {

/// Memory this process may still allocate: the smallest of MemAvailable (/proc/meminfo), the
/// cgroup v2 limit (memory.max - memory.current) and the address-space limit (ulimit -v, minus what
/// is mapped now). `source` names the one that bounds it. 0 when none can be read (no check then).
std::uint64_t available_memory(std::string* source = nullptr);

struct MemoryEstimate {
  double bytes_per_resident = 0;  ///< simulation state incl. ties, measured on the calibration neighbourhood
  double bytes = 0;               ///< estimated peak of `runs` simultaneous simulations, with headroom
};

/// Estimate the peak memory of `runs` simulations of `s` held at the same time (a `compare` or
/// sweep with several threads). Builds one neighbourhood of at most 2,000 residents (milliseconds).
MemoryEstimate estimate_memory(const Scenario& s, int runs = 1);

/// Throw a ScenarioError naming population.residents when the estimate does not fit in
/// available_memory(). Called by `buurt run` and `buurt compare` before any large allocation.
void check_memory(const Scenario& s, int runs = 1);

}  // namespace buurt
