// Unit tests per phase: each mechanism switched on alone (the others off), with asserted effects.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>

#include "../test_support.h"
#include "buurt/behaviour/Ties.h"
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

TEST(Asking, ShameSuppressesRequests) {
  Params p = all_off(5000);
  p.asking_enabled = true;
  auto requests_with_shame = [&](float shame) {
    Simulation sim(p);
    auto& pop = sim.population_mut();
    for (std::size_t i = 0; i < pop.size; ++i) {
      pop.need[Income][i] = 0.9f;  // not a care domain: care is given without asking
      pop.shame[i] = shame;
    }
    sim.step();
    return sim.outcomes()[Outcome::requests];
  };
  EXPECT_EQ(requests_with_shame(1.0f), 0.0);
  const double some = requests_with_shame(0.5f), many = requests_with_shame(0.0f);
  EXPECT_GT(some, 0.0);
  EXPECT_GT(many, 1.5 * some);
}

TEST(Matching, HelpersNeverGiveMoreThanTheirHoursAndOnlyToTies) {
  Params p = all_off(6000);
  p.asking_enabled = true;
  Simulation sim(p);
  auto& pop = sim.population_mut();
  for (std::size_t i = 0; i < pop.size; i += 2) pop.need[Income][i] = 1.0f;
  sim.step();
  std::vector<double> given(pop.size, 0.0);
  std::size_t matched = 0;
  for (std::uint32_t i = 0; i < pop.size; ++i) {
    const std::uint32_t j = pop.helper[i];
    if (j == kNone) continue;
    ++matched;
    ASSERT_NE(sim.network().find(i, j), kNone) << "helper is not a tie";
    given[j] += pop.hours_received[i];
  }
  EXPECT_GT(matched, 200u);
  for (std::size_t j = 0; j < pop.size; ++j) {
    ASSERT_LE(given[j], pop.budget[j] + static_cast<float>(p.helping_household_hours) + 1e-4);
    ASSERT_NEAR(given[j], pop.hours_given[j], 1e-3);
  }
}

TEST(Helping, NeedFallsAndReciprocityBalancesMove) {
  Params p = all_off(4000);
  p.asking_enabled = true;
  Simulation sim(p);
  auto& pop = sim.population_mut();
  for (std::size_t i = 0; i < pop.size; i += 3) pop.need[Mental][i] = 1.0f;  // a non-care domain: full effect
  sim.step();
  const auto& net = sim.network();
  std::size_t checked = 0;
  for (std::uint32_t i = 0; i < pop.size; ++i) {
    const std::uint32_t j = pop.helper[i];
    if (j == kNone) continue;
    ++checked;
    const float expected = std::max(0.0f, 1.0f - static_cast<float>(p.helping_effect) * pop.skill[Mental][j] * pop.hours_received[i]);
    ASSERT_NEAR(pop.need[Mental][i], expected < 0.02f ? 0.0f : expected, 1e-5);
    const std::uint32_t e = net.edge[pop.help_entry[i]];
    // The helper gave; seen from the asker the balance is negative (unless both helped each other).
    if (pop.helper[j] != i) ASSERT_NEAR(net.balance_of(e, j), pop.hours_received[i], 1e-4);
  }
  EXPECT_GT(checked, 100u);
  EXPECT_GT(sim.outcomes()[Outcome::informal_hours], 0.0);
}

TEST(Helping, ResidentsAvoidAskingTiesTheyOweMuch) {
  // Every tie's lower-index end owes the other 30 hours; askers pick among owing and owed ties.
  auto share_owing = [&](double owe_scale) {
    Params p = all_off(6000);
    p.asking_enabled = true;
    p.asking_owe_scale = owe_scale;
    Simulation sim(p);
    auto& pop = sim.population_mut();
    auto& net = sim.network_mut();
    for (std::size_t e = 0; e < net.edges(); ++e) net.balance[e] = -30.0f;  // a received 30 hours more from b
    for (std::size_t i = 0; i < pop.size; ++i) pop.need[Income][i] = 0.9f;
    sim.step();
    double owing = 0, matched = 0;
    for (std::uint32_t i = 0; i < pop.size; ++i) {
      if (pop.helper[i] == kNone || pop.help_entry[i] == kNone) continue;
      const std::uint32_t e = net.edge[pop.help_entry[i]];
      matched += 1;
      owing += net.a[e] == i;
    }
    EXPECT_GT(matched, 300);
    return owing / matched;
  };
  EXPECT_LT(share_owing(2.0), 0.5 * share_owing(1e6));
}

