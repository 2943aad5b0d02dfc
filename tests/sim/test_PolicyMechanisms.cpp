// The team, the second line and the neighbourhood programmes: limit checks (docs/ODD.md, "Limit checks of the
// team and the second line") and the mechanisms of issue 14, each against its negative control.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <numeric>

#include "buurt/experiment/Stats.h"
#include "buurt/week/Phase.h"
#include "model_support.h"

using namespace buurt;
using test::expect_mechanism;
using test::interval;
using test::Interval;

namespace {

/// Mean of an outcome over weeks [from, to) of run 0 of the baseline with `sets`.
double mean_of(const std::vector<WeekOutcomes>& rows, Outcome o, int from, int to) {
  double s = 0;
  for (int w = from; w < to; ++w) s += rows[static_cast<std::size_t>(w)][o];
  return s / (to - from);
}

constexpr int kReplicates = 4;

/// Paired effect per replicate: mean of `o` over weeks [from, to) of scenario with `a` minus with `b`.
std::vector<double> paired(const std::string& scenario, const std::vector<std::string>& common, std::vector<std::string> a, std::vector<std::string> b,
                           Outcome o, int from, int to, int replicates = kReplicates) {
  a.insert(a.end(), common.begin(), common.end());
  b.insert(b.end(), common.begin(), common.end());
  std::vector<double> out;
  for (int r = 0; r < replicates; ++r)
    out.push_back(mean_of(test::run_rows(scenario, a, static_cast<std::uint32_t>(r)), o, from, to) -
                  mean_of(test::run_rows(scenario, b, static_cast<std::uint32_t>(r)), o, from, to));
  return out;
}

/// The two runs paired() reads (model_runs.h).
std::vector<test::RunRequest> paired_runs(const std::string& scenario, const std::vector<std::string>& common, std::vector<std::string> a,
                                          std::vector<std::string> b, int replicates = kReplicates) {
  a.insert(a.end(), common.begin(), common.end());
  b.insert(b.end(), common.begin(), common.end());
  return {{scenario, a, replicates}, {scenario, b, replicates}};
}

// The runs these tests read (model_runs.h), in the order of the tests below; the other tests observe
// residents during the week and run their own simulations.
[[maybe_unused]] const bool kRuns = [] {
  const std::vector<std::string> cm = {"run.weeks=156", "community.managers=60"},
                                 cm_off = {"run.weeks=156", "community.managers=60", "community.allowance_acts=false"};
  const std::vector<std::string> ini = {"run.weeks=104", "initiatives.count=4"},
                                 ini_off = {"run.weeks=104", "initiatives.count=4", "initiatives.support_acts=false"};
  const std::vector<std::string> drift = {"run.weeks=52", "team.mode=1", "team.fte_per_1000=0.6"};
  const std::vector<std::string> bounce = {"run.weeks=104", "team.coordination_loss=0", "team.bounce_rate=0.5"};
  const std::vector<std::string> attune = {"run.weeks=78", "team.attunement_weeks=78"};
  const std::vector<std::string> bhb = {"run.weeks=104", "run.common_start=false", "demography.enabled=false"};
  auto with = [](std::vector<std::string> a, const std::string& b) {
    a.push_back(b);
    return a;
  };
  for (const auto& runs : std::vector<std::vector<test::RunRequest>>{
           {{"baseline.toml", {"run.weeks=52", "team.fte_per_1000=0", "run.burn_in=0"}, 1},
            {"baseline.toml", {"run.weeks=26", "team.fte_per_1000=0"}, 1},
            {"baseline.toml", {"run.weeks=26"}, 1},
            {"baseline.toml", {"run.weeks=26", "team.fte_per_1000=150"}, 1},
            {"baseline.toml", {"run.weeks=52", "secondline.capacity=0", "run.burn_in=0"}, 1},
            {"baseline.toml", {"run.weeks=104"}, 3},
            {"baseline.toml", {"run.weeks=104", "population.residents=19500"}, 3},
            {"baseline.toml", {"run.weeks=260"}, kReplicates},
            {"team_facilitating.toml", {"run.weeks=260"}, kReplicates},
            {"baseline.toml", {"run.weeks=156", "population.residents=300", "team.referral_need=0.6"}, 1}},
           paired_runs("community_managers.toml", cm, {"community.allowance=100"}, {"community.allowance=0"}, 8),
           paired_runs("community_managers.toml", cm_off, {"community.allowance=100"}, {"community.allowance=0"}, 8),
           paired_runs("baseline.toml", ini, {"initiatives.support=150"}, {"initiatives.support=25"}),
           paired_runs("baseline.toml", ini_off, {"initiatives.support=150"}, {"initiatives.support=25"}),
           paired_runs("baseline.toml", ini, {"initiatives.support=450"}, {"initiatives.support=150"}),
           paired_runs("baseline.toml", drift, {"team.output_steering=0"}, {"team.output_steering=1"}),
           paired_runs("baseline.toml", with(drift, "team.drift=false"), {"team.output_steering=0"}, {"team.output_steering=1"}),
           paired_runs("baseline.toml", bounce, {"team.organisations=5"}, {"team.organisations=1"}, 8),
           paired_runs("baseline.toml", with(bounce, "team.bouncing=false"), {"team.organisations=5"}, {"team.organisations=1"}, 8),
           paired_runs("baseline.toml", {"run.weeks=104"}, {"services.integrated=true"}, {"services.integrated=false"}),
           paired_runs("baseline.toml", {"run.weeks=104", "services.desk=false"}, {"services.integrated=true"}, {"services.integrated=false"}),
           paired_runs("baseline.toml", attune, {"team.attunement_start=0"}, {"team.attunement_start=1"}),
           paired_runs("baseline.toml", with(attune, "team.fte_per_1000=150"), {"team.attunement_start=0"}, {"team.attunement_start=1"}),
           paired_runs("buren_helpen_buren.toml", with(bhb, "team.mode=0.9"), {"team.community_building=true"}, {"team.community_building=false"}, 8),
           paired_runs("buren_helpen_buren.toml", with(bhb, "team.mode=0"), {"team.community_building=true"}, {"team.community_building=false"}, 8)})
    test::declare_runs(runs);
  return true;
}();

}  // namespace

