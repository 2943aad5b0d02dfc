// Model tests: one named test per stylized fact in docs/ODD.md, plus monotone responses.
// Fixed seeds (deterministic); differences are paired by common random numbers.
#include <gtest/gtest.h>

#include <cstdio>

#include <algorithm>

#include "buurt/experiment/Compare.h"
#include "model_support.h"

using namespace buurt;
using test::mean_outcome;

namespace {
const std::vector<std::string> kShort = {"run.weeks=156"};
std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The runs these tests read (model_runs.h): baseline and community managers over three years, variants.
BUURT_MODEL_RUNS({"baseline.toml", {"run.weeks=156"}, 2}, {"baseline.toml", {"run.weeks=156", "care.circle=false"}, 2},
                 {"community_managers.toml", {"run.weeks=156"}, 4},
                 {"community_managers.toml", {"run.weeks=156", "community.burnout_rate=0.05", "community.replace=false", "community.recovery_weeks=520"}, 4},
                 {"community_managers.toml", {"run.weeks=156", "initiatives.municipal_control=1.0", "initiatives.takeover_rate=0.1"}, 4},
                 {"baseline.toml", {"run.weeks=104", "team.fte_per_1000=0.6"}, 2}, {"baseline.toml", {"run.weeks=104", "team.fte_per_1000=1"}, 2},
                 {"baseline.toml", {"run.weeks=104", "team.fte_per_1000=1.5"}, 2}, {"baseline.toml", {"run.weeks=104", "helping.share_willing=0.2"}, 2},
                 {"baseline.toml", {"run.weeks=104", "helping.share_willing=0.45"}, 2}, {"baseline.toml", {"run.weeks=104", "helping.share_willing=0.7"}, 2});
}  // namespace

// Causal chain: residents in need ask their ties and get care from their household and kin, the care circle
// (phases 3-5); the team sees only those whom nobody helped and who apply (phase 6). SCP 2016: informal carers
// give about 75% of home-care hours. Pattern, in each of two replicates (years 2-3): informal help hours at
// least fifty times the team's, and over 60% of all help hours. Negative control: without the care circle
// (care.circle=false: one helper a week, found by matching) the ratio falls below fifty, to less than half
// of the ratio with it. Measured (issue 51): 81.4 and 78.0 with the circle (9,471 and 9,088 informal hours
// against 116 team hours), 26.1 and 23.4 without (3,040 and 2,730): fifty lies a factor 1.6 below the one and
// 1.9 above the other. Until issue 51 the pattern was "ten times the team's", which held without the circle
// too, and the control removed all help, which proved nothing. The share over 60% holds without the circle
// as well (0.93): it is the SCP figure, not evidence for the circle.
TEST(StylizedFacts, InformalNetworksCarryFarMoreHelpHoursThanProfessionals) {
  auto ratio = [&](const std::vector<std::string>& extra, std::uint32_t r) {
    const auto rows = test::run_rows("baseline.toml", with(kShort, extra), r);
    double informal = 0, professional = 0;
    for (std::size_t w = 104; w < 157; ++w) informal += rows[w][Outcome::informal_hours], professional += rows[w][Outcome::professional_hours];
    std::printf("[stylized] %s, replicate %u, years 2-3: informal %.0f h/week, team %.1f h/week, ratio %.1f\n",
                extra.empty() ? "care circle" : "no care circle", r, informal / 53, professional / 53, informal / professional);
    return informal / professional;
  };
  for (std::uint32_t r = 0; r < 2; ++r) {
    const double on = ratio({}, r), off = ratio({"care.circle=false"}, r);
    EXPECT_GT(on, 50.0) << "replicate " << r;
    EXPECT_LT(off, 50.0) << "replicate " << r << ": without the care circle";
    EXPECT_LT(off, 0.5 * on) << "replicate " << r;
  }
  EXPECT_GT(mean_outcome("baseline.toml", kShort, Outcome::informal_share_of_hours, 104, 157, 2), 0.6);
}

