// Unit tests of adaptation (phase 9): what a team contact left behind fades back to the resident's own trait.
#include <gtest/gtest.h>

#include <cmath>

#include "../test_support.h"
#include "buurt/core/Simulation.h"

using namespace buurt;

using test::all_off;

namespace {
// Mean trust in professionals and mean trait after a year without the team, from trust 0 for everyone.
std::pair<double, double> trust_after_a_year(double relax) {
  Params p = test::all_off(3000);
  p.adaptation_enabled = true;
  p.adaptation_relax_rate = relax;
  Simulation sim(p);
  auto& pop = sim.population_mut();
  for (std::size_t i = 0; i < pop.size; ++i) pop.trust_professionals[i] = 0.0f;  // e.g. after long waiting
  for (int w = 0; w < 52; ++w) sim.step();
  double trust = 0.0, trait = 0.0;
  for (std::size_t i = 0; i < pop.size; ++i) trust += pop.trust_professionals[i], trait += pop.trust_professionals_trait[i];
  return {trust / static_cast<double>(pop.size), trait / static_cast<double>(pop.size)};
}
}  // namespace

// Trust in professionals has a level: lost by waiting, it returns to the resident's own disposition at
// adaptation.relax_rate (0.02: 1 - 0.98^52 = 65% of the gap in a year). Negative control: rate 0 keeps it lost.
TEST(Adaptation, TrustInProfessionalsReturnsToTheResidentsOwnLevel) {
  const auto [on, trait] = trust_after_a_year(0.02);
  const auto [off, trait_off] = trust_after_a_year(0.0);
  EXPECT_NEAR(trait, 0.5, 0.02);
  EXPECT_NEAR(on / trait, 1.0 - std::pow(0.98, 52), 0.02);
  EXPECT_EQ(off, 0.0);
  EXPECT_EQ(trait_off, trait);
}

TEST(Adaptation, SolvingNeedsBuildsSelfRelianceAndUnmetNeedErodesIt) {
  Params p = all_off(3000);
  p.adaptation_enabled = true;
  p.selfhelp_enabled = true;
  Simulation grow(p);
  auto& pop = grow.population_mut();
  for (std::size_t i = 0; i < pop.size; ++i) pop.need[Income][i] = 0.31f;
  grow.refresh();  // need mask: in need now
  const double before = grow.outcomes()[Outcome::mean_self_reliance];
  for (int w = 0; w < 20; ++w) grow.step();
  EXPECT_GT(grow.outcomes()[Outcome::mean_self_reliance], before);

  p.selfhelp_enabled = false;
  Simulation erode(p);
  auto& pop2 = erode.population_mut();
  for (std::size_t i = 0; i < pop2.size; ++i) pop2.need[Income][i] = 0.9f;
  for (int w = 0; w < 20; ++w) erode.step();
  EXPECT_LT(erode.outcomes()[Outcome::mean_self_reliance], before - 0.02);
}
