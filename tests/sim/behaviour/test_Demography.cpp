// The life course (phase 0): ageing, mortality, moves, households, newcomers without local ties.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "../test_support.h"
#include "buurt/core/Simulation.h"

using namespace buurt;

namespace {

Params life_course(std::int64_t residents) {
  Params p = test::all_off(residents);
  p.demography_enabled = true;
  return p;
}

std::size_t present(const Population& pop) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < pop.size; ++i) n += pop.present(i);
  return n;
}

}  // namespace

// Over 50 years the number of residents stays near population.residents and the tie arrays do not grow,
// although every resident of the start has moved out or died and ties keep forming and ending.
TEST(Demography, FiftyYearsOfChurnKeepThePopulationAndTheMemory) {
  Params p = life_course(3000);
  p.ties_dynamics = true;  // ties form and end as well
  Simulation sim(p);
  const std::size_t places = sim.population().size;
  std::vector<double> yearly;
  std::size_t edges_year10 = 0;
  double moves = 0;
  for (int y = 0; y < 50; ++y) {
    double sum = 0;
    for (int w = 0; w < 52; ++w) {
      sim.step();
      sum += sim.outcomes()[Outcome::residents];
      moves += sim.outcomes()[Outcome::moves_in];
    }
    yearly.push_back(sum / 52);
    if (y == 9) edges_year10 = sim.network().a.size();
  }
  for (double r : yearly) EXPECT_NEAR(r, 3000.0, 0.05 * 3000.0);
  EXPECT_EQ(sim.population().size, places);
  EXPECT_LE(sim.network().a.size(), edges_year10 + edges_year10 / 20) << "edge arrays grow under churn";
  EXPECT_GT(moves / 50.0, 0.05 * 3000.0) << "about a tenth of the residents move in each year";
  // Nobody from the start is left after 50 years? Most are not: check the arrivals.
  std::size_t original = 0;
  const Population& pop = sim.population();
  for (std::size_t i = 0; i < pop.size; ++i) original += pop.present(i) && pop.arrived[i] < 0 && pop.age_years(i) >= 50;
  EXPECT_LT(static_cast<double>(original), 0.3 * static_cast<double>(present(pop)));
}

// Death rates rise steeply with age (Gompertz, CBS): a street of 65+ households loses far more residents
// to death in a year than one of young singles; with mortality_growth = 0 (no ageing of the risk) the
// difference disappears, and without the life course nobody ages or dies.
TEST(Demography, MortalityRisesWithAgeAndStopsWithTheLifeCourseOff) {
  auto deaths_per_resident_year = [](bool elderly, double growth, bool on) {
    Params p = life_course(20000);
    p.demography_enabled = on;
    p.demography_spinup_years = 0;  // the households as drawn: all 65+, or all singles of 20-64
    p.demography_mortality_growth = growth;
    if (growth == 0) p.demography_mortality_base = 0.005;
    p.population_share_single = elderly ? 0 : 1;
    p.population_share_couple = p.population_share_family = 0;
    p.population_share_elderly = elderly ? 1 : 0;
    Simulation sim(p);
    const std::vector<std::uint16_t> start = sim.population().age_weeks;
    double deaths = 0, residents = 0;
    for (int w = 0; w < 52; ++w) {
      sim.step();
      deaths += sim.outcomes()[Outcome::deaths];
      residents += sim.outcomes()[Outcome::residents] / 52.0;
    }
    if (!on) EXPECT_EQ(sim.population().age_weeks, start);
    return deaths / residents;
  };
  const double old = deaths_per_resident_year(true, 0.0975, true), young = deaths_per_resident_year(false, 0.0975, true);
  std::printf("[mechanism] deaths per resident-year: 65+ %.4f, singles 20-64 %.4f\n", old, young);
  EXPECT_GT(old, 10.0 * young);
  EXPECT_GT(old, 0.02);
  const double flat_old = deaths_per_resident_year(true, 0.0, true), flat_young = deaths_per_resident_year(false, 0.0, true);
  EXPECT_NEAR(flat_old / flat_young, 1.0, 0.35) << "no age gradient without mortality growth";
  EXPECT_EQ(deaths_per_resident_year(true, 0.0975, false), 0.0);
}

