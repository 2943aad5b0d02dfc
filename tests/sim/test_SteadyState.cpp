// The reference neighbourhood is at rest: over years 2-15 after the burn-in no headline outcome of
// `baseline` trends (docs/ODD.md, "Steady state"; analysis/steady_state.py prints the same table).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "model_support.h"

using namespace buurt;

// The runs these tests read (model_runs.h): eight replicates of fifteen years.
BUURT_MODEL_RUNS({"baseline.toml", {"run.weeks=780", "run.snapshot_every=0"}, 8});

namespace {

/// Yearly means [replicate][year] of every headline outcome of a scenario over `years` years.
std::vector<std::vector<std::vector<double>>> yearly_headlines(const std::string& scenario, int years, int replicates) {
  std::vector<std::vector<std::vector<double>>> y(kHeadlines.size(), std::vector<std::vector<double>>(static_cast<std::size_t>(replicates)));
  for (int r = 0; r < replicates; ++r) {
    const auto rows = test::run_rows(scenario, {"run.weeks=" + std::to_string(52 * years), "run.snapshot_every=0"}, static_cast<std::uint32_t>(r));
    for (std::size_t h = 0; h < kHeadlines.size(); ++h)
      for (int yr = 0; yr < years; ++yr) {
        double sum = 0;
        for (int w = 1 + 52 * yr; w < 1 + 52 * (yr + 1); ++w) sum += rows[static_cast<std::size_t>(w)][kHeadlines[h]];
        y[h][static_cast<std::size_t>(r)].push_back(sum / 52.0);
      }
  }
  return y;
}

}  // namespace

// The criterion of the issue: with 8 replicates (the issue asks for at least 4), |yearly mean - year-2 mean| <= max(5% of the year-2 mean,
// 2 replicate standard deviations of the yearly mean) for every headline outcome and year 2..15.
TEST(SteadyState, TheReferenceNeighbourhoodIsAtRestForFifteenYears) {
  const int years = 15, reps = 8;
  const auto y = yearly_headlines("baseline.toml", years, reps);
  std::size_t at_rest = 0, levels = 0;
  for (std::size_t h = 0; h < kHeadlines.size(); ++h) {
    const OutcomeSpec& os = spec(kHeadlines[h]);
    // A per-client outcome (window end) pools the intake cohorts reported so far: not a weekly level, and none is
    // reported before year 3.
    if (os.window == OutcomeWindow::end) continue;
    ++levels;
    std::vector<double> mean(years, 0.0), sd(years, 0.0);
    for (int yr = 0; yr < years; ++yr) {
      for (int r = 0; r < reps; ++r) mean[yr] += y[h][r][yr] / reps;
      for (int r = 0; r < reps; ++r) sd[yr] += (y[h][r][yr] - mean[yr]) * (y[h][r][yr] - mean[yr]) / (reps - 1);
      sd[yr] = std::sqrt(sd[yr]);
    }
    double worst = 0, allowed_at_worst = 0;
    bool ok = true;
    for (int yr = 1; yr < years; ++yr) {
      const double dev = std::abs(mean[yr] - mean[1]);
      const double allowed = std::max(0.05 * std::abs(mean[1]), 2.0 * sd[yr]);
      if (dev - allowed > worst - allowed_at_worst || yr == 1) worst = dev, allowed_at_worst = allowed;
      ok &= dev <= allowed;
    }
    at_rest += ok;
    std::printf("[steady] %-40.*s year 2 %10.4g  year 15 %10.4g  worst dev %9.3g  allowed %9.3g %s\n", static_cast<int>(os.label.size()), os.label.data(),
                mean[1], mean[years - 1], worst, allowed_at_worst, ok ? "" : "DRIFTS");
    EXPECT_TRUE(ok) << os.label << " drifts: " << mean[1] << " in year 2, " << mean[years - 1] << " in year 15";
  }
  std::printf("[steady] %zu of %zu headline outcomes at rest over years 2-15 (%d replicates)\n", at_rest, levels, reps);
}
