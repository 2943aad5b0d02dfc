#pragma once
// Helpers for model tests: run library scenarios with fixed seeds and average outcomes.
#include <string>
#include <vector>

#include "buurt/core/RunLoop.h"
#include "buurt/core/Simulation.h"
#include "buurt/scenario/Scenario.h"
#include "test_support.h"

namespace buurt::test {

/// Per-week outcome rows (week 0..W) of one run of a library scenario with overrides.
inline std::vector<WeekOutcomes> run_rows(const std::string& scenario, std::vector<std::string> sets, std::uint32_t run = 0) {
  const Scenario s = load_scenario(scenario_path(scenario), sets);
  Simulation sim(s.params, run);
  std::vector<WeekOutcomes> rows{sim.outcomes()};
  run_weeks(sim, s.params.run_weeks, nullptr, [&](const Simulation& x) { rows.push_back(x.outcomes()); });
  return rows;
}

/// Mean of an outcome over weeks [from, to) and over `runs` replicates (common random numbers).
inline double mean_outcome(const std::string& scenario, const std::vector<std::string>& sets, Outcome o, int from, int to, int runs = 2) {
  double sum = 0;
  int n = 0;
  for (int r = 0; r < runs; ++r) {
    const auto rows = run_rows(scenario, sets, static_cast<std::uint32_t>(r));
    for (int w = from; w < to && w < static_cast<int>(rows.size()); ++w, ++n) sum += rows[static_cast<std::size_t>(w)][o];
  }
  return sum / n;
}

}  // namespace buurt::test
