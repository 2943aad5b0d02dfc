// Unit tests of the social team (policy/Team.cpp, phase 6) and its costs.
#include <gtest/gtest.h>

#include <algorithm>

#include "buurt/core/Simulation.h"
#include "buurt/week/Phase.h"
#include "policy_support.h"

using namespace buurt;

using test::team_only;
using test::with_cases;

TEST(Team, IntakesAreLimitedByCapacityAndWaitingGrowsWhenShort) {
  Params small = team_only(1.0), large = team_only(40.0);
  Simulation a = with_cases(small), b = with_cases(large);
  for (int w = 0; w < 4; ++w) a.step(), b.step();
  // 1 FTE * 36 h * 0.6 direct * (1 - 2 * 0.06) * (1 - 0.15 * 0.3) ~ 18 h: at most 6 intakes of 3 h a week.
  EXPECT_LE(a.outcomes()[Outcome::team_intakes], 6.0);
  EXPECT_GT(a.outcomes()[Outcome::team_queue], 100.0);
  EXPECT_EQ(b.outcomes()[Outcome::team_queue], 0.0);
  EXPECT_GT(a.outcomes()[Outcome::team_mean_wait], b.outcomes()[Outcome::team_mean_wait]);
}

TEST(Team, DirectiveBuildsDependencyFacilitatingBuildsSelfRelianceThroughTheNetwork) {
  // Asking is off in team_only(), so no resident's network helps: with growth through the network (the
  // default) facilitating work builds no self-reliance; with it off, every case week builds some.
  Params p = team_only();
  p.team_growth_through_network = false;
  p.team_mode = 0.0;
  Simulation dir = with_cases(p);
  p.team_mode = 1.0;
  Simulation fac = with_cases(p);
  p.team_growth_through_network = true;
  Simulation fac_no_network = with_cases(p);
  for (int w = 0; w < 6; ++w) dir.step(), fac.step(), fac_no_network.step();
  EXPECT_GT(dir.outcomes()[Outcome::mean_dependency], 2 * fac.outcomes()[Outcome::mean_dependency] + 0.001);
  EXPECT_GT(fac.outcomes()[Outcome::mean_self_reliance], dir.outcomes()[Outcome::mean_self_reliance]);
  EXPECT_GT(fac.outcomes()[Outcome::mean_self_direction], dir.outcomes()[Outcome::mean_self_direction]);
  EXPECT_EQ(fac_no_network.outcomes()[Outcome::mean_self_reliance], dir.outcomes()[Outcome::mean_self_reliance]);
}

// Wiring of adaptation.trust_professionals_acts (moved from the model tier, issue 51:
// Mechanisms.TrustInProfessionalsDrivesApplyingToTheTeam showed no more than this): trust in professionals
// scales the chance that a resident in need applies to the team (phase 6). The same residents with trust 0.8
// and 0.2: on, more are with the team after a week; off, trust is not read and the runs are the same.
TEST(Team, TrustInProfessionalsRaisesApplyingAndOffItIsNotRead) {
  Params p = team_only();
  p.team_ask_probability = 0.3;  // below the cap of 1 at both trust levels
  auto with_the_team = [&](float trust) {
    Simulation sim = with_cases(p);
    auto& t = sim.population_mut().trust_professionals;
    std::fill(t.begin(), t.end(), trust);
    sim.step();
    return sim.outcomes()[Outcome::team_queue] + sim.outcomes()[Outcome::team_caseload];
  };
  const double high = with_the_team(0.8f), low = with_the_team(0.2f);
  EXPECT_GT(low, 0.0);
  EXPECT_GT(high, 1.4 * low);  // 1.3 / 0.7 = 1.9 in the chance to apply
  p.adaptation_trust_professionals_acts = false;
  EXPECT_EQ(with_the_team(0.8f), with_the_team(0.2f));
}