// Limit check: a team of zero takes nobody in, so from a blank start (no burn-in) the queue and the waiting
// time grow (the wait counts the residents still in the queue; before, it read 0 because only intakes were
// counted), and after the burn-in the wait is far above the baseline's: residents wait until their problem
// passes by itself.
TEST(Limits, NoTeamMeansAGrowingWait) {
  const auto rows = test::run_rows("baseline.toml", {"run.weeks=52", "team.fte_per_1000=0", "run.burn_in=0"});
  EXPECT_EQ(mean_of(rows, Outcome::team_intakes, 1, 53), 0.0);
  EXPECT_GT(mean_of(rows, Outcome::team_mean_wait, 40, 53), mean_of(rows, Outcome::team_mean_wait, 1, 14) + 5.0);
  EXPECT_GT(mean_of(rows, Outcome::team_queue, 40, 53), mean_of(rows, Outcome::team_queue, 1, 14));
  const auto settled = test::run_rows("baseline.toml", {"run.weeks=26", "team.fte_per_1000=0"});
  const auto baseline = test::run_rows("baseline.toml", {"run.weeks=26"});
  // After the common burn-in the team is gone from week 0: half a year later residents wait more than twice as
  // long (three times before the life course: residents who move away or die now leave the queue).
  EXPECT_GT(mean_of(settled, Outcome::team_mean_wait, 14, 27), 2.0 * mean_of(baseline, Outcome::team_mean_wait, 14, 27));
}

// Limit check: a huge team takes everyone in the week they apply: no queue, no wait.
TEST(Limits, AHugeTeamTakesEveryoneInAtOnce) {
  const auto rows = test::run_rows("baseline.toml", {"run.weeks=26", "team.fte_per_1000=150"});
  EXPECT_LT(mean_of(rows, Outcome::team_queue, 1, 27), 1.0);
  EXPECT_LT(mean_of(rows, Outcome::team_intake_wait, 1, 27), 0.5);
}

