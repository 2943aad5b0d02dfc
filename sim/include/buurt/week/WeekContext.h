#pragma once
/// What every phase of the week works on: residents, ties, parameters, random numbers, the week and its counters.
#include <cstddef>
#include <cstdint>

#include "buurt/base/Rng.h"
#include "buurt/network/Network.h"
#include "buurt/population/Population.h"
#include "buurt/schema/Schema.h"
#include "buurt/week/Cases.h"

namespace buurt {

/// Counters of one week that are not a policy module's own (those count in the module: policy/Policies.h),
/// written by the phases and read by accounting. `Simulation::step()` resets them before the first phase,
/// so no phase depends on another phase's position in the week.
struct WeekCounters {
  double programme_ties = 0;                                   ///< ties formed by team mobilisation, managers and initiatives
  double meeting_ties = 0;                                     ///< ties formed when street neighbours meet (tie dynamics)
  double ties_broken = 0;                                      ///< ties that ended (tie dynamics)
  double births = 0, deaths = 0, moves_in = 0, moves_out = 0;  ///< the life course (residents)
  double newcomers_year = 0, newcomers_without_tie = 0;        ///< movers of 52-103 weeks ago, and those without a tie outside the household
};

struct WeekContext {
  Population& pop;
  Network& net;
  const Params& p;
  const Rng& rng;
  std::uint32_t tick;  ///< weeks since the start of the burn-in: the week key of every random draw
  int week;            ///< weeks since week 0 (negative during the burn-in)
  WeekCounters& counters;
  CaseBook& cases;  ///< the services' case records (effects per client)

  /// Block (buurt-part) of resident i.
  std::uint32_t block_of(std::size_t i) const { return pop.street[i] / static_cast<std::uint32_t>(p.population_streets_per_block); }
  /// Whether programmes (community managers, initiatives) run: from week 0, after the burn-in.
  bool programmes() const { return week >= 0; }
};

}  // namespace buurt
