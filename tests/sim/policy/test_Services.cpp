// Unit tests of the social services (policy/Services.cpp, phase 6).
#include <gtest/gtest.h>

#include "buurt/core/Simulation.h"
#include "policy_support.h"

using namespace buurt;

using test::team_only;
using test::with_cases;

TEST(Services, IntegratedServicesRelieveIncomeNeedSooner) {
  Params p = team_only();
  p.services_integrated = false;
  Simulation separate = with_cases(p);
  p.services_integrated = true;
  Simulation integrated = with_cases(p);
  for (int w = 0; w < 4; ++w) separate.step(), integrated.step();
  EXPECT_LT(integrated.outcomes()[Outcome::mean_need], separate.outcomes()[Outcome::mean_need]);
  EXPECT_GT(separate.outcomes()[Outcome::professional_hours], 0.0);
}
