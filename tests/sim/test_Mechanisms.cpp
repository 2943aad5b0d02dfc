// Resident mechanisms, each against its negative control (docs/ODD.md, "Mechanisms and their tests").
// Paired by common random numbers: replicate r of the "on" and the "off" run share seed and run number.
// A test asserts a pattern of the neighbourhood that the mechanism produces, and that it is gone with the
// mechanism's key off. Where it measures an effect, it asks that the effect with the mechanism on has a 95%
// interval (t over replicates) that excludes 0 and a half-width below a third of the effect, and that with
// the key off |effect| stays below a quarter of the on-effect.
//
// Issue 51: tests that compared residents (or two runs) differing in the very state a key reads showed only
// that the key is read (off, the difference is zero by construction). They are wiring checks in the unit
// tier now: Asking.TrustInNeighboursRaisesAskingAndOffItIsNotRead, Team.TrustInProfessionalsRaisesApplyingAndOffItIsNotRead,
// Helping.SatisfiedHelpersRecoverFasterAndOffSatisfactionIsNotRead, Population.ResidentsWithoutAJobHaveMoreTimeToHelp,
// Ties.LastingImbalanceErodesNeighbourTiesButNotKin.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <numeric>

#include "buurt/core/RunLoop.h"
#include "buurt/experiment/Stats.h"
#include "model_support.h"

using namespace buurt;
using test::expect_mechanism;
using test::interval;
using test::Interval;

// The runs the limit checks and LonelinessFollowsContact read (model_runs.h); the settling tests and
// GainsConcentrateAmongResidentsWhoAlreadyHadTies observe residents during the week and run their own simulations.
BUURT_MODEL_RUNS({"baseline.toml", {"run.weeks=104"}, 2}, {"baseline.toml", {"run.weeks=104", "events.enabled=false"}, 2},
                 {"baseline.toml", {"run.weeks=104", "ties.closure_rate=0"}, 2},
                 {"baseline.toml", {"run.weeks=26", "helping.share_willing=0", "volunteers.share=0", "run.common_start=false"}, 1},
                 {"baseline.toml", {"run.weeks=52", "population.residents=10"}, 1});
// LonelinessFollowsContact: community managers against the baseline over three years, with loneliness from
// contact and without (community.* are policy keys: each pair shares its burn-in).
BUURT_MODEL_RUNS({"baseline.toml", {"run.weeks=156"}, 4}, {"community_managers.toml", {"run.weeks=156"}, 4},
                 {"baseline.toml", {"run.weeks=156", "loneliness.from_contact=false"}, 4},
                 {"community_managers.toml", {"run.weeks=156", "loneliness.from_contact=false"}, 4});

