#pragma once
/// Scenario comparison with common random numbers: every scenario runs with the same seeds per
/// replicate; paired differences against the first scenario with 95% t-intervals.
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "buurt/core/Outcomes.h"
#include "buurt/output/Recorder.h"
#include "buurt/scenario/Scenario.h"

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
  double at(const std::vector<double>& v, std::size_t s, Outcome k) const { return v[s * kNumOutcomes + static_cast<std::size_t>(k)]; }
};

/// Run every scenario for `replicates` replicates (run index r = replicate, seed = the first
/// scenario's run.seed for all), in parallel over runs. Results do not depend on the thread count.
std::vector<std::vector<RunSummary>> run_comparison(const std::vector<Scenario>& scenarios, int replicates, const std::atomic<bool>* stop,
                                                    const std::function<void(long)>& progress = {});

/// Means, paired differences against scenario 0 and 95% t-intervals over replicates.
CompareSummary summarise(const std::vector<std::vector<RunSummary>>& runs);

/// Write the comparison file layout (docs/output.md) into an open result file.
void write_comparison(hid_t file, const std::vector<Scenario>& scenarios, const std::vector<std::vector<RunSummary>>& runs, const CompareSummary& summary,
                      const std::string& command);

}  // namespace buurt