TEST(StylizedFacts, CommunityManagersRaiseTiesAndLowerLonelinessWithADelay) {
  auto effect = [&](Outcome o, int from, int to, std::vector<std::string> extra = {}) {
    return mean_outcome("community_managers.toml", with(kShort, extra), o, from, to) - mean_outcome("baseline.toml", kShort, o, from, to);
  };
  const double early_lonely = effect(Outcome::severely_lonely_share, 1, 5), late_lonely = effect(Outcome::severely_lonely_share, 104, 157);
  const double early_ties = effect(Outcome::ties_per_resident, 1, 5), late_ties = effect(Outcome::ties_per_resident, 104, 157);
  std::printf("[stylized] community managers, severely lonely: %+.4f in weeks 1-4, %+.4f in years 2-3; ties per resident %+.3f, %+.3f\n", early_lonely,
              late_lonely, early_ties, late_ties);
  // At least 0.3 pt: 0.5 pt until issue 48; with meeting through shared contacts the effect is -0.46 pt in
  // these 2 replicates (the main job, 10 over the ensemble: -0.4 pt, -0.5 to -0.3).
  EXPECT_LT(late_lonely, -0.003);
  EXPECT_LT(late_lonely, 2 * early_lonely);  // the effect builds up
  EXPECT_GT(late_ties, 0.02);
  EXPECT_GT(late_ties, 2 * early_ties);
}

// Burnout without replacement ends the managers' outreach: the hours of help they and the volunteers they
// recruit give on the street fall. Since the life course and faster meetings (ties.meeting_rate 0.06), the
// ties managers broker outlast them, so burnout no longer shows in severe loneliness within two years
// (printed, not asserted: docs/ODD.md, known gaps). A takeover of the initiatives drives members and
// volunteers out ([seed000]); since meeting through shared contacts (issue 48) the members' lost ties are made
// up within the network and severe loneliness no longer rises measurably (printed, not asserted).
TEST(StylizedFacts, CommunityManagerEffectFadesWithBurnoutOrTakeover) {
  auto mean = [&](Outcome o, std::vector<std::string> extra) { return mean_outcome("community_managers.toml", with(kShort, extra), o, 104, 157, 4); };
  const std::vector<std::string> burnout = {"community.burnout_rate=0.05", "community.replace=false", "community.recovery_weeks=520"};
  const std::vector<std::string> takeover = {"initiatives.municipal_control=1.0", "initiatives.takeover_rate=0.1"};
  const double hours = mean(Outcome::volunteer_hours, {}), hours_burned = mean(Outcome::volunteer_hours, burnout);
  const double lonely = mean(Outcome::severely_lonely_share, {}), lonely_burned = mean(Outcome::severely_lonely_share, burnout);
  const double lonely_taken = mean(Outcome::severely_lonely_share, takeover);
  const double members = mean(Outcome::initiative_members, {}), members_taken = mean(Outcome::initiative_members, takeover);
  std::printf(
      "[stylized] years 2-3: street help %.1f h/week sustained, %.1f burned out; severely lonely %.4f sustained, %.4f burned out, %.4f taken over; "
      "initiative members %.1f sustained, %.1f taken over\n",
      hours, hours_burned, lonely, lonely_burned, lonely_taken, members, members_taken);
  EXPECT_LT(hours_burned, 0.9 * hours);
  EXPECT_LT(members_taken, 0.8 * members);
  EXPECT_LT(mean(Outcome::volunteers_active, takeover), mean(Outcome::volunteers_active, {}));
}

TEST(Monotone, MoreTeamHoursNeverRaiseTheWaitingTime) {
  double last = 1e9;
  for (const char* fte : {"team.fte_per_1000=0.6", "team.fte_per_1000=1", "team.fte_per_1000=1.5"}) {
    const double wait = mean_outcome("baseline.toml", {"run.weeks=104", fte}, Outcome::team_mean_wait, 26, 105);
    EXPECT_LE(wait, last) << fte;
    last = wait;
  }
}

TEST(Monotone, MoreWillingHelpersNeverRaiseUnmetNeed) {
  double last = 1.0;
  for (const char* share : {"helping.share_willing=0.2", "helping.share_willing=0.45", "helping.share_willing=0.7"}) {
    const double unmet = mean_outcome("baseline.toml", {"run.weeks=104", share}, Outcome::in_need_share, 52, 105);
    EXPECT_LE(unmet, last + 0.002) << share;
    last = unmet;
  }
}

// Moved from the care-circle unit tests: a population-level pattern over the library baseline.
TEST(CareCircle, LongOrIntensiveCaringIsCommonOnlyWithTheCircle) {
  const double with = mean_outcome("baseline.toml", {"run.weeks=156"}, Outcome::intensive_carer_share_adults, 104, 157);
  const double without = mean_outcome("baseline.toml", {"run.weeks=156", "care.circle=false"}, Outcome::intensive_carer_share_adults, 104, 157);
  EXPECT_GT(with, 0.08);
  EXPECT_GT(with, 2.0 * without);
}
