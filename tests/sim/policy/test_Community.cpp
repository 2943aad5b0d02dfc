// Unit tests of the community managers (policy/Community.cpp, phase 7).
#include <gtest/gtest.h>

#include "buurt/core/Simulation.h"
#include "policy_support.h"

using namespace buurt;

using test::community;

TEST(CommunityManagers, RecruitedAmongLowIncomeResidentsWithTies) {
  Simulation sim(community(8));
  sim.step();
  std::size_t cms = 0;
  for (std::size_t i = 0; i < sim.population().size; ++i)
    if (sim.population().has(i, kCommunityManager)) {
      ++cms;
      EXPECT_NE(sim.population().income[i], IncomeGroup::Middle);
    }
  EXPECT_EQ(cms, 8u);
  EXPECT_EQ(sim.outcomes()[Outcome::cm_active], 8.0);
}

TEST(CommunityManagers, BurnOutAndAreReplacedAfterADelay) {
  Params p = community(5);
  p.community_burnout_rate = 1.0;
  p.community_burnout_protection = 0.0;
  p.community_replacement_weeks = 3;
  p.community_time_value = 0.0;  // the role costs nothing: every candidate accepts, a replacement takes 3 weeks
  Simulation sim(p);
  sim.step();  // recruited
  EXPECT_EQ(sim.outcomes()[Outcome::cm_active], 5.0);
  sim.step();  // all burn out
  EXPECT_EQ(sim.outcomes()[Outcome::cm_active], 0.0);
  EXPECT_EQ(sim.outcomes()[Outcome::cm_burned_out], 5.0);
  p.community_burnout_rate = 0.0;
  sim.steer(p);
  for (int w = 0; w < 3; ++w) sim.step();
  EXPECT_EQ(sim.outcomes()[Outcome::cm_active], 5.0);  // replacements recruited
}

TEST(CommunityManagers, OutreachLowersShameBrokersTiesAndRecruitsVolunteers) {
  Params off = community(0), on = community(10);
  on.community_contacts = 40;
  Simulation a(off), b(on);
  double formed_a = 0, formed_b = 0;
  for (int w = 0; w < 10; ++w) {
    a.step();
    b.step();
    formed_a += a.outcomes()[Outcome::ties_formed];
    formed_b += b.outcomes()[Outcome::ties_formed];
  }
  double shame_a = 0, shame_b = 0;
  for (std::size_t i = 0; i < a.population().size; ++i) shame_a += a.population().shame[i], shame_b += b.population().shame[i];
  EXPECT_LT(shame_b, shame_a);
  EXPECT_GT(formed_b, formed_a);
  EXPECT_GT(b.outcomes()[Outcome::volunteers_active], a.outcomes()[Outcome::volunteers_active]);
  EXPECT_GT(b.outcomes()[Outcome::cost_allowances], 0.0);
}
