// Unit tests of life events and self-help (behaviour/Needs.cpp, phases 1 and 2): each switched on alone, with
// asserted effects; and the analytic steady state of need with help off (a long model-tier test).
#include <gtest/gtest.h>

#include <cmath>

#include "../test_support.h"
#include "buurt/core/Simulation.h"

using namespace buurt;

namespace {

using test::all_off;

/// Only adults living alone (no children, no elderly): group multipliers do not apply.
void singles_only(Params& p) {
  p.population_share_single = 1;
  p.population_share_couple = p.population_share_family = p.population_share_elderly = 0;
  p.population_share_on_benefits = p.population_share_low_income = 0;
}

double mean(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += x;
  return s / static_cast<double>(v.size());
}

}  // namespace

TEST(LifeEvents, OnsetShareMatchesTheWeeklyProbability) {
  Params p = all_off(40000);
  singles_only(p);
  p.events_enabled = true;
  p.events_health_onset = p.events_mental_onset = p.events_social_onset = p.events_household_onset = 0;
  p.events_income_onset = 0.05;
  Simulation sim(p);
  sim.step();
  EXPECT_NEAR(sim.outcomes()[Outcome::need_income], 0.05, 0.005);
  EXPECT_EQ(sim.outcomes()[Outcome::need_mental], 0.0);
}

TEST(LifeEvents, CascadesSpillIncomeShocksIntoMentalHealth) {
  Params p = all_off(20000);
  singles_only(p);
  p.events_enabled = true;
  p.events_income_onset = 0.2;
  p.events_health_onset = p.events_mental_onset = p.events_social_onset = p.events_household_onset = 0;
  Simulation off(p);
  off.step();
  p.events_cascades = true;
  Simulation on(p);
  on.step();
  EXPECT_EQ(mean(off.population().need[Mental]), 0.0);
  EXPECT_NEAR(mean(on.population().need[Mental]), 0.2 * p.events_cascade_strength * p.events_shock_size, 0.01);
}

TEST(LifeEvents, LastingPovertyRaisesLoneliness) {
  Params p = all_off(2000);
  singles_only(p);
  p.events_enabled = true;
  p.events_income_onset = 1.0;
  p.events_income_recovery = 0;
  p.events_health_onset = p.events_mental_onset = p.events_social_onset = p.events_household_onset = 0;
  p.events_poverty_weeks = 10;
  Simulation off(p);
  p.events_poverty_loneliness = true;
  Simulation on(p);
  for (int w = 0; w < 30; ++w) off.step(), on.step();
  EXPECT_EQ(mean(off.population().need[Social]), 0.0);
  EXPECT_NEAR(mean(on.population().need[Social]), 21 * p.events_poverty_loneliness_rate, 0.002);
}

TEST(LifeEvents, NaturalRecoveryEndsNeedAndTeachesTheDomain) {
  Params p = all_off(5000);
  singles_only(p);
  p.events_enabled = true;
  p.events_health_onset = 1.0;
  p.events_health_recovery = 1.0;
  p.events_income_onset = p.events_mental_onset = p.events_social_onset = p.events_household_onset = 0;
  Simulation sim(p);
  sim.step();  // everyone falls ill
  EXPECT_NEAR(sim.outcomes()[Outcome::need_health], 1.0, 1e-9);
  p.events_health_onset = 0;
  sim.steer(p);
  sim.step();  // everyone recovers
  EXPECT_EQ(sim.outcomes()[Outcome::need_health], 0.0);
  for (std::size_t i = 0; i < sim.population().size; ++i) ASSERT_GE(sim.population().skill[Health][i], static_cast<float>(p.helping_skill_lived_experience));
}

TEST(SelfHelp, NeedFallsBySelfRelianceTimesRate) {
  Params p = all_off(1000);
  p.selfhelp_enabled = true;
  Simulation sim(p);
  auto& pop = sim.population_mut();
  for (std::size_t i = 0; i < pop.size; ++i) {
    pop.need[Income][i] = 0.8f;
    pop.need[Health][i] = 0.8f;
    pop.need[Social][i] = 0.8f;
    pop.dependency[i] = (i % 2) ? 0.6f : 0.0f;
  }
  sim.step();
  for (std::size_t i = 0; i < pop.size; ++i) {
    const float gain = static_cast<float>(p.selfhelp_rate) * pop.self_reliance[i] * (1.0f - 0.5f * pop.dependency[i]);
    ASSERT_NEAR(pop.need[Income][i], 0.8f - gain, 1e-5);
    // chronic conditions: health and household care resolve at selfhelp.care_factor of that
    ASSERT_NEAR(pop.need[Health][i], 0.8f - gain * static_cast<float>(p.selfhelp_care_factor), 1e-5);
    ASSERT_EQ(pop.need[Social][i], 0.8f);  // loneliness needs contact, not self-help
  }
}

// With help and cascades off, each domain is a two-state chain (in need / not): the share in need
// settles at onset / (onset + recovery).
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