// Limit check: a second line without capacity treats nobody: no specialist hours, and from a blank start
// (no burn-in) the list of those waiting for it grows while the waiting time rises.
TEST(Limits, NoSecondLineCapacityMeansNoTreatment) {
  const auto rows = test::run_rows("baseline.toml", {"run.weeks=52", "secondline.capacity=0", "run.burn_in=0"});
  EXPECT_EQ(mean_of(rows, Outcome::secondline_hours, 1, 53), 0.0);
  EXPECT_GT(mean_of(rows, Outcome::secondline_waiting, 40, 53), 1.5 * mean_of(rows, Outcome::secondline_waiting, 1, 14));
  EXPECT_GT(mean_of(rows, Outcome::secondline_mean_wait, 40, 53), mean_of(rows, Outcome::secondline_mean_wait, 1, 14) + 5.0);
}

// Causal chain ([seed001]): the allowance (lever) is weighed by candidates against the time the role takes:
// more accept (recruitment), replacements are found sooner and fewer quit, and it protects against burnout
// (phase 7), so more managers are on the street. Paired: allowance 100 against 0 euro a week in the
// community-managers scenario with 60 managers and 8 replicates (burnouts and quits are rare events),
// active managers in years 2-3. Off (community.allowance_acts=false) the
// allowance is only a cost and the runs are identical.
TEST(PolicyMechanisms, AnAllowanceKeepsCommunityManagersInTheRole) {
  const std::vector<std::string> weeks = {"run.weeks=156", "community.managers=60"};
  const auto on = paired("community_managers.toml", weeks, {"community.allowance=100"}, {"community.allowance=0"}, Outcome::cm_active, 53, 157, 8);
  const auto off = paired("community_managers.toml", {"run.weeks=156", "community.managers=60", "community.allowance_acts=false"}, {"community.allowance=100"},
                          {"community.allowance=0"}, Outcome::cm_active, 53, 157, 8);
  expect_mechanism("allowance and active managers", on, off);
}

// Causal chain ([seed000]): support (lever) buys activities with diminishing returns; activity sets how often
// residents in need join and how often members meet (phase 7b), so members and the ties they form follow.
// Paired: support 150 against 25 euro a week with four initiatives, members in year 2. Off
// (initiatives.support_acts=false) support is only a cost. Diminishing returns: the next 300 euro add
// less than the 125 euro before them.
TEST(PolicyMechanisms, InitiativeSupportBuysActivitiesWithDiminishingReturns) {
  const std::vector<std::string> common = {"run.weeks=104", "initiatives.count=4"};
  const auto on = paired("baseline.toml", common, {"initiatives.support=150"}, {"initiatives.support=25"}, Outcome::initiative_members, 53, 105);
  const auto off = paired("baseline.toml", {"run.weeks=104", "initiatives.count=4", "initiatives.support_acts=false"}, {"initiatives.support=150"},
                          {"initiatives.support=25"}, Outcome::initiative_members, 53, 105);
  expect_mechanism("initiative support and members", on, off);
  const auto more = paired("baseline.toml", common, {"initiatives.support=450"}, {"initiatives.support=150"}, Outcome::initiative_members, 53, 105);
  EXPECT_LT(interval(more).mean, interval(on).mean);
}

// Causal chain: volunteers tire like every helper (fatigue, phase 5c); a heavily burdened volunteer stops
// more often (phase 7c). Volunteers at 5% of adults. Two runs per replicate start with every volunteer's fatigue at 0.9 and at 0:
// fewer volunteers remain after 8 weeks in the first. Off (volunteers.burnout=false) fatigue does not
// reach the decision to stop and the volunteer counts are identical.
TEST(PolicyMechanisms, TiredVolunteersStop) {
  auto effect = [](std::vector<std::string> sets) {
    sets.push_back("run.weeks=8");
    sets.push_back("volunteers.share=0.05");   // enough volunteers to count
    sets.push_back("run.common_start=false");  // ... through the burn-in (a policy key otherwise switches on at week 0)
    const Params p = load_scenario(test::scenario_path("baseline.toml"), sets).params;
    std::vector<double> out;
    for (int r = 0; r < kReplicates; ++r) {
      auto volunteers_after = [&](float fatigue) {
        Simulation sim(p, static_cast<std::uint32_t>(r));
        auto& pop = sim.population_mut();
        for (std::size_t i = 0; i < pop.size; ++i)
          if (pop.has(i, kVolunteer)) pop.fatigue[i] = fatigue;
        run_weeks(sim, 8);
        return sim.outcomes()[Outcome::volunteers_active];
      };
      out.push_back(volunteers_after(0.9f) - volunteers_after(0.0f));
    }
    return out;
  };
  expect_mechanism("fatigue and volunteers stopping", effect({}), effect({"volunteers.burnout=false"}));
}

