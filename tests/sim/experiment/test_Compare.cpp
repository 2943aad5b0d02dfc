// What `buurt compare` prints of a comparison: "no clear change" exactly when the 95% interval includes 0 at
// full precision, and every clear change printed with digits that never read 0 (issue 47).
#include <gtest/gtest.h>

#include <string>

#include "../test_support.h"
#include "buurt/experiment/Compare.h"
#include "buurt/output/Format.h"

using namespace buurt;

using test::reads_nonzero;

// A real comparison (a bigger team against the baseline, small neighbourhood, 3 replicates): for every outcome,
// clear_change is the interval excluding 0, and the change and both ends of a clear change never read 0.
TEST(Compare, NoClearChangeIfAndOnlyIfTheIntervalIncludesZero) {
  Scenario base;
  base.name = "baseline";
  base.params = test::small_params(1500);
  base.params.run_burn_in = 26;
  base.params.run_weeks = 30;
  Scenario bigger = base;
  bigger.name = "bigger_team";
  bigger.params.team_fte_per_1000 = 3.0;
  const CompareSummary cs = summarise(run_comparison({base, bigger}, 3, nullptr));
  std::size_t clear = 0, unclear = 0;
  for (const auto& s : kOutcomeSpecs) {
    const double lo = cs.at(cs.diff_lo, 1, s.id), hi = cs.at(cs.diff_hi, 1, s.id), mid = cs.at(cs.diff_mean, 1, s.id);
    if (!std::isfinite(lo)) continue;
    EXPECT_EQ(clear_change(lo, hi), !(lo <= 0.0 && hi >= 0.0)) << s.name;
    if (clear_change(lo, hi)) {
      ++clear;
      for (const double v : {lo, mid, hi}) EXPECT_TRUE(reads_nonzero(format_difference(s.id, v))) << s.name << ": " << format_difference(s.id, v);
    } else {
      ++unclear;
    }
  }
  EXPECT_GT(clear, 5u) << "a team three times as large changes costs, hours and waiting";
  EXPECT_GT(unclear, 0u);
}
