// The shared model runs (model_runs.h) are the runs themselves: a stored run read back equals the same
// scenario run live, week by week and bit for bit, whether it is the first weeks of a longer stored run or
// a policy variant started from a burned-in neighbourhood it shares with other runs.
#include <gtest/gtest.h>
#include <bit>

#include "buurt/core/RunLoop.h"
#include "buurt/core/Simulation.h"
#include "buurt/scenario/Scenario.h"
#include "model_runs.h"
#include "test_support.h"

using namespace buurt;

namespace {

// Both are declared by other files too: the baseline is stored at 780 weeks (SteadyState), the huge team
// starts from the baseline's burned-in neighbourhood.
BUURT_MODEL_RUNS({"baseline.toml", {"run.weeks=26"}, 2}, {"baseline.toml", {"run.weeks=26", "team.fte_per_1000=150"}, 1});

void expect_stored_equals_live(const std::vector<std::string>& sets, std::uint32_t run) {
  const auto stored = test::stored_rows("baseline.toml", sets, run);
  Simulation sim(load_scenario(test::scenario_path("baseline.toml"), sets).params, run);
  std::vector<WeekOutcomes> live{sim.outcomes()};
  run_weeks(sim, 26, nullptr, [&](const Simulation& x) { live.push_back(x.outcomes()); });
  ASSERT_EQ(stored.size(), live.size());
  for (std::size_t w = 0; w < live.size(); ++w)
    for (int k = 0; k < kNumOutcomes; ++k)
      ASSERT_EQ(std::bit_cast<std::uint64_t>(stored[w].v[static_cast<std::size_t>(k)]), std::bit_cast<std::uint64_t>(live[w].v[static_cast<std::size_t>(k)]))
          << "week " << w << " outcome " << kOutcomeSpecs[static_cast<std::size_t>(k)].name;
}

}  // namespace

TEST(ModelRuns, TheFirstWeeksOfALongerStoredRunAreTheShortRun) { expect_stored_equals_live({"run.weeks=26"}, 1); }

TEST(ModelRuns, APolicyVariantFromASharedBurnInIsTheRunItself) { expect_stored_equals_live({"run.weeks=26", "team.fte_per_1000=150"}, 0); }

TEST(ModelRuns, AnUndeclaredRunIsAClearFailure) {
  try {
    test::stored_rows("baseline.toml", {"run.weeks=26", "team.fte_per_1000=7"}, 0);
    FAIL() << "an undeclared run was read";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not declared"), std::string::npos) << e.what();
  }
}