namespace {

/// Per replicate: need relieved per case week (practical need of an open case before the week minus after it,
/// weeks 1-26), and re-entries per week over weeks 53-156, of a facilitating team (mode 1) minus a directive
/// one (mode 0). Steered on trust, so neither drifts.
struct WaysOfWorking {
  std::vector<double> relief, reentry, self_reliance;
};
WaysOfWorking ways_of_working(std::vector<std::string> sets) {
  sets.insert(sets.end(), {"run.weeks=156", "team.output_steering=0"});
  WaysOfWorking out;
  for (int r = 0; r < kReplicates; ++r) {
    double drop[2] = {0, 0}, back[2] = {0, 0};
    std::vector<float> sr[2];
    std::vector<std::uint8_t> client;
    for (int fac = 0; fac < 2; ++fac) {
      auto s = sets;
      s.push_back(fac ? "team.mode=1" : "team.mode=0");
      Simulation sim(load_scenario(test::scenario_path("baseline.toml"), s).params, static_cast<std::uint32_t>(r));
      const auto& pop = sim.population();
      std::vector<float> before(pop.size, -1.0f);
      client.resize(pop.size, 0);
      double sum = 0, n = 0;
      for (int w = 1; w <= 156; ++w) {
        for (std::size_t i = 0; i < pop.size; ++i) {
          before[i] = pop.team_state[i] == TeamStage::Case ? detail::practical_need(pop, i) : -1.0f;
          client[i] |= before[i] >= 0.0f;
        }
        sim.step();
        if (w <= 26)
          for (std::size_t i = 0; i < pop.size; ++i)
            if (before[i] >= 0.0f) sum += before[i] - detail::practical_need(pop, i), n += 1;
        if (w > 52) back[fac] += sim.outcomes()[Outcome::reentries] / 104;
      }
      drop[fac] = sum / n;
      sr[fac] = pop.self_reliance;
    }
    // Self-reliance at the end among the residents who were a case of the team in either run.
    double gap = 0, clients = 0;
    for (std::size_t i = 0; i < client.size(); ++i)
      if (client[i]) gap += sr[1][i] - sr[0][i], clients += 1;
    out.relief.push_back(drop[1] - drop[0]);
    out.reentry.push_back(back[1] - back[0]);
    out.self_reliance.push_back(gap / clients);
  }
  return out;
}

}  // namespace

// Causal chain (seeds 000, 002): the practised mode splits each case's hours (phase 6). A directive worker
// spends them solving the problem: need falls fast and dependency grows, and dependency makes residents
// apply again (phase 6). A facilitating worker spends them on the network: more hours at first, less relief
// by the worker, but encouragement to ask one's ties (shame), revived ties and self-reliance from what the
// network solves, so fewer come back. Short run: less need relieved per case week by a facilitating team;
// long run: fewer re-entries. Off (team.ways_of_working=false) both modes work alike and both
// gaps go.
TEST(PolicyMechanisms, DirectiveRelievesFasterFacilitatingBringsFewerBack) {
  const auto on = ways_of_working({}), off = ways_of_working({"team.ways_of_working=false"});
  expect_mechanism("facilitating minus directive: need relieved per case week, weeks 1-26", on.relief, off.relief);
  EXPECT_LT(interval(on.relief).mean, 0.0);
  expect_mechanism("facilitating minus directive: re-entries per week, years 2-3", on.reentry, off.reentry);
  EXPECT_LT(interval(on.reentry).mean, 0.0);
  // Not asserted (docs/ODD.md, known differences): the clients' self-reliance after three years, printed.
  const Interval sr = interval(on.self_reliance);
  std::printf("[measured] facilitating minus directive: self-reliance of clients after 3 years %.4g +- %.4g\n", sr.mean, sr.half);
}

