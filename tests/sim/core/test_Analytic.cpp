// With help and cascades off, each domain is a two-state chain (in need / not): the share in need
// settles at onset / (onset + recovery).
#include <gtest/gtest.h>

#include <cmath>

#include "../test_support.h"
#include "buurt/core/Simulation.h"

using namespace buurt;

TEST(Analytic, TwoStateSteadyStateOfNeed) {
  Params p = test::small_params(20000, 3);
  p.population_share_single = 1;
  p.population_share_couple = p.population_share_family = p.population_share_elderly = 0;
  p.population_share_on_benefits = p.population_share_low_income = 0;
  p.events_cascades = false;
  p.events_poverty_loneliness = false;
  p.selfhelp_enabled = false;
  p.asking_enabled = false;
  p.loneliness_onset_rate = 0;
  p.loneliness_recovery_rate = 0;
  p.team_enabled = false;
  p.services_desk = false;
  p.demography_enabled = false;  // the same residents throughout (no ageing into the elderly's rates)
  p.events_income_onset = 0.004;
  p.events_income_recovery = 0.02;
  p.events_health_onset = 0.01;
  p.events_health_recovery = 0.05;
  Simulation sim(p);
  double income = 0, health = 0;
  const int burn = 300, weeks = 300;
  for (int w = 0; w < burn + weeks; ++w) {
    sim.step();
    if (w >= burn) {
      income += sim.outcomes()[Outcome::need_income];
      health += sim.outcomes()[Outcome::need_health];
    }
  }
  income /= weeks;
  health /= weeks;
  const double pi_income = 0.004 / (0.004 + 0.02), pi_health = 0.01 / (0.01 + 0.05);
  // Standard error of a time average: sqrt(pi(1-pi)/N) per week, about weeks*(p+r)/2 independent weeks.
  auto se = [&](double pi, double rate) { return std::sqrt(pi * (1 - pi) / 20000.0 / (weeks * rate / 2.0)); };
  EXPECT_NEAR(income, pi_income, 4 * se(pi_income, 0.024) + 0.001);
  EXPECT_NEAR(health, pi_health, 4 * se(pi_health, 0.06) + 0.001);
}
