#pragma once
/// Scenario comparison with common random numbers: every scenario runs with the same seeds per
/// replicate; paired differences against the first scenario with 95% t-intervals.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "buurt/core/Simulation.h"
#include "buurt/output/Recorder.h"
#include "buurt/scenario/Scenario.h"
#include "buurt/schema/Outcomes.h"

namespace buurt {

/// Outcomes of one run kept for the comparison file.
struct RunSummary {
  std::vector<WeekOutcomes> rows;  ///< week 0..W
  GroupTable groups;
};

/// Statistics per scenario (s) and outcome (k), flattened s * K + k.
struct CompareSummary {
  std::size_t scenarios = 0, replicates = 0;
  std::vector<double> final_values;                                                 ///< [S, R, K] outcome in the last week
  std::vector<double> last_year;                                                    ///< [S, R, K] mean over the last 52 weeks (or all weeks if fewer)
  std::vector<double> mean, diff_mean, diff_lo, diff_hi, rel_mean, rel_lo, rel_hi;  ///< [S, K]
  /// [S, K] share of replicates in which scenario s is better than the reference (outcome's direction;
  /// ties count half; NaN for outcomes without a direction and for the reference itself).
  std::vector<double> p_better;
  double at(const std::vector<double>& v, std::size_t s, Outcome k) const { return v[s * kNumOutcomes + static_cast<std::size_t>(k)]; }
};

/// Where a comparison's burned-in neighbourhoods come from and go to (state files, docs/output.md).
struct CompareStart {
  /// Replicate r's neighbourhood at week 0 (read from a state file); empty: burn it in.
  std::function<std::unique_ptr<Simulation>(const Params&, std::uint32_t run)> load;
  /// Called with each replicate's neighbourhood at week 0, one call at a time (writes a state file).
  std::function<void(Simulation&)> save;
  /// Scenario s's parameters in replicate r (e.g. an ensemble member's calibrated keys); empty: the
  /// scenario's own. The seed is set to the first scenario's afterwards (common random numbers).
  std::function<Params(std::size_t scenario, std::uint32_t run)> params;
};

/// Run every scenario for `replicates` replicates (run index r = replicate, seed = the first
/// scenario's run.seed for all), in parallel over runs. Results do not depend on the thread count.
/// With a common start (every scenario has run.common_start and a burn-in) each replicate's
/// neighbourhood is burned in once under the first scenario's settings, or loaded by `start.load`, and
/// every scenario switches its policy keys on at week 0 from that identical state.
std::vector<std::vector<RunSummary>> run_comparison(const std::vector<Scenario>& scenarios, int replicates, const std::atomic<bool>* stop,
                                                    const std::function<void(long)>& progress = {}, const CompareStart& start = {});

/// Means, paired differences against scenario 0 and 95% t-intervals over replicates.
CompareSummary summarise(const std::vector<std::vector<RunSummary>>& runs);

/// Write the comparison file layout (docs/output.md) into an open result file.
void write_comparison(const ResultGroup& file, const std::vector<Scenario>& scenarios, const std::vector<std::vector<RunSummary>>& runs,
                      const CompareSummary& summary, const std::string& command);

}  // namespace buurt