// Causal chain ([seed002]: teams fall back into old patterns; [seed003]): the team's practised mode moves
// toward team.mode times (1 - output steering times queue pressure) (phase 6): a small, busy team steered
// on output drifts toward directive work, one steered on trust keeps its mode. Paired: trust (0) minus
// output (1) steering, facilitating team of 0.6 FTE per 1,000 residents (3.9 FTE), practised mode in year 1. Off (team.drift=false) the
// practised mode is team.mode in both.
TEST(PolicyMechanisms, UnderPressureATeamSteeredOnOutputDriftsBackToDirectiveWork) {
  const std::vector<std::string> common = {"run.weeks=52", "team.mode=1", "team.fte_per_1000=0.6"};
  const auto on = paired("baseline.toml", common, {"team.output_steering=0"}, {"team.output_steering=1"}, Outcome::team_practised_mode, 1, 53);
  const auto off = paired("baseline.toml", {"run.weeks=52", "team.mode=1", "team.fte_per_1000=0.6", "team.drift=false"}, {"team.output_steering=0"},
                          {"team.output_steering=1"}, Outcome::team_practised_mode, 1, 53);
  expect_mechanism("trust minus output steering: practised mode", on, off);
  EXPECT_GT(interval(on).mean, 0.0);
}

// Causal chain ([seed002]: split loyalty): with more parent organisations, cases with needs in several domains
// are bounced between them more often (phase 6); a bounced case loses its week of work and restarts, so cases
// stay open longer and hand-overs take intake hours, so fewer are taken in and the queue grows. Paired:
// five organisations minus one, with the coordination loss of hours off (so only bouncing differs) and a
// bounce rate of 0.5 (the default 0.1 gives under one bounce a week, too few to measure), residents waiting
// for the team in years 1-2, 8 replicates.
// Off (team.bouncing=false) the number of organisations changes nothing.
TEST(PolicyMechanisms, AFragmentedTeamBouncesCasesAndResidentsWaitLonger) {
  const auto on = paired("baseline.toml", {"run.weeks=104", "team.coordination_loss=0", "team.bounce_rate=0.5"}, {"team.organisations=5"},
                         {"team.organisations=1"}, Outcome::team_queue, 1, 105, 8);
  const auto off = paired("baseline.toml", {"run.weeks=104", "team.coordination_loss=0", "team.bounce_rate=0.5", "team.bouncing=false"},
                          {"team.organisations=5"}, {"team.organisations=1"}, Outcome::team_queue, 1, 105, 8);
  expect_mechanism("five minus one organisations: residents waiting for the team", on, off);
  EXPECT_GT(interval(on).mean, 0.0);
}

// Causal chain ([seed004]: rules per domain stand in the way of one household plan): residents with an income
// need apply to the social services (phase 6a); with separate services an applicant whose household also
// struggles with health, mental strain or care drops out before the decision and must apply again, and team
// cases reach the desk only after the hand-off. Integrated services work from one household plan, so income
// relief starts sooner and the neighbourhood's income need is lower. Paired: integrated minus separate,
// mean income need of all residents in years 1-2. Off (services.desk=false) there is no desk, and the
// remaining differences (hand-off hours, bouncing of income cases) do not reach the income need.
TEST(PolicyMechanisms, OneHouseholdPlanRelievesTheNeighbourhoodsIncomeNeedSooner) {
  const auto on = paired("baseline.toml", {"run.weeks=104"}, {"services.integrated=true"}, {"services.integrated=false"}, Outcome::need_income, 1, 105);
  const auto off = paired("baseline.toml", {"run.weeks=104", "services.desk=false"}, {"services.integrated=true"}, {"services.integrated=false"},
                          Outcome::need_income, 1, 105);
  expect_mechanism("integrated minus separate services: mean income need", on, off);
  EXPECT_LT(interval(on).mean, 0.0);
}

