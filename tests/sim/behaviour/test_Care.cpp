// Informal care by the care circle (phase::CareCircle, docs/ODD.md 7.3b).
#include <gtest/gtest.h>

#include "../test_support.h"
#include "buurt/core/Simulation.h"

using namespace buurt;

namespace {

/// Only asking and care (test::all_off with asking on): no events, self-help, ties, team or adaptation.
Params care_only(std::int64_t residents = 4000) {
  Params p = test::all_off(residents);
  p.asking_enabled = true;
  p.care_circle = true;
  p.care_min_share = 0;
  p.asking_care_hours_factor = 1;  // small shares: no carer runs out of hours
  return p;
}

bool in_circle(const Network& net, std::uint32_t e) { return net.kind[e] == TieKind::Household || net.kind[e] == TieKind::Kin; }

}  // namespace

TEST(CareCircle, EveryAdultOfHouseholdAndKinSharesTheCareByWeight) {
  Params p = care_only();
  p.care_household_weight = 3;
  Simulation sim(p);
  auto& pop = sim.population_mut();
  for (std::size_t i = 0; i < pop.size; i += 7)
    if (pop.age[i] != AgeGroup::Child) pop.need[Health][i] = 0.8f;
  sim.step();
  const auto& net = sim.network();
  std::size_t receivers = 0, shared = 0, weighed = 0;
  for (std::uint32_t i = 0; i < pop.size; ++i) {
    if (pop.ask_channel[i] != AskChannel::Care) continue;
    ++receivers;
    double total = 0, home = -1, kin = -1;
    int carers = 0;
    for (std::uint32_t k = net.row_begin[i]; k < net.row_begin[i + 1]; ++k) {
      const std::uint32_t j = net.other[k], e = net.edge[k];
      if (j == kNone || pop.ask_channel[j] == AskChannel::Care) continue;  // both receivers: the balance mixes two flows
      const double gave = net.balance_of(e, j);
      if (!in_circle(net, e) || pop.age[j] == AgeGroup::Child) {
        ASSERT_EQ(gave, 0.0) << "only adults of the household and kin care";
        continue;
      }
      if (!net.active(e)) continue;
      ASSERT_GT(gave, 0.0) << "every adult of the circle gives a share";
      total += gave;
      ++carers;
      (net.kind[e] == TieKind::Household ? home : kin) = gave;
    }
    ASSERT_LE(total, pop.hours_received[i] + 1e-3);
    ASSERT_LE(pop.hours_received[i], pop.ask_hours[i] + 1e-3);
    shared += carers >= 2;
    if (home > 0 && kin > 0) {  // a household member takes household_weight times a relative's share
      ++weighed;
      ASSERT_NEAR(home / kin, 3.0, 1e-3);
    }
  }
  EXPECT_GT(receivers, 300u);
  EXPECT_GT(shared, receivers / 4);
  EXPECT_GT(weighed, 20u);
}

TEST(CareCircle, CareIsGivenWithoutAskingFromTheCareThreshold) {
  Params p = care_only();
  p.care_threshold = 0.4;
  Simulation sim(p);
  auto& pop = sim.population_mut();
  for (std::size_t i = 0; i < pop.size; ++i) {
    pop.shame[i] = 1.0f;       // would never ask
    pop.threshold[i] = 0.95f;  // would not ask below 0.95
    pop.need[HouseholdCare][i] = (i % 2) ? 0.5f : 0.3f;
  }
  sim.step();
  std::size_t cared_above = 0, cared_below = 0;
  for (std::size_t i = 0; i < pop.size; ++i) {
    if (pop.age[i] == AgeGroup::Child || pop.hours_received[i] <= 0.0f) continue;
    ((i % 2) ? cared_above : cared_below) += 1;
  }
  EXPECT_GT(cared_above, pop.size / 5);
  EXPECT_EQ(cared_below, 0u);
}

TEST(CareCircle, CircleMakesMoreCarersThanOneHelperPerWeek) {
  auto carers = [](bool circle) {
    Params p = care_only();
    p.care_circle = circle;
    p.care_threshold = 0.3;
    Simulation sim(p);
    auto& pop = sim.population_mut();
    for (std::size_t i = 0; i < pop.size; i += 5) {
      pop.need[Health][i] = 0.8f;
      pop.threshold[i] = 0.3f;  // the matching path asks at the resident's own threshold
    }
    sim.step();
    std::size_t n = 0;
    for (std::uint32_t i = 0; i < pop.size; ++i) {
      if (pop.ask_channel[i] != AskChannel::Care) continue;
      std::size_t helpers = 0;
      for (std::uint32_t k = sim.network().row_begin[i]; k < sim.network().row_begin[i + 1]; ++k)
        if (sim.network().other[k] != kNone && sim.network().balance_of(sim.network().edge[k], i) < 0.0f) ++helpers;
      if (!circle) EXPECT_LE(helpers, 1u) << "matching: one helper per receiver per week";
      n += helpers;
    }
    return n;
  };
  const std::size_t one = carers(false), circle = carers(true);
  EXPECT_GT(one, 100u);
  EXPECT_GT(static_cast<double>(circle), 1.5 * static_cast<double>(one));
}