TEST(Team, ReferralsWaitForTheSecondLineThenCostMore) {
  Params p = team_only();
  p.team_referral_need = 0.0;  // every case is referred
  p.secondline_wait_weeks = 5;
  Simulation sim = with_cases(p);
  double referred = 0, early_hours = 0;
  for (int w = 0; w < 5; ++w) {
    sim.step();
    referred += sim.outcomes()[Outcome::referrals];
    early_hours += sim.outcomes()[Outcome::secondline_hours];
  }
  EXPECT_GT(referred, 150.0);
  EXPECT_EQ(early_hours, 0.0);  // still waiting
  EXPECT_GT(sim.outcomes()[Outcome::secondline_waiting], 150.0);
  for (int w = 0; w < 2; ++w) sim.step();
  const auto& o = sim.outcomes();
  EXPECT_GT(o[Outcome::secondline_hours], 0.0);
  EXPECT_DOUBLE_EQ(o[Outcome::cost_secondline], o[Outcome::secondline_hours] * p.costs_secondline_hour);
}

TEST(Team, MoreParentOrganisationsAndANewTeamMeanFewerIntakes) {
  auto intakes = [](Params p) {
    Simulation sim = with_cases(p, 3);
    double t = 0;
    for (int w = 0; w < 4; ++w) {
      sim.step();
      t += sim.outcomes()[Outcome::team_intakes];
    }
    return t;
  };
  Params base = team_only(3.0);
  Params fragmented = base;
  fragmented.team_organisations = 8;
  Params fresh = base;
  fresh.team_attunement_start = 0.0;
  EXPECT_LT(intakes(fragmented), intakes(base));
  EXPECT_LT(intakes(fresh), intakes(base));
}

TEST(Team, NetworkFirstIntakeMakesResidentsHideTheirNetworkAndCostsTrust) {
  Params p = team_only();
  Simulation plain = with_cases(p);
  p.team_network_first = true;
  Simulation first = with_cases(p);
  for (int w = 0; w < 4; ++w) plain.step(), first.step();
  std::size_t hiding = 0;
  for (std::size_t i = 0; i < first.population().size; ++i) hiding += first.population().has(i, kHidesNetwork);
  EXPECT_GT(hiding, 50u);
  EXPECT_LT(first.outcomes()[Outcome::mean_trust_professionals], plain.outcomes()[Outcome::mean_trust_professionals]);
  EXPECT_LT(first.outcomes()[Outcome::team_caseload], plain.outcomes()[Outcome::team_caseload]);  // some sent back
}

TEST(Team, OutputSteeringClosesCasesEarlier) {
  Params p = team_only();
  p.team_case_hours = 4.0;
  p.team_mode = 0.0;  // every case hour solves, so cases can close within weeks
  p.team_output_steering = 0.0;
  Simulation trust = with_cases(p);
  p.team_output_steering = 1.0;
  Simulation output = with_cases(p);
  double trust_case_weeks = 0, output_case_weeks = 0;
  for (int w = 0; w < 10; ++w) {
    trust.step(), output.step();
    trust_case_weeks += trust.outcomes()[Outcome::team_caseload];
    output_case_weeks += output.outcomes()[Outcome::team_caseload];
  }
  EXPECT_LT(output_case_weeks, trust_case_weeks);
  // Closed earlier, so more need is left at closure.
  EXPECT_GT(output.outcomes()[Outcome::mean_need], trust.outcomes()[Outcome::mean_need]);
}