// Causal chain ([seed003]: a new team needs one to two years to attune): a new team's intakes take longer
// and its case work relieves less per hour (phase 6), so with the default hours it takes fewer residents in
// and the queue waits longer. The wait is not coded: it comes from hours running short, so with hours to
// spare (team.fte_per_1000 = 150, the limit check's huge team) a new team makes nobody wait longer. Paired: new
// minus attuned team (team.attunement_start 0 vs 1), team waiting time (queue included), weeks 1-78.
TEST(PolicyMechanisms, ANewTeamMakesResidentsWaitLongerOnlyWhenItsHoursRunShort) {
  const std::vector<std::string> common = {"run.weeks=78", "team.attunement_weeks=78"};
  const auto on = paired("baseline.toml", common, {"team.attunement_start=0"}, {"team.attunement_start=1"}, Outcome::team_mean_wait, 1, 79);
  const auto off = paired("baseline.toml", {"run.weeks=78", "team.attunement_weeks=78", "team.fte_per_1000=150"}, {"team.attunement_start=0"},
                          {"team.attunement_start=1"}, Outcome::team_mean_wait, 1, 79);
  expect_mechanism("new minus attuned team: waiting time", on, off);
  EXPECT_GT(interval(on).mean, 0.0);
}

// Causal chain ([seed000]: the team works with residents' own initiatives): in its network work (phase 6)
// the team introduces lonely clients to the initiative of their block; an introduced resident joins more
// readily (phase 7b), and members meet members. Paired: community building on minus off, initiatives of
// buren_helpen_buren, a facilitating team (mode 0.9), initiative members in year 2. The introductions come
// from the hours of network work, so with a purely directive team (team.mode = 0, no network hours) the key
// changes nothing: the negative control.
TEST(PolicyMechanisms, AFacilitatingTeamBringsLonelyClientsToTheInitiatives) {
  // A neighbourhood that has had its team mode through the burn-in (run.common_start off): the settled regime.
  // Demography off: members who move away would add noise that hides the introductions at this replicate count.
  // 8 replicates since issue 47 (4 before): with the team no longer relieving loneliness directly, fewer lonely
  // clients leave the pool and the effect varies more between replicates (on: 17.4 +- 7.1 members with 4).
  const auto on = paired("buren_helpen_buren.toml", {"run.weeks=104", "team.mode=0.9", "run.common_start=false", "demography.enabled=false"},
                         {"team.community_building=true"}, {"team.community_building=false"}, Outcome::initiative_members, 53, 105, 8);
  const auto off = paired("buren_helpen_buren.toml", {"run.weeks=104", "team.mode=0", "run.common_start=false", "demography.enabled=false"},
                          {"team.community_building=true"}, {"team.community_building=false"}, Outcome::initiative_members, 53, 105, 8);
  expect_mechanism("community building on minus off: initiative members", on, off);
  EXPECT_GT(interval(on).mean, 0.0);
}

// Sizes per resident: the team's FTE and the second line's hours scale with the number of residents, so a
// wijk three times as large with the same settings waits as long (team and second line) as the default one.
// Mean over years 1-2 of three replicates; the two sizes may differ by 15% (chance and the street layout).
TEST(Sizes, AWijkThreeTimesAsLargeWaitsAsLong) {
  for (const Outcome o : {Outcome::team_mean_wait, Outcome::secondline_mean_wait}) {
    const double small = test::mean_outcome("baseline.toml", {"run.weeks=104"}, o, 1, 105, 3);
    const double large = test::mean_outcome("baseline.toml", {"run.weeks=104", "population.residents=19500"}, o, 1, 105, 3);
    std::printf("[measured] %s: 6,500 residents %.3g weeks, 19,500 residents %.3g weeks\n", std::string(spec(o).name).c_str(), small, large);
    // The second line's queue is lumpier (whole treatments of many weeks): 25% for it, measured 10.2 vs 8.1 weeks.
    EXPECT_NEAR(large / small, 1.0, o == Outcome::team_mean_wait ? 0.15 : 0.25) << spec(o).name;
  }
}

