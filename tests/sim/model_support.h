#pragma once
// Helpers for model tests: read the shared runs of library scenarios (model_runs.h) and average outcomes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "buurt/core/RunLoop.h"
#include "buurt/core/Simulation.h"
#include "buurt/experiment/Stats.h"
#include "buurt/scenario/Scenario.h"
#include "model_runs.h"
#include "test_support.h"

namespace buurt::test {

/// Per-week outcome rows (week 0..W) of one run of a library scenario with overrides, read from the shared
/// model runs (model_runs.h): the test file declares it with BUURT_MODEL_RUNS.
inline std::vector<WeekOutcomes> run_rows(const std::string& scenario, const std::vector<std::string>& sets, std::uint32_t run = 0) {
  return stored_rows(scenario, sets, run);
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

/// Mean and 95% half-width (t over replicates) of paired effects: the library's one helper (experiment/Stats.h).
using Interval = MeanInterval;

inline Interval interval(const std::vector<double>& x) { return mean_interval(x); }

/// The rule of docs/ODD.md ("Mechanisms and their tests"): on, the 95% interval excludes 0 with a half-width
/// below a third of the effect; off, |effect| below a quarter of the on-effect. Prints the figures
/// (`ctest -V -R Mechanisms | grep '\[mechanism\]'`).
inline void expect_mechanism(const char* what, const std::vector<double>& on, const std::vector<double>& off) {
  const Interval a = interval(on), b = interval(off);
  std::printf("[mechanism] %s: on %.4g +- %.4g, off %.4g +- %.4g\n", what, a.mean, a.half, b.mean, b.half);
  EXPECT_TRUE(a.mean - a.half > 0 || a.mean + a.half < 0) << what << ": on-effect " << a.mean << " +- " << a.half << " includes 0";
  EXPECT_LT(a.half, std::abs(a.mean) / 3) << what << ": on-effect " << a.mean << " +- " << a.half << " too uncertain";
  EXPECT_LT(std::abs(b.mean), 0.25 * std::abs(a.mean)) << what << ": off-effect " << b.mean << " vs on-effect " << a.mean;
}

}  // namespace buurt::test
