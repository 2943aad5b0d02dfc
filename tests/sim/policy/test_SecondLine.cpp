// Unit tests of the second line (policy/SecondLine.cpp, phase 6): referred cases treated within its capacity.
#include <gtest/gtest.h>

#include "buurt/core/Simulation.h"
#include "policy_support.h"

using namespace buurt;

using test::team_only;
using test::with_cases;

TEST(Team, TheSecondLineTreatsNoMoreThanItsCapacityAllows) {
  Params p = team_only();
  p.team_referral_need = 0.0;  // every case is referred
  p.secondline_wait_weeks = 0;
  p.secondline_capacity = 2.0;  // 6 hours a week for 3,000 residents: three places of 2 hours
  Simulation sim = with_cases(p);
  for (int w = 0; w < 6; ++w) {
    sim.step();
    EXPECT_LE(sim.outcomes()[Outcome::secondline_hours], 6.0);
  }
  EXPECT_GT(sim.outcomes()[Outcome::secondline_waiting], 200.0);
  EXPECT_GT(sim.outcomes()[Outcome::secondline_mean_wait], 3.0);
}