// Effects per client, not per week (week/Cases.h; docs/ODD.md, "Effects per client"): the facilitating team
// takes in fewer clients (its intakes take longer), so it counts fewer re-entries a week, though per closed
// case its clients come back no less often. A ratio of weekly counts would read the throughput as an effect;
// the cohort outcome does not. Paired over 4 replicates from one burned-in neighbourhood, 5 years: weekly
// counts over years 4-5, the per-client outcome pooled over the intake cohorts reported by week 260.
TEST(PerClient, FewerIntakesMeanFewerReentriesAWeekNotFewerPerClient) {
  std::vector<double> intakes, per_week, per_client, clients;
  for (std::uint32_t r = 0; r < kReplicates; ++r) {
    const auto fac = test::run_rows("team_facilitating.toml", {"run.weeks=260"}, r), ref = test::run_rows("baseline.toml", {"run.weeks=260"}, r);
    intakes.push_back(mean_of(fac, Outcome::team_intakes, 157, 261) - mean_of(ref, Outcome::team_intakes, 157, 261));
    per_week.push_back(mean_of(fac, Outcome::reentries, 157, 261) - mean_of(ref, Outcome::reentries, 157, 261));
    per_client.push_back(fac.back()[Outcome::team_client_reentry] - ref.back()[Outcome::team_client_reentry]);
    clients.push_back(std::min(fac.back()[Outcome::team_clients], ref.back()[Outcome::team_clients]));
  }
  const Interval in = interval(intakes), pw = interval(per_week), pc = interval(per_client);
  std::printf("[measured] facilitating minus baseline: intakes %.3g +- %.3g a week, re-entries %.3g +- %.3g a week, re-entry per closed case %.3g +- %.3g\n",
              in.mean, in.half, pw.mean, pw.half, pc.mean, pc.half);
  EXPECT_GT(*std::min_element(clients.begin(), clients.end()), 100.0) << "cohorts of clients are reported by week 260";
  EXPECT_LT(in.mean + in.half, 0.0) << "the facilitating team takes in fewer clients";
  EXPECT_LT(pw.mean + pw.half, 0.0) << "so fewer re-entries a week";
  EXPECT_GT(pc.mean + pc.half, 0.0) << "but per closed case no fewer come back";
}

// A second line at any size (docs/ODD.md, phase 6b): a fraction of a place carries over to the next week, so
// over 52 weeks with residents waiting the hours given are the contracted capacity x 52 within one
// treatment-week, at 300 residents (1.2 hours a week: less than one place of 2 hours) as at 6,500 (26 hours,
// 13 places). Before, a neighbourhood of 300 never had a place and nobody was treated. At 300 residents the team
// refers from a summed need of 0.6 (team.referral_need) so that residents wait all year; the baseline's 1.1
// refers about four a year there.
TEST(Sizes, TheSecondLineGivesItsCapacityAtAnySize) {
  const Params p = load_scenario(test::scenario_path("baseline.toml"), {}).params;
  for (const auto& [residents, rows] :
       {std::pair{300, test::run_rows("baseline.toml", {"run.weeks=156", "population.residents=300", "team.referral_need=0.6"})},
        std::pair{6500, test::run_rows("baseline.toml", {"run.weeks=260"})}}) {
    const double capacity = p.secondline_capacity * residents / 1000.0;
    int windows = 0;
    for (std::size_t from = 1; from + 52 <= rows.size(); from += 13) {
      bool queue = true;
      double given = 0.0;
      for (std::size_t w = from; w < from + 52; ++w) {
        queue &= rows[w][Outcome::secondline_waiting] > 0.0;
        given += rows[w][Outcome::secondline_hours];
      }
      if (!queue) continue;
      ++windows;
      EXPECT_NEAR(given, 52.0 * capacity, p.secondline_hours_per_week) << residents << " residents, weeks " << from << "-" << from + 51;
    }
    std::printf("[measured] %d residents: %d windows of 52 weeks with a queue, capacity %.1f hours a week\n", residents, windows, capacity);
    EXPECT_GT(windows, 0) << residents << " residents: no 52 weeks with a queue";
  }
}
