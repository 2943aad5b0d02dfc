// Unit tests of the residents' initiatives (policy/Initiatives.cpp, phase 7).
#include <gtest/gtest.h>

#include "buurt/core/Simulation.h"
#include "policy_support.h"

using namespace buurt;

using test::community;

TEST(Initiatives, MembersAreLessLonelyAndTakeoverDrivesVolunteersAway) {
  Params owned = community(2, 3);
  owned.initiatives_join_rate = 0.2;
  Params taken = owned;
  taken.initiatives_municipal_control = 1.0;
  taken.initiatives_takeover_rate = 0.2;
  Simulation a(owned), b(taken);
  for (int w = 0; w < 40; ++w) a.step(), b.step();
  EXPECT_GT(a.outcomes()[Outcome::initiative_members], 10.0);
  EXPECT_GT(a.outcomes()[Outcome::initiative_ownership], 0.5);
  EXPECT_LT(b.outcomes()[Outcome::initiative_ownership], 0.1);
  EXPECT_LT(b.outcomes()[Outcome::volunteers_active], a.outcomes()[Outcome::volunteers_active]);
}