TEST(Ties, DecayWithoutContactAndKinStaysDormant) {
  Params p = all_off(3000);
  p.ties_dynamics = true;
  p.ties_contact_rate = 0.0;
  p.ties_meeting_rate = 0.0;
  Simulation sim(p);
  const double before = sim.outcomes()[Outcome::ties_per_resident];
  for (int w = 0; w < 300; ++w) sim.step();
  const auto& net = sim.network();
  std::size_t kin = 0, other_alive = 0;
  for (std::size_t e = 0; e < net.edges(); ++e) {
    if (net.kind[e] == TieKind::Kin) {
      ++kin;
      EXPECT_GT(net.strength[e], 0.0f);
    } else if (net.kind[e] != TieKind::Household) {
      other_alive += net.strength[e] > 0.0f;
    }
  }
  EXPECT_GT(kin, 0u);
  EXPECT_EQ(other_alive, 0u);
  EXPECT_LT(sim.outcomes()[Outcome::ties_per_resident], 0.6 * before);
}

// The week's pass over the ties counts each resident's active ties as it changes them (one tally per
// thread, summed); the count must be what each resident's own row says, with ties ending, forming at
// meetings and residents moving in and out (demography on), at 1 and 2 threads.
TEST(Ties, ActiveTiesCountedInThePassMatchTheRows) {
  for (std::size_t threads : {1u, 2u}) {
    tbb::global_control ctl(tbb::global_control::max_allowed_parallelism, threads);
    Params p = test::small_params(3000);
    p.ties_meeting_rate = 0.05;
    Simulation sim(p);
    std::size_t checked = 0, with_ties = 0;
    for (int w = 0; w < 60; ++w) {
      sim.step();
      const auto& pop = sim.population();
      for (std::size_t i = 0; i < pop.size; ++i) {
        const std::uint16_t rows = phase::active_ties_of(pop, sim.network(), i, static_cast<float>(p.ties_active_strength));
        ASSERT_EQ(pop.active_ties[i], rows) << "resident " << i << " week " << w << " threads " << threads;
        with_ties += rows > 0;
        ++checked;
      }
    }
    EXPECT_GT(with_ties, checked / 2);
    EXPECT_GT(sim.outcomes()[Outcome::ties_formed] + sim.outcomes()[Outcome::ties_broken], 0.0);
  }
}

TEST(Ties, LastingImbalanceErodesNeighbourTiesButNotKin) {
  Params p = all_off(3000);
  p.ties_dynamics = true;
  p.ties_meeting_rate = 0.0;
  p.ties_imbalance_break = 0.2;
  Simulation sim(p);
  auto& net = sim.network_mut();
  for (std::size_t e = 0; e < net.edges(); ++e) net.balance[e] = 2.0f * static_cast<float>(p.ties_imbalance_limit);
  for (int w = 0; w < 30; ++w) sim.step();
  std::size_t nb = 0, nb_alive = 0, kin = 0, kin_alive = 0, fr = 0, fr_alive = 0;
  for (std::size_t e = 0; e < net.edges(); ++e) {
    const bool alive = net.strength[e] > 0.0f;
    if (net.kind[e] == TieKind::Neighbour) ++nb, nb_alive += alive;
    if (net.kind[e] == TieKind::Kin) ++kin, kin_alive += alive;
    if (net.kind[e] == TieKind::Friend) ++fr, fr_alive += alive;
  }
  EXPECT_LT(static_cast<double>(nb_alive) / nb, 0.05);
  EXPECT_EQ(kin_alive, kin);
  EXPECT_GT(static_cast<double>(fr_alive) / fr, 0.9);
}

