// The reference neighbourhood is at rest: over years 2-15 after the burn-in no headline outcome of
// `baseline` trends (docs/ODD.md, "Steady state"; analysis/steady_state.py prints the same table).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "model_support.h"

using namespace buurt;

// The runs these tests read (model_runs.h): eight replicates of fifteen years, and four of the negative control
// of the network's first structure.
BUURT_MODEL_RUNS({"baseline.toml", {"run.weeks=780", "run.snapshot_every=0"}, 8},
                 {"baseline.toml", {"run.weeks=780", "run.snapshot_every=0", "network.friend_via_contacts=0"}, 4});

/// The outcomes that must be at rest: every headline outcome and the clustering of ties (issue 48).
const std::vector<Outcome> kAtRest = [] {
  std::vector<Outcome> v(kHeadlines.begin(), kHeadlines.end());
  v.push_back(Outcome::clustering);
  return v;
}();

namespace {

/// Yearly means [outcome][replicate][year] of `outcomes` of a scenario over `years` years.
std::vector<std::vector<std::vector<double>>> yearly_means(const std::string& scenario, std::vector<std::string> sets, const std::vector<Outcome>& outcomes,
                                                           int years, int replicates) {
  sets.insert(sets.begin(), {"run.weeks=" + std::to_string(52 * years), "run.snapshot_every=0"});
  std::vector<std::vector<std::vector<double>>> y(outcomes.size(), std::vector<std::vector<double>>(static_cast<std::size_t>(replicates)));
  for (int r = 0; r < replicates; ++r) {
    const auto rows = test::run_rows(scenario, sets, static_cast<std::uint32_t>(r));
    for (std::size_t h = 0; h < outcomes.size(); ++h)
      for (int yr = 0; yr < years; ++yr) {
        double sum = 0;
        for (int w = 1 + 52 * yr; w < 1 + 52 * (yr + 1); ++w) sum += rows[static_cast<std::size_t>(w)][outcomes[h]];
        y[h][static_cast<std::size_t>(r)].push_back(sum / 52.0);
      }
  }
  return y;
}

/// The criterion of the issue, over yearly means [replicate][year]: |yearly mean - year-2 mean| <= max(5% of the
/// year-2 mean, 2 replicate standard deviations of the yearly mean) in every year 2..n.
struct Drift {
  double year2 = 0, last = 0, worst = 0, allowed = 0;
  bool at_rest = true;
};
Drift drift(const std::vector<std::vector<double>>& y) {
  const std::size_t reps = y.size(), years = y[0].size();
  std::vector<double> mean(years, 0.0), sd(years, 0.0);
  for (std::size_t yr = 0; yr < years; ++yr) {
    for (std::size_t r = 0; r < reps; ++r) mean[yr] += y[r][yr] / static_cast<double>(reps);
    for (std::size_t r = 0; r < reps; ++r) sd[yr] += (y[r][yr] - mean[yr]) * (y[r][yr] - mean[yr]) / static_cast<double>(reps - 1);
    sd[yr] = std::sqrt(sd[yr]);
  }
  Drift d{mean[1], mean[years - 1]};
  for (std::size_t yr = 1; yr < years; ++yr) {
    const double dev = std::abs(mean[yr] - mean[1]);
    const double allowed = std::max(0.05 * std::abs(mean[1]), 2.0 * sd[yr]);
    if (dev - allowed > d.worst - d.allowed || yr == 1) d.worst = dev, d.allowed = allowed;
    d.at_rest &= dev <= allowed;
  }
  return d;
}

}  // namespace

// With 8 replicates (the issue asks for at least 4), the criterion above for every headline outcome and the
// clustering of ties over years 2..15.
TEST(SteadyState, TheReferenceNeighbourhoodIsAtRestForFifteenYears) {
  const int years = 15, reps = 8;
  const auto y = yearly_means("baseline.toml", {}, kAtRest, years, reps);
  std::size_t at_rest = 0, levels = 0;
  for (std::size_t h = 0; h < kAtRest.size(); ++h) {
    const OutcomeSpec& os = spec(kAtRest[h]);
    // A per-client outcome (window end) pools the intake cohorts reported so far: not a weekly level, and none is
    // reported before year 3.
    if (os.window == OutcomeWindow::end) continue;
    ++levels;
    const Drift d = drift(y[h]);
    at_rest += d.at_rest;
    std::printf("[steady] %-40.*s year 2 %10.4g  year 15 %10.4g  worst dev %9.3g  allowed %9.3g %s\n", static_cast<int>(os.label.size()), os.label.data(),
                d.year2, d.last, d.worst, d.allowed, d.at_rest ? "" : "DRIFTS");
    EXPECT_TRUE(d.at_rest) << os.label << " drifts: " << d.year2 << " in year 2, " << d.last << " in year 15";
  }
  std::printf("[steady] %zu of %zu headline outcomes and clustering at rest over years 2-15 (%d replicates)\n", at_rest, levels, reps);
}

// Negative control of the network's first structure (network.friend_via_contacts, docs/ODD.md "Meeting through
// shared contacts"): drawn anywhere in the block or the wijk instead of among contacts' contacts, the first
// residents' friends have no contact in common, and as they move away and newcomers' networks close,
// clustering rises beyond the criterion above (4 replicates).
TEST(SteadyState, FirstFriendsDrawnAnywhereLetClusteringDrift) {
  const int years = 15, reps = 4;
  const auto y = yearly_means("baseline.toml", {"network.friend_via_contacts=0"}, {Outcome::clustering}, years, reps);
  const Drift d = drift(y[0]);
  std::printf("[steady] clustering with the first friends drawn anywhere: year 2 %.4f, year 15 %.4f, worst dev %.3g, allowed %.3g\n", d.year2, d.last, d.worst,
              d.allowed);
  EXPECT_FALSE(d.at_rest);
  EXPECT_GT(d.last, d.year2);
}
