#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "../test_support.h"
#include "buurt/behaviour/Demography.h"
#include "buurt/population/Population.h"

using namespace buurt;

TEST(Population, SizeStreetsAndHouseholdsAreConsistent) {
  Params p = test::small_params(5000);
  p.demography_enabled = false;  // the dwellings as drawn (tests/sim/behaviour/test_Demography.cpp: with the life course)
  const Population pop = build_population(p, 0);
  ASSERT_EQ(pop.size, 5000u);
  EXPECT_EQ(pop.street_begin.front(), 0u);
  EXPECT_EQ(pop.street_begin.back(), 5000u);
  for (std::size_t s = 0; s < pop.streets; ++s)
    for (std::uint32_t i = pop.street_begin[s]; i < pop.street_begin[s + 1]; ++i) ASSERT_EQ(pop.street[i], s);
  for (std::size_t i = 1; i < pop.size; ++i) ASSERT_GE(pop.household[i], pop.household[i - 1]);
}

TEST(Population, GroupSharesFollowTheScenario) {
  Params p = test::small_params(40000);
  p.population_share_on_benefits = 0.2;
  p.population_share_low_income = 0.3;
  p.demography_enabled = false;  // the shares describe the dwellings as drawn, before the life course
  const Population pop = build_population(p, 0);
  std::size_t hh = 0, benefits = 0, low = 0, elderly_hh = 0;
  for (std::size_t i = 0; i < pop.size; ++i) {
    if (i > 0 && pop.household[i] == pop.household[i - 1]) continue;
    ++hh;
    benefits += pop.income[i] == IncomeGroup::Benefits;
    low += pop.income[i] == IncomeGroup::Low;
    elderly_hh += pop.household_type[i] == HouseholdType::Elderly;
  }
  ASSERT_GT(hh, 10000u);
  // Each household draws its income group independently: the share is binomial, within 4 standard errors.
  const auto tolerance = [&](double share) { return 4.0 * std::sqrt(share * (1.0 - share) / static_cast<double>(hh)); };
  EXPECT_NEAR(static_cast<double>(benefits) / hh, 0.2, 0.015);
  EXPECT_NEAR(static_cast<double>(low) / hh, p.population_share_low_income, tolerance(p.population_share_low_income));
  EXPECT_NEAR(static_cast<double>(elderly_hh) / hh, p.population_share_elderly, 0.015);
}

TEST(Population, IsolatedShareIsAShareOfResidents) {
  Params p = test::small_params(40000);
  p.population_share_isolated = 0.08;
  p.demography_enabled = false;
  const Population pop = build_population(p, 0);
  std::size_t isolated = 0;
  for (std::size_t i = 0; i < pop.size; ++i) isolated += pop.has(i, kIsolated);
  EXPECT_NEAR(static_cast<double>(isolated) / pop.size, 0.08, 0.01);
}

TEST(Population, LowIncomeStartsLessSelfReliant) {
  const Population pop = build_population(test::small_params(20000), 0);
  double poor = 0, rich = 0, np = 0, nr = 0;
  for (std::size_t i = 0; i < pop.size; ++i) {
    if (pop.income[i] == IncomeGroup::Middle)
      rich += pop.self_reliance[i], ++nr;
    else
      poor += pop.self_reliance[i], ++np;
  }
  EXPECT_LT(poor / np + 0.1, rich / nr);
}

// Wiring of helping.free_time_factor (moved from the model tier, issue 51:
// Mechanisms.VolunteersWithoutAJobGiveMoreHours showed no more than this): willing residents without paid
// work get helping budgets larger by the factor; at factor 1 (off) the budgets do not differ by work status.
TEST(Population, ResidentsWithoutAJobHaveMoreTimeToHelp) {
  for (double factor : {2.0, 1.0}) {
    Params p = test::small_params(20000);
    p.helping_free_time_factor = factor;
    const Population pop = build_population(p, 0);
    double budget[2] = {0, 0}, n[2] = {0, 0};
    for (std::size_t i = 0; i < pop.size; ++i)
      if (pop.has(i, kWilling) && !pop.has(i, kVolunteer)) {
        if (pop.work[i] == WorkStatus::None) continue;  // children
        const int without_job = pop.work[i] != WorkStatus::Employed;
        budget[without_job] += pop.budget[i], n[without_job] += 1;
      }
    const double ratio = (budget[1] / n[1]) / (budget[0] / n[0]);
    std::printf("[wiring] free_time_factor %.1f: mean budget without / with a job %.3f\n", factor, ratio);
    EXPECT_NEAR(ratio, factor, 0.15 * factor);
  }
}