// Newcomers arrive as a household: household ties to each other, perhaps kin in the wijk, but no
// neighbour or friend ties; the places of those who left hold no ties.
TEST(Demography, NewcomersArriveWithoutNeighboursOrFriends) {
  Params p = life_course(6000);
  Simulation sim(p);
  std::size_t newcomers = 0, short_of_room = 0;
  for (int w = 0; w < 26; ++w) {
    sim.step();
    const Population& pop = sim.population();
    const Network& net = sim.network();
    const auto now = static_cast<std::int32_t>(w);
    for (std::size_t i = 0; i < pop.size; ++i) {
      if (!pop.present(i)) {
        for (std::uint32_t k = net.row_begin[i]; k < net.row_begin[i + 1]; ++k)
          ASSERT_TRUE(net.other[k] == kNone || !net.active(net.edge[k])) << "an empty place has a tie";
        continue;
      }
      if (pop.arrived[i] != now) continue;
      ++newcomers;
      std::size_t housemates = 0, household_ties = 0;
      const std::uint32_t h = pop.household[i];
      for (std::uint32_t k = pop.household_begin[h]; k < pop.household_begin[h + 1]; ++k) housemates += k != i && pop.present(k);
      for (std::uint32_t k = net.row_begin[i]; k < net.row_begin[i + 1]; ++k) {
        if (net.other[k] == kNone || !net.active(net.edge[k])) continue;
        const TieKind kind = net.kind[net.edge[k]];
        EXPECT_TRUE(kind == TieKind::Household || kind == TieKind::Kin) << "a newcomer with a neighbour or friend tie";
        household_ties += kind == TieKind::Household;
      }
      EXPECT_LE(household_ties, housemates);
      short_of_room += household_ties < housemates;  // a housemate's row had no free entry left
    }
  }
  EXPECT_GT(newcomers, 100u);
  EXPECT_LT(static_cast<double>(short_of_room), 0.02 * static_cast<double>(newcomers));
}

// Widowhood: the survivors of a death in the household carry its grief (social and mental need); with
// demography.bereavement = 0 the pattern disappears.
TEST(Demography, ADeathLeavesTheSurvivorsBereaved) {
  for (double grief : {0.6, 0.0}) {
    Params p = life_course(20000);
    p.demography_bereavement = grief;
    p.demography_mortality_base *= 3;  // more deaths in a short test
    Simulation sim(p);
    double bereaved = 0, grief_sum = 0;
    for (int w = 0; w < 52; ++w) {
      const Population& before = sim.population();
      std::vector<std::uint8_t> was(before.size), old(before.size);  // 65+ do not leave home or split: an empty place is a death
      for (std::size_t i = 0; i < before.size; ++i) was[i] = before.present(i), old[i] = before.present(i) && before.age_years(i) >= 65;
      std::vector<std::int32_t> arrived = before.arrived;
      sim.step();
      const Population& pop = sim.population();
      for (std::uint32_t h = 0; h < pop.households(); ++h) {
        bool death = false;
        for (std::uint32_t k = pop.household_begin[h]; k < pop.household_begin[h + 1]; ++k) death |= old[k] && !pop.present(k);
        if (!death) continue;
        for (std::uint32_t k = pop.household_begin[h]; k < pop.household_begin[h + 1]; ++k)
          if (was[k] && pop.present(k) && pop.arrived[k] == arrived[k]) {
            bereaved += 1;
            grief_sum += pop.need[Social][k];
          }
      }
    }
    ASSERT_GT(bereaved, 20);
    if (grief > 0)
      EXPECT_GT(grief_sum / bereaved, 0.5);
    else
      EXPECT_EQ(grief_sum, 0.0);
  }
}