namespace {

constexpr int kReplicates = 4;
constexpr std::uint32_t kManagerReplicates = 4;

Params baseline(std::vector<std::string> sets, int residents) {
  sets.push_back("population.residents=" + std::to_string(residents));
  return load_scenario(test::scenario_path("baseline.toml"), sets).params;
}

/// The effect measured on each replicate of a baseline with `sets`, run for `weeks` weeks.
std::vector<double> effects(const std::vector<std::string>& sets, int weeks, const std::function<double(Simulation&, int)>& measure, int residents = 3000) {
  std::vector<double> out;
  for (int r = 0; r < kReplicates; ++r) {
    Simulation sim(baseline(sets, residents), static_cast<std::uint32_t>(r));
    out.push_back(measure(sim, weeks));
  }
  return out;
}

/// Growth of the mean absolute reciprocity balance from year 1 to year 3 (ratio minus 1).
double balance_growth(Simulation& sim, int) {
  auto mean_over_year = [&] {
    double s = 0;
    run_weeks(sim, 52, nullptr, [&](const Simulation& x) { s += x.outcomes()[Outcome::mean_abs_imbalance]; });
    return s / 52;
  };
  const double y1 = mean_over_year();
  mean_over_year();
  return mean_over_year() / y1 - 1.0;
}

/// Growth of mean dependency on professionals from year 1 to year 3 (ratio minus 1).
double dependency_growth(Simulation& sim, int) {
  auto mean_over_year = [&] {
    double s = 0;
    run_weeks(sim, 52, nullptr, [&](const Simulation& x) { s += x.outcomes()[Outcome::mean_dependency]; });
    return s / 52;
  };
  const double y1 = mean_over_year();
  mean_over_year();
  return mean_over_year() / y1 - 1.0;
}

/// Self-reliance gained per case week of a facilitating team, as a share of the room left (1 - self-reliance): residents with four or more active ties at
/// the start of the case week minus those with at most one. Adaptation is off in these runs, so in a case
/// week only the team's work moves self-reliance.
double case_gain_gap(Simulation& sim, int weeks) {
  double gain[2] = {0, 0}, n[2] = {0, 0};
  const auto& pop = sim.population();
  std::vector<float> before(pop.size);
  std::vector<int> group(pop.size);
  std::vector<std::uint16_t> age(pop.size);
  for (int w = 0; w < weeks; ++w) {
    for (std::size_t i = 0; i < pop.size; ++i) {
      before[i] = pop.self_reliance[i];
      age[i] = pop.age_weeks[i];
      group[i] = pop.team_state[i] != TeamStage::Case ? -1 : pop.active_ties[i] >= 4 ? 1 : pop.active_ties[i] <= 1 ? 0 : -1;
    }
    sim.step();
    for (std::size_t i = 0; i < pop.size; ++i)
      // The same resident a week on (not one who moved in where a client left or died).
      if (group[i] >= 0 && pop.team_state[i] != TeamStage::Referred && before[i] < 1.0f && pop.present(i) && pop.age_weeks[i] == age[i] + 1)
        gain[group[i]] += (pop.self_reliance[i] - before[i]) / (1.0f - before[i]), n[group[i]] += 1;
  }
  return gain[1] / n[1] - gain[0] / n[0];
}

}  // namespace

// Causal chain: active ties and initiative membership (state) set the level loneliness tends to (phase 8).
// Pattern in the neighbourhood: community managers broker ties (phase 7), and in years 2-3 severe loneliness
// among adults is lower than in the baseline (paired replicates). Negative control: with
// loneliness.from_contact=false in both runs the managers still add ties (+0.025 per resident), but severe
// loneliness no longer follows them: the effect is below a quarter of the on-effect. Until issue 51 this test compared the social
// need of residents with few and many ties, which shows only that the level reads the ties (the unit test
// Loneliness.MoneyProblemsRaiseTheLevelAndContactOffMakesItTheSameForAll checks that wiring exactly).
TEST(Mechanisms, LonelinessFollowsContact) {
  auto effects = [](Outcome o, const std::vector<std::string>& extra) {
    std::vector<std::string> sets = {"run.weeks=156"};
    sets.insert(sets.end(), extra.begin(), extra.end());
    std::vector<double> out;
    for (std::uint32_t r = 0; r < kManagerReplicates; ++r) {
      const auto with = test::run_rows("community_managers.toml", sets, r), without = test::run_rows("baseline.toml", sets, r);
      double d = 0;
      for (std::size_t w = 104; w < 157; ++w) d += with[w][o] - without[w][o];
      out.push_back(d / 53);
    }
    return out;
  };
  const Interval ties_off = interval(effects(Outcome::ties_per_resident, {"loneliness.from_contact=false"}));
  std::printf("[mechanism] community managers, ties per resident years 2-3 without loneliness from contact: %+.3f +- %.3f\n", ties_off.mean, ties_off.half);
  EXPECT_GT(ties_off.mean - ties_off.half, 0.0) << "the managers must still add ties in the control";
  const Interval on = interval(effects(Outcome::severely_lonely_share, {}));
  const Interval off = interval(effects(Outcome::severely_lonely_share, {"loneliness.from_contact=false"}));
  std::printf("[mechanism] community managers, severely lonely years 2-3: on %+.5f +- %.5f, off %+.5f +- %.5f\n", on.mean, on.half, off.mean, off.half);
  // Not the precision rule of expect_mechanism (half-width below a third): with four replicates the interval
  // is -0.45 +- 0.18 points (issue 51), which excludes 0 but is wider than that; more replicates would cost
  // more than this time allows. Off: -0.04 +- 0.04 points, a tenth of the on-effect.
  EXPECT_LT(on.mean + on.half, 0.0) << "on: " << on.mean << " +- " << on.half;
  EXPECT_LT(std::abs(off.mean), 0.25 * std::abs(on.mean)) << "off: " << off.mean << " vs on " << on.mean;
}