// The team costs its payroll (docs/mkba.md): the FTE it employs x contract hours x price, used or not; the
// hours it uses are an outcome beside it and never exceed what is paid. The second line costs its contracted
// capacity.
TEST(Costs, ProfessionalCostIsThePayrollUsedOrNot) {
  Params p = team_only(6.5);
  Simulation sim(p);
  auto& pop = sim.population_mut();
  for (std::size_t i = 0; i < pop.size; i += 10) pop.need[Mental][i] = 0.9f;  // someone to take in
  sim.step();
  sim.step();
  const auto& o = sim.outcomes();
  EXPECT_GT(o[Outcome::professional_hours], 0.0);
  EXPECT_DOUBLE_EQ(o[Outcome::team_paid_hours], 6.5 * p.team_hours_per_fte);
  EXPECT_DOUBLE_EQ(o[Outcome::cost_professional], 6.5 * p.team_hours_per_fte * p.costs_professional_hour);
  EXPECT_LE(o[Outcome::professional_hours], o[Outcome::team_paid_hours] + 1e-9);
  EXPECT_DOUBLE_EQ(o[Outcome::team_utilisation], o[Outcome::professional_hours] / o[Outcome::team_paid_hours]);
  EXPECT_DOUBLE_EQ(o[Outcome::secondline_paid_hours], p.secondline_capacity * 3.0);
  EXPECT_DOUBLE_EQ(o[Outcome::cost_secondline], p.secondline_capacity * 3.0 * p.costs_secondline_hour);
  EXPECT_DOUBLE_EQ(o[Outcome::cost_total],
                   o[Outcome::cost_professional] + o[Outcome::cost_secondline] + o[Outcome::cost_allowances] + o[Outcome::cost_training]);
}

// At zero queue, twice the FTE cost twice as much, though no more hours are used (the old count of hours as
// used made a team of 40 FTE per 1,000 cost what one of 20 did), and a team that is switched off costs nothing.
TEST(Costs, TwiceTheTeamAtZeroQueueCostsTwiceAsMuch) {
  auto week = [](double fte, bool enabled) {
    Params p = team_only(fte);
    p.team_enabled = enabled;
    Simulation sim = with_cases(p);
    for (int w = 0; w < 4; ++w) sim.step();
    return sim.outcomes();
  };
  const WeekOutcomes a = week(60.0, true), b = week(120.0, true), off = week(60.0, false);
  ASSERT_EQ(a[Outcome::team_queue], 0.0);
  ASSERT_EQ(b[Outcome::team_queue], 0.0);
  EXPECT_DOUBLE_EQ(b[Outcome::cost_professional], 2.0 * a[Outcome::cost_professional]);
  EXPECT_NEAR(b[Outcome::professional_hours], a[Outcome::professional_hours], 1e-9) << "the same clients take the same hours";
  EXPECT_LT(b[Outcome::team_utilisation], 0.75 * a[Outcome::team_utilisation]);
  EXPECT_EQ(off[Outcome::cost_professional], 0.0);
}

TEST(Team, ComplexCasesAreReferredSimpleOnesStay) {
  // Residents 0, 20, 40, ... have one domain in need (0.9), residents 10, 30, 50, ... three (0.7 each).
  Params p = team_only();
  p.team_referral_need = 1.1;  // the default
  Simulation sim(p);
  auto& pop = sim.population_mut();
  for (std::size_t i = 0; i < pop.size; i += 10) {
    pop.need[Mental][i] = i % 20 == 0 ? 0.9f : 0.7f;
    if (i % 20 != 0) pop.need[Income][i] = pop.need[HouseholdCare][i] = 0.7f;
  }
  for (int w = 0; w < 3; ++w) sim.step();
  // Taken in: a case of the team, or referred. Simple cases stay with the team, complex ones are referred.
  int simple_case = 0, simple_referred = 0, complex_case = 0, complex_referred = 0;
  for (std::size_t i = 0; i < pop.size; i += 10) {
    const bool referred = pop.team_state[i] == TeamStage::Referred || pop.team_state[i] == TeamStage::Treatment;
    const bool team_case = pop.team_state[i] == TeamStage::Case;
    (i % 20 == 0 ? simple_case : complex_case) += team_case;
    (i % 20 == 0 ? simple_referred : complex_referred) += referred;
  }
  EXPECT_EQ(simple_referred, 0);
  EXPECT_EQ(complex_case, 0);
  EXPECT_GT(simple_case, 50);
  EXPECT_GT(complex_referred, 50);
}