TEST(Loneliness, MovesTowardTheLevelOfContactWithSeparateOnsetAndRecovery) {
  Params p = all_off(3000);
  p.loneliness_onset_rate = 0.05;
  p.loneliness_recovery_rate = 0.02;
  Simulation sim(p);
  auto& pop = sim.population_mut();
  for (std::size_t i = 0; i < pop.size; ++i) pop.need[Social][i] = 0.5f;
  sim.step();
  std::size_t zero = 0, many = 0;
  const auto protective = static_cast<float>(p.ties_protective_ties);
  for (std::size_t i = 0; i < pop.size; ++i) {
    // No money or health need here: the level is set by good contacts alone, saturating at the protective number.
    const float k = std::min(static_cast<float>(pop.active_ties[i]), protective) / protective;
    const float level = static_cast<float>(p.loneliness_isolated_level) * (1.0f - k);
    const float expected = 0.5f + (level > 0.5f ? 0.05f : 0.02f) * (level - 0.5f);
    ASSERT_NEAR(pop.need[Social][i], expected, 1e-5) << "ties " << pop.active_ties[i];
    zero += pop.active_ties[i] == 0;
    many += pop.active_ties[i] >= p.ties_protective_ties;
  }
  EXPECT_GT(zero, 0u);
  EXPECT_GT(many, 0u);
}

TEST(Loneliness, MoneyProblemsRaiseTheLevelAndContactOffMakesItTheSameForAll) {
  Params p = all_off(3000);
  p.loneliness_onset_rate = 1.0;  // jump to the level, to read it off
  p.loneliness_recovery_rate = 1.0;
  for (bool contact : {true, false}) {
    p.loneliness_from_contact = contact;
    Simulation sim(p);
    auto& pop = sim.population_mut();
    for (std::size_t i = 0; i < pop.size; ++i) pop.need[Income][i] = i % 2 ? 0.6f : 0.0f;
    sim.step();
    for (std::size_t i = 0; i < pop.size; ++i) {
      const float k =
          contact ? std::min<float>(pop.active_ties[i], static_cast<float>(p.ties_protective_ties)) / static_cast<float>(p.ties_protective_ties) : 0.5f;
      const float level =
          std::min(1.0f, static_cast<float>(p.loneliness_isolated_level) * (1.0f - k) + static_cast<float>(p.loneliness_money_gradient) * pop.need[Income][i]);
      ASSERT_NEAR(pop.need[Social][i], level, 1e-5) << (contact ? "contact" : "no contact") << " resident " << i;
    }
  }
}

TEST(Ties, MeetingsFormNewNeighbourTies) {
  Params p = all_off(3000);
  p.ties_dynamics = true;
  p.ties_meeting_rate = 0.05;
  p.ties_saturation = 0;  // no limit: every meeting of two residents of different households is a tie
  Simulation sim(p);
  double formed = 0;
  for (int w = 0; w < 10; ++w) {
    sim.step();
    formed += sim.outcomes()[Outcome::ties_formed];
  }
  EXPECT_GT(formed, 0.5 * 10 * 0.05 * 3000 * 0.5);
}

// Limited time (ties.saturation): a meeting becomes a tie with probability (1 - ties / saturation) at each
// end, so residents with many ties form fewer new ones, and formation balances dissolution.
TEST(Ties, ResidentsWithManyTiesFormFewerNew) {
  auto formed = [](double saturation, double friend_ties) {
    Params p = all_off(3000);
    p.ties_dynamics = true;
    p.ties_meeting_rate = 0.05;
    p.ties_saturation = saturation;
    p.network_friend_ties = friend_ties;
    Simulation sim(p);
    double n = 0;
    for (int w = 0; w < 10; ++w) {
      sim.step();
      n += sim.outcomes()[Outcome::ties_formed];
    }
    return n;
  };
  EXPECT_LT(formed(12, 3), 0.7 * formed(0, 3));
  EXPECT_LT(formed(12, 6), 0.8 * formed(12, 3));  // more ties, fewer new ones
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

TEST(Model, MoreHelperTimeNeverRaisesUnmetNeed) {
  double last = 1.0;
  for (double budget : {0.5, 2.0, 8.0}) {
    Params p = test::small_params(4000);
    p.helping_budget_mean = budget;
    Simulation sim(p);
    double unmet = 0;
    for (int w = 0; w < 156; ++w) {
      sim.step();
      if (w >= 52) unmet += sim.outcomes()[Outcome::in_need_share];
    }
    EXPECT_LE(unmet / 104, last + 0.002) << "budget " << budget;
    last = unmet / 104;
  }
}