// Causal chain: each week an adult meets a contact of one of its active contacts (ties.closure_rate, phase 3)
// and they may become friends, so a resident's contacts come to know each other. Pattern: in year 2 the
// clustering of active ties (Outcome::clustering) lies in the range measured in social networks, 0.09-0.31
// ([jackson2008]; a held-out figure: the rate is an assumption, not fitted to it). Negative control: without
// meeting through shared contacts (ties.closure_rate=0) the friends drawn among contacts' contacts at the start
// lose their closure within a year and clustering falls below the range, to less than half.
TEST(Mechanisms, FriendsOfFriendsMeetAndTheNetworkCloses) {
  const double on = test::mean_outcome("baseline.toml", {"run.weeks=104"}, Outcome::clustering, 53, 105);
  const double off = test::mean_outcome("baseline.toml", {"run.weeks=104", "ties.closure_rate=0"}, Outcome::clustering, 53, 105);
  std::printf("[mechanism] clustering in year 2: %.4f with meeting through shared contacts, %.4f without\n", on, off);
  EXPECT_GE(on, 0.09);
  EXPECT_LE(on, 0.31);
  EXPECT_LT(off, 0.09);
  EXPECT_LT(off, 0.5 * on);
}

// Causal chain: a resident who owes hours on a tie (balance) gives back a favour from its time left
// (phase 5b), and old balances fade (phase 8), so reciprocity balances settle instead of growing. The
// pattern is settling: with the mechanism on, mean |balance| changes by less than 10% from year 1 to year 3
// in every replicate's mean (95% interval inside +-15%); off (reciprocity.give_back=false,
// reciprocity.fade=0) it grows by more than 20%.
// The same residents throughout (demography off): people moving away take their balances with them, a
// second leveller that would hide this one.
TEST(Mechanisms, BalancesSettleWhenResidentsGiveBack) {
  const Interval on = interval(effects({"demography.enabled=false"}, 0, balance_growth, 6500));
  const Interval off = interval(effects({"reciprocity.give_back=false", "reciprocity.fade=0", "demography.enabled=false"}, 0, balance_growth, 6500));
  std::printf("[mechanism] balance growth year 1 to 3: on %.3f +- %.3f, off %.3f +- %.3f\n", on.mean, on.half, off.mean, off.half);
  EXPECT_LT(std::abs(on.mean) + on.half, 0.10) << "on: growth " << on.mean << " +- " << on.half;
  // 20%: the ties newly met each week (ties.meeting_rate) start balanced and thin the mean.
  EXPECT_GT(off.mean - off.half, 0.20) << "off: growth " << off.mean << " +- " << off.half;
}

// Causal chain: outside a team case, dependency (state) relaxes toward none each week (phase 9), so a
// directive team's dependency does not pile up across the neighbourhood: from year 1 to year 3 mean
// dependency changes by less than 15%. Off (adaptation.dependency_relax=0) it keeps growing with every case (> 30%).
TEST(Mechanisms, DependencyRelaxesWithoutTheTeam) {
  // A neighbourhood that has had a directive team through the burn-in (run.common_start off): its settled regime.
  // The same residents throughout (demography off): newcomers arrive without dependency, a second leveller.
  const Interval on = interval(effects({"team.mode=0", "run.common_start=false", "demography.enabled=false"}, 0, dependency_growth, 6500));
  const Interval off =
      interval(effects({"team.mode=0", "adaptation.dependency_relax=0", "run.common_start=false", "demography.enabled=false"}, 0, dependency_growth, 6500));
  EXPECT_LT(std::abs(on.mean) + on.half, 0.15) << "on: growth " << on.mean << " +- " << on.half;
  EXPECT_GT(off.mean - off.half, 0.30) << "off: growth " << off.mean << " +- " << off.half;
}