TEST(Team, SeparateOrganisationsBounceMultiDomainCasesOneHouseholdPlanKeepsThem) {
  // Every case has income and mental-health needs: separate services bounce them between organisations,
  // an integrated team keeps one household plan.
  Params p = team_only();
  p.team_organisations = 5;
  p.team_bounce_rate = 1.0;
  Simulation separate = with_cases(p);
  p.services_integrated = true;
  Simulation integrated = with_cases(p);
  double bounced_separate = 0, bounced_integrated = 0;
  for (int w = 0; w < 4; ++w) {
    separate.step(), integrated.step();
    bounced_separate += separate.outcomes()[Outcome::team_bounces];
    bounced_integrated += integrated.outcomes()[Outcome::team_bounces];
  }
  EXPECT_GT(bounced_separate, 100.0);
  EXPECT_EQ(bounced_integrated, 0.0);
}

namespace {
/// The spread of relief before issue 47, kept for the test below only: need removed from all five domains in
/// proportion, loneliness included.
void relieve_all_domains(Population& pop, std::size_t i, float amount) {
  const float total = pop.total_need(i);
  if (total <= 0.0f || amount <= 0.0f) return;
  for (int d = 0; d < kDomains; ++d) pop.need[d][i] = std::max(0.0f, pop.need[d][i] - amount * pop.need[d][i] / total);
}
}  // namespace

// Relief reaches the domains a service works on (docs/ODD.md 7.6): a directive team's solving hours remove
// practical need and leave loneliness where the contact rule puts it. Two runs of the same neighbourhood,
// with the money and health gradients and poverty loneliness off so that practical need cannot reach
// loneliness another way: with a team of only solving hours (team.mode 0) and with no team. Every resident's
// social need is the same in both, week after week, while the clients' practical need falls. The old spread,
// applied to the same clients with the same amounts, would have moved their social need.
TEST(Team, SolvingHoursRelievePracticalNeedAndLeaveLonelinessToContact) {
  Params p = team_only();
  p.team_mode = 0.0;
  p.team_drift = false;
  p.loneliness_money_gradient = 0.0;
  p.loneliness_health_gradient = 0.0;
  p.events_poverty_loneliness = false;
  Params none = p;
  none.team_enabled = false;
  auto lonely_clients = [](Simulation& sim) {
    auto& pop = sim.population_mut();
    for (std::size_t i = 0; i < pop.size; i += 10) pop.need[Social][i] = 0.7f;
    sim.refresh();
  };
  Simulation team = with_cases(p), alone = with_cases(none);
  lonely_clients(team);
  lonely_clients(alone);
  double practical_team = 0.0, practical_alone = 0.0, old_spread_moves = 0.0;
  for (int w = 0; w < 8; ++w) {
    team.step();
    alone.step();
    const auto& a = team.population();
    const auto& b = alone.population();
    for (std::size_t i = 0; i < a.size; ++i) ASSERT_EQ(a.need[Social][i], b.need[Social][i]) << "resident " << i << " week " << w + 1;
  }
  const auto& a = team.population();
  Population copy = a;  // the old spread of one week's relief, applied to a copy of the clients' needs
  for (std::size_t i = 0; i < a.size; i += 10) {
    practical_team += detail::practical_need(a, i);
    practical_alone += detail::practical_need(alone.population(), i);
    relieve_all_domains(copy, i, static_cast<float>(p.team_relief * p.team_case_hours));
    old_spread_moves += a.need[Social][i] - copy.need[Social][i];
  }
  EXPECT_GT(team.outcomes()[Outcome::team_caseload], 10.0);
  EXPECT_LT(practical_team, 0.9 * practical_alone) << "the team relieves practical need";
  EXPECT_GT(old_spread_moves, 1.0) << "the old spread would have taken social need away";
}