// Model level: with the circle, long or intensive carers are common (CBS 13%); with one helper per
// receiver per week they are rare. Library baseline, 3 years, 2 replicates.
TEST(CareCircle, SharesBelowTheMinimumAreNotGiven) {
  auto carers_and_smallest = [](double min_share) {
    Params p = care_only();
    p.care_min_share = min_share;
    Simulation sim(p);
    auto& pop = sim.population_mut();
    for (std::size_t i = 0; i < pop.size; i += 7) pop.need[Health][i] = 0.8f;
    sim.step();
    std::size_t carers = 0;
    float smallest = 1e9f;
    for (std::size_t j = 0; j < pop.size; ++j)
      if (pop.hours_given[j] > 0.0f) ++carers, smallest = std::min(smallest, pop.hours_given[j]);
    return std::pair{carers, smallest};
  };
  const auto [all, small] = carers_and_smallest(0.0);
  const auto [some, at_least] = carers_and_smallest(2.0);
  EXPECT_LT(small, 2.0f);
  EXPECT_GE(at_least, 2.0f - 1e-4f);
  EXPECT_LT(some, all);
  EXPECT_GT(some, 0u);
  EXPECT_EQ(carers_and_smallest(1000.0).first, 0u);
}

// The receivers' carers are kept as bits over the first 64 entries of a row (Care.cpp); a longer row's
// other entries are visited one by one. A receiver with relatives in entries past 64 counts their care,
// and the hours given to it are cleared between weeks: in the second week half of them no longer count as
// carers (made children), and what they gave the week before is not counted again.
TEST(CareCircle, RowsLongerThanTheCarerBitsCountEveryCarerOnce) {
  Params p = care_only(1500);
  p.network_slack_per_resident = 64;
  p.reciprocity_give_back = false;  // only care moves the balances
  Simulation sim(p);
  auto& pop = sim.population_mut();
  auto& net = sim.network_mut();
  for (int d = 0; d < kDomains; ++d)
    for (std::size_t i = 0; i < pop.size; ++i) pop.need[d][i] = 0.0f;
  std::uint32_t r = 0;
  while (!pop.present(r) || pop.age[r] == AgeGroup::Child) ++r;
  for (std::uint32_t j = 0; j < pop.size; ++j)
    if (j != r && pop.present(j) && pop.age[j] != AgeGroup::Child && pop.household[j] != pop.household[r]) net.add(r, j, TieKind::Kin, 0.7f, -1);
  const std::uint32_t begin = net.row_begin[r], end = net.row_begin[r + 1];
  ASSERT_GT(end - begin, 70u);
  auto given_to_r = [&] {  // per entry: hours the other end has given r on the tie, in all
    std::vector<double> g(end - begin, 0.0);
    for (std::uint32_t k = begin; k < end; ++k)
      if (net.other[k] != kNone) g[k - begin] = net.balance_of(net.edge[k], net.other[k]);
    return g;
  };
  std::vector<double> before = given_to_r();
  for (int week = 0; week < 2; ++week) {
    pop.need[Health][r] = 0.8f;
    if (week == 1)
      for (std::uint32_t k = begin + 1; k < end; k += 2)
        if (net.other[k] != kNone && net.kind[net.edge[k]] == TieKind::Kin) pop.age[net.other[k]] = AgeGroup::Child;
    sim.step();
    ASSERT_EQ(pop.ask_channel[r], AskChannel::Care);
    const std::vector<double> after = given_to_r();
    double total = 0;
    std::size_t late = 0;
    for (std::uint32_t k = begin; k < end; ++k) {
      const double share = after[k - begin] - before[k - begin];
      total += share;
      late += k - begin >= 64 && share > 0.0;
      if (week == 1 && net.other[k] != kNone && pop.age[net.other[k]] == AgeGroup::Child) EXPECT_EQ(share, 0.0) << "entry " << k - begin;
    }
    EXPECT_GT(late, 0u) << "relatives past entry 64 give a share";
    EXPECT_NEAR(total, pop.hours_received[r], 1e-3) << "week " << week << ": what r received is what its carers gave";
    EXPECT_GT(pop.hours_received[r], 0.0f);
    before = after;
  }
}