// Limit check: without life events nobody gets lonely through an event; contact works off what there was.
// Loneliness no longer lives in the events phase (before: severe loneliness 11% -> 26% without events).
// Measured (baseline, 5 years): somewhat lonely 51.7% -> 41.1%, severely lonely 20.8% -> 22.3%: a little more
// severe loneliness remains because without needs there is less help, which keeps ties warm.
TEST(Limits, NoLifeEventsDoesNotMakePeopleLonely) {
  const std::vector<std::string> on = {"run.weeks=104"}, off = {"run.weeks=104", "events.enabled=false"};
  EXPECT_LT(test::mean_outcome("baseline.toml", off, Outcome::somewhat_lonely_share, 53, 105, 2),
            test::mean_outcome("baseline.toml", on, Outcome::somewhat_lonely_share, 53, 105, 2));
  EXPECT_LT(test::mean_outcome("baseline.toml", off, Outcome::severely_lonely_share, 53, 105, 2),
            test::mean_outcome("baseline.toml", on, Outcome::severely_lonely_share, 53, 105, 2) + 0.02);
}

// Limit check: with no willing helpers nobody gives back favours from a helping budget and nobody volunteers.
TEST(Limits, NoWillingHelpersMeansNoVolunteerHours) {
  const double hours = test::mean_outcome("baseline.toml", {"run.weeks=26", "helping.share_willing=0", "volunteers.share=0", "run.common_start=false"},
                                          Outcome::volunteer_hours, 1, 27, 1);
  EXPECT_EQ(hours, 0.0);
}

// Limit check: ten residents run without error and keep every share within 0..1 (a per-client share is NaN until
// an intake cohort is reported, and at ten residents none is within a year).
TEST(Limits, TenResidentsRun) {
  const auto rows = test::run_rows("baseline.toml", {"run.weeks=52", "population.residents=10"});
  for (const auto& row : rows)
    for (const auto& s : kOutcomeSpecs)
      if (s.kind == OutcomeKind::share && !(s.window == OutcomeWindow::end && std::isnan(row[s.id]))) {
        EXPECT_GE(row[s.id], 0.0) << s.name;
        EXPECT_LE(row[s.id], 1.0) << s.name;
      }
}

// Causal chain ([seed003]): active ties (state) decide whether a resident's network helps or cares in a week
// (asking, matching, care circle: phases 3-5); a facilitating team builds self-reliance in the case weeks
// its network carried part of the problem (phase 6, team.growth_through_network). So per case week the
// well connected gain more than the poorly connected. Off, every case week builds alike and the gap goes.
// Kept in this tier by issue 51's review: the rule reads whether the network helped this week, never the
// ties, so the gap by ties on comes about through asking, matching and the care circle; off, it is gone by
// construction (a negative control, not the evidence).
TEST(Mechanisms, GainsConcentrateAmongResidentsWhoAlreadyHadTies) {
  // No extra hours at the start of a case, so every case week has the same hours and, off, the same growth.
  const std::vector<std::string> team = {"team.mode=1",  "team.fte_per_1000=2.3",     "adaptation.enabled=false",
                                         "run.weeks=52", "team.facilitating_extra=0", "run.common_start=false"};
  std::vector<std::string> team_off = team;
  team_off.push_back("team.growth_through_network=false");
  const auto on = effects(team, 52, case_gain_gap, 13000);
  const auto off = effects(team_off, 52, case_gain_gap, 13000);
  expect_mechanism("facilitating gains by ties", on, off);
}
