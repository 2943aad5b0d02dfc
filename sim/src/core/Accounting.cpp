#include "buurt/core/Accounting.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "buurt/core/Simulation.h"
#include "buurt/week/Phase.h"

namespace buurt {

namespace {

constexpr std::size_t kClusteringSample = 2000;

/// Mean local clustering coefficient of active non-household ties over a fixed sample of residents (every
/// k-th, k = n / 2000 rounded up), counting residents with two or more such contacts. A pair (j, l) of i's
/// contacts is closed when j and l are in active contact. The sample bounds the cost at any size.
double clustering(const Population& pop, const Network& net, const Params& p) {
  const float active = static_cast<float>(p.ties_active_strength);
  const std::size_t stride = (pop.size + kClusteringSample - 1) / kClusteringSample;
  const std::size_t m = (pop.size + stride - 1) / stride;
  using Pair = std::array<double, 2>;
  auto contact = [&](std::uint32_t k) {
    const std::uint32_t e = net.edge[k];
    return net.other[k] != kNone && net.strength[e] >= active && net.kind[e] != TieKind::Household;
  };
  const Pair r = par::deterministic_reduce(
      m, 64, Pair{},
      [&](std::size_t begin, std::size_t end, Pair acc) {
        for (std::size_t s = begin; s != end; ++s) {
          const auto i = static_cast<std::uint32_t>(s * stride);
          std::uint32_t deg = 0, closed = 0;
          for (std::uint32_t k = net.row_begin[i]; k < net.row_begin[i + 1]; ++k) {
            if (!contact(k)) continue;
            ++deg;
            const std::uint32_t j = net.other[k];
            // Each closed pair is seen once from its later entry in i's row.
            for (std::uint32_t q = net.row_begin[i]; q < k; ++q) {
              if (!contact(q)) continue;
              const std::uint32_t l = net.other[q];
              for (std::uint32_t t = net.row_begin[j]; t < net.row_begin[j + 1]; ++t)
                if (net.other[t] == l && contact(t)) {
                  ++closed;
                  break;
                }
            }
          }
          if (deg >= 2) {
            acc[0] += 2.0 * closed / (static_cast<double>(deg) * (deg - 1));
            acc[1] += 1;
          }
        }
        return acc;
      },
      [](Pair a, const Pair& b) {
        return Pair{a[0] + b[0], a[1] + b[1]};
      });
  return r[1] > 0 ? r[0] / r[1] : 0.0;
}

}  // namespace

// The reduce's body also writes each resident's own need mask: one pass over the residents instead of two.
WeekOutcomes account(Population& pop, const Network& net, const Params& p, const WeekCounters& c, const CaseBook& cases) {
  enum S {
    InNeed,
    Dom0,
    Depth = Dom0 + kDomains,
    NeedSum,
    NoTie,
    SelfReliant,
    SR,
    SD,
    TrustN,
    TrustP,
    Dep,
    Requests,
    Informal,
    Unanswered,
    InformalHours,
    VolunteerHours,
    Volunteers,
    Adults,
    HelperAdults,
    Intensive,
    IntensiveHours,
    CarerHours,
    Burdened,
    ActiveTies,
    AnyHelp,
    VolAdults,
    VolEmployed,
    VolEmployedHours,
    VolFree,
    VolFreeHours,
    Offers,
    Satisfaction,
    Present,
    SevereAdults,
    SomewhatAdults,
    AdultsByIncome,
    SevereByIncome = AdultsByIncome + 3,
    MoneyAdults = SevereByIncome + 3,
    MoneyLonely,
    MoneySevere,
    N
  };
  using Sums = std::array<double, N>;
  const float thr = static_cast<float>(p.events_in_need_threshold);
  const Sums s = par::deterministic_reduce(
      pop.size, detail::kGrain, Sums{},
      [&](std::size_t begin, std::size_t end, Sums acc) {
        // Counts are kept as integers and added once per chunk: a sum of whole numbers is exact either way, so
        // the result is the same, and the loop does integer adds instead of loads, adds and stores of doubles.
        std::array<std::uint32_t, N> cnt{};
        for (std::size_t i = begin; i != end; ++i) {
          if (!pop.present(i)) {  // an empty place in a dwelling
            pop.need_mask[i] = 0;
            continue;
          }
          cnt[Present] += 1;
          std::uint8_t mask = 0;
          float depth = 0.0f, total = 0.0f;
          for (int d = 0; d < kDomains; ++d) {
            const float nd = pop.need[d][i];
            total += nd;
            if (nd >= thr) {
              mask |= static_cast<std::uint8_t>(1u << d);
              depth += nd;
              cnt[Dom0 + d] += 1;
            }
          }
          pop.need_mask[i] = mask;
          if (mask) {
            cnt[InNeed] += 1;
            acc[Depth] += depth;
          }
          acc[NeedSum] += total;
          cnt[NoTie] += pop.active_ties[i] == 0;
          cnt[SelfReliant] += pop.self_reliance[i] >= 0.5f;
          acc[SR] += pop.self_reliance[i];
          acc[SD] += pop.self_direction[i];
          acc[TrustN] += pop.trust_neighbours[i];
          acc[TrustP] += pop.trust_professionals[i];
          acc[Dep] += pop.dependency[i];
          cnt[ActiveTies] += pop.active_ties[i];
          if (pop.ask_domain[i] >= 0) {
            cnt[Requests] += 1;
            const auto src = static_cast<HelpSource>(pop.help_source[i]);
            if (detail::is_informal(src)) {
              cnt[Informal] += 1;
              acc[InformalHours] += pop.hours_received[i];
            }
            if (src == HelpSource::None) cnt[Unanswered] += 1;
          }
          const auto src = static_cast<HelpSource>(pop.help_source[i]);
          if (src == HelpSource::Volunteer || src == HelpSource::CommunityManager) acc[VolunteerHours] += pop.hours_received[i];
          cnt[Volunteers] += pop.has(i, kVolunteer) && !pop.has(i, kCommunityManager);
          if (pop.age[i] != AgeGroup::Child) {
            cnt[Adults] += 1;
            // GGD: loneliness among adults (18+), severe and somewhat (the latter includes the former), by income.
            const float social = pop.need[Social][i];
            const auto income = static_cast<int>(pop.income[i]);
            cnt[SevereAdults] += social >= kSeverelyLonely;
            cnt[SomewhatAdults] += social >= kSomewhatLonely;
            cnt[AdultsByIncome + income] += 1;
            cnt[SevereByIncome + income] += social >= kSeverelyLonely;
            // GGD: about 80% of people with money problems are lonely, half of them severely.
            if (pop.need[Income][i] >= thr) {
              cnt[MoneyAdults] += 1;
              cnt[MoneyLonely] += social >= kSomewhatLonely;
              cnt[MoneySevere] += social >= kSeverelyLonely;
            }
            const float given = pop.hours_given[i];                 // help and care; favours given back are pop.hours_returned
            cnt[AnyHelp] += given + pop.hours_returned[i] > 0.01f;  // SCP's broad measure: any informal help
            // Volunteers by work status (CBS: ~3 h/week with a job, ~6 without), and open offers of help.
            if (pop.has(i, kVolunteer) && !pop.has(i, kCommunityManager)) {
              cnt[VolAdults] += 1;
              const bool job = pop.work[i] == WorkStatus::Employed;
              cnt[job ? VolEmployed : VolFree] += 1;
              acc[job ? VolEmployedHours : VolFreeHours] += pop.budget_used[i];  // volunteering: the helping budget, not care at home
            }
            cnt[Offers] += pop.has(i, kWilling) && pop.remaining[i] >= 1.0f;
            if (given > 0.01f) {
              cnt[HelperAdults] += 1;
              acc[CarerHours] += given;
              // CBS: long (3 months or more) or intensive (8 hours a week or more) informal care.
              const bool long_or_intensive = given >= 8.0f || pop.help_streak[i] >= 13;
              cnt[Intensive] += long_or_intensive;
              acc[IntensiveHours] += long_or_intensive ? given : 0.0f;
              cnt[Burdened] += pop.fatigue[i] >= 0.5f;  // CBS: heavily burdened carers
              acc[Satisfaction] += pop.satisfaction[i];
            }
          }
        }
        for (int k = 0; k < N; ++k)
          if (cnt[k]) acc[k] += cnt[k];
        return acc;
      },
      [](Sums a, const Sums& b) {
        for (int k = 0; k < N; ++k) a[k] += b[k];
        return a;
      });
  const double n = std::max(1.0, s[Present]);
  using detail::ratio;
  WeekOutcomes o;
  o[Outcome::in_need_share] = s[InNeed] / n;
  for (int d = 0; d < kDomains; ++d) o.v[static_cast<int>(Outcome::need_income) + d] = s[Dom0 + d] / n;
  o[Outcome::need_depth] = ratio(s[Depth], s[InNeed]);
  o[Outcome::mean_need] = s[NeedSum] / (n * kDomains);
  o[Outcome::severely_lonely_share] = ratio(s[SevereAdults], s[Adults]);
  o[Outcome::severely_lonely_adults] = s[SevereAdults];
  o[Outcome::somewhat_lonely_share] = ratio(s[SomewhatAdults], s[Adults]);
  o[Outcome::lonely_money_problems_share] = ratio(s[MoneyLonely], s[MoneyAdults]);
  o[Outcome::severely_lonely_money_problems_share] = ratio(s[MoneySevere], s[MoneyAdults]);
  for (int g = 0; g < 3; ++g) o.v[static_cast<int>(Outcome::severely_lonely_benefits) + g] = ratio(s[SevereByIncome + g], s[AdultsByIncome + g]);
  o[Outcome::no_active_tie_share] = s[NoTie] / n;
  o[Outcome::self_reliant_share] = s[SelfReliant] / n;
  o[Outcome::mean_self_reliance] = s[SR] / n;
  o[Outcome::mean_self_direction] = s[SD] / n;
  o[Outcome::mean_trust_neighbours] = s[TrustN] / n;
  o[Outcome::mean_trust_professionals] = s[TrustP] / n;
  o[Outcome::mean_dependency] = s[Dep] / n;
  o[Outcome::requests] = s[Requests];
  o[Outcome::informal_matched] = s[Informal];
  o[Outcome::unanswered] = s[Unanswered];
  o[Outcome::informal_hours] = s[InformalHours];
  o[Outcome::volunteer_hours] = s[VolunteerHours];
  // Effects per client (week/Cases.h): over the cases of the intake cohorts reported so far; NaN before any.
  const auto per_client = [&](Service service, Outcome clients) {
    const ClientTotals& ct = cases.totals(service);
    const double nan = std::nan("");
    const auto k = static_cast<int>(clients);
    o.v[k] = ct.cases;
    o.v[k + 1] = ct.cases - ct.left_open > 0 ? ct.closed / (ct.cases - ct.left_open) : nan;  // closed share
    o.v[k + 2] = ct.closed > 0 ? ct.reentered / ct.closed : nan;                             // re-entry per closed case
    o.v[k + 3] = ct.closed > 0 ? ct.weeks / ct.closed : nan;                                 // weeks to closure
    o.v[k + 4] = ct.closed > 0 ? (ct.need_intake - ct.need_closed) / ct.closed : nan;        // need reduced
  };
  per_client(Service::Team, Outcome::team_clients);
  per_client(Service::SecondLine, Outcome::secondline_clients);
  o[Outcome::volunteers_active] = s[Volunteers];
  o[Outcome::helper_share_adults] = ratio(s[AnyHelp], s[Adults]);
  o[Outcome::volunteer_share_adults] = ratio(s[VolAdults], s[Adults]);
  o[Outcome::volunteer_hours_employed] = ratio(s[VolEmployedHours], s[VolEmployed]);
  o[Outcome::volunteer_hours_not_employed] = ratio(s[VolFreeHours], s[VolFree]);
  o[Outcome::open_offers] = s[Offers];
  o[Outcome::offers_per_request] = ratio(s[Offers], s[Requests]);
  o[Outcome::intensive_carer_share_adults] = ratio(s[Intensive], s[Adults]);
  o[Outcome::mean_carer_hours] = ratio(s[CarerHours], s[HelperAdults]);
  o[Outcome::intensive_carer_hours] = ratio(s[IntensiveHours], s[Intensive]);
  o[Outcome::burdened_helper_share] = ratio(s[Burdened], s[HelperAdults]);
  o[Outcome::burdened_helpers] = s[Burdened];
  o[Outcome::helper_satisfaction] = ratio(s[Satisfaction], s[HelperAdults]);
  o[Outcome::residents] = s[Present];
  o[Outcome::births] = c.births;
  o[Outcome::deaths] = c.deaths;
  o[Outcome::moves_in] = c.moves_in;
  o[Outcome::moves_out] = c.moves_out;
  o[Outcome::newcomers_without_tie_share] = ratio(c.newcomers_without_tie, c.newcomers_year);
  o[Outcome::clustering] = clustering(pop, net, p);
  o[Outcome::ties_per_resident] = s[ActiveTies] / n;
  o[Outcome::ties_formed] = c.meeting_ties + c.programme_ties;
  o[Outcome::ties_broken] = c.ties_broken;
  // Imbalance over ties: a separate deterministic reduce over edges.
  using Pair = std::array<double, 3>;
  const float limit = static_cast<float>(p.ties_imbalance_limit);
  const Pair imb = par::deterministic_reduce(
      net.edges(), detail::kGrain, Pair{},
      [&](std::size_t begin, std::size_t end, Pair acc) {
        std::uint32_t ties = 0, imbalanced = 0;  // whole numbers: exact, as in the accounting above
        for (std::size_t e = begin; e != end; ++e)
          if (net.strength[e] > 0.0f && net.kind[e] != TieKind::Household) {
            acc[0] += std::abs(net.balance[e]);
            ++ties;
            imbalanced += std::abs(net.balance[e]) > limit;
          }
        acc[1] += ties;
        acc[2] += imbalanced;
        return acc;
      },
      [](Pair a, const Pair& b) {
        return Pair{a[0] + b[0], a[1] + b[1], a[2] + b[2]};
      });
  o[Outcome::mean_abs_imbalance] = ratio(imb[0], imb[1]);
  o[Outcome::imbalanced_tie_share] = ratio(imb[2], imb[1]);
  return o;
}

void account_totals(WeekOutcomes& o) {
  const double all_hours = o[Outcome::informal_hours] + o[Outcome::volunteer_hours] + o[Outcome::professional_hours] + o[Outcome::secondline_hours];
  o[Outcome::informal_share_of_hours] = detail::ratio(o[Outcome::informal_hours], all_hours);
  // Costs (euro per week) as the payer pays them, each written by the module that spends them (the team's
  // payroll and the second line's contracted hours, used or not; allowances and training per person paid).
  // The MKBA (experiment/Mkba.cpp) values them against the reference.
  o[Outcome::cost_total] = o[Outcome::cost_professional] + o[Outcome::cost_secondline] + o[Outcome::cost_allowances] + o[Outcome::cost_training];
}

namespace {
// The group indices group_outcomes() computes: income 0-2, household type 3-6, ties at the start 7-9, arrival 10-11.
constexpr bool resident_groups_agree() {
  for (std::size_t i = 0; i < kIncomeNames.size(); ++i)
    if (kResidentGroups[i].dimension != "income" || kResidentGroups[i].group != kIncomeNames[i]) return false;
  for (std::size_t i = 0; i < kHouseholdNames.size(); ++i)
    if (kResidentGroups[3 + i].dimension != "household" || kResidentGroups[3 + i].group != kHouseholdNames[i]) return false;
  return kIncomeNames.size() == 3 && kHouseholdNames.size() == 4 && kResidentGroups[7].dimension == "start_ties" &&
         kResidentGroups[9].dimension == "start_ties" && kResidentGroups[10].dimension == "arrival" && kResidentGroups[11].group == "newcomer";
}
}  // namespace

GroupTable group_outcomes(const Simulation& sim, const std::vector<std::uint16_t>& initial_ties, const std::vector<float>& initial_self_reliance,
                          const std::vector<std::uint16_t>& initial_age) {
  const auto& pop = sim.population();
  const float thr = static_cast<float>(sim.params().events_in_need_threshold);
  GroupTable t;
  static_assert(resident_groups_agree(), "GroupOutcomes.h: kResidentGroups disagrees with the income and household codes or the group indices below");
  for (const ResidentGroup& g : kResidentGroups) t.labels.push_back(fmt::format("{}:{}", g.dimension, g.group));
  const std::size_t G = t.labels.size();
  for (auto& col : t.values) col.assign(G, 0.0);
  // Members of each group by whom a value is a mean over (GroupOver): residents, adults, stayers.
  std::array<std::vector<double>, 3> members;
  for (auto& m : members) m.assign(G, 0.0);
  const int weeks = std::max(0, sim.week());
  for (std::size_t i = 0; i < pop.size; ++i) {
    if (!pop.present(i)) continue;  // an empty place
    // The same resident as at week 0: its age has grown by exactly the weeks since (ages stop at 120 years); without
    // demography nobody ages, moves or dies, so everyone there at week 0 is.
    const bool stayer = initial_age[i] != kVacantAge && (!sim.params().demography_enabled || pop.age_weeks[i] == std::min(initial_age[i] + weeks, 52 * 120));
    // A newcomer moved in since week 0 (births are recorded as arriving at -1; movers at the tick they came).
    const bool newcomer = pop.arrived[i] >= sim.burn_in();
    GroupResident r;
    for (int d = 0; d < kDomains; ++d) r.in_need |= pop.need[d][i] >= thr;
    r.social_need = pop.need[Social][i];
    r.self_reliance = pop.self_reliance[i];
    r.self_reliance_gain = stayer ? pop.self_reliance[i] - initial_self_reliance[i] : 0.0;
    r.active_ties = pop.active_ties[i];
    const bool adult = pop.age[i] != AgeGroup::Child;
    const std::size_t t0 = initial_ties[i];
    const std::size_t groups[4] = {static_cast<std::size_t>(pop.income[i]), 3 + static_cast<std::size_t>(pop.household_type[i]),
                                   7 + (t0 <= 2   ? 0u
                                        : t0 <= 5 ? 1u
                                                  : 2u),
                                   stayer     ? 10u
                                   : newcomer ? 11u
                                              : G};
    for (std::size_t g : groups) {
      if (g >= G || (g >= 7 && g < 10 && !stayer)) continue;  // the start_ties groups count stayers only
      members[static_cast<int>(GroupOver::residents)][g] += 1;
      members[static_cast<int>(GroupOver::adults)][g] += adult;
      members[static_cast<int>(GroupOver::stayers)][g] += stayer;
      for (std::size_t k = 0; k < kGroupOutcomeSpecs.size(); ++k) {
        const auto& s = kGroupOutcomeSpecs[k];
        const bool member = s.over == GroupOver::adults ? adult : s.over == GroupOver::stayers ? stayer : true;
        if (member) t.values[k][g] += s.value(r);
      }
    }
  }
  for (std::size_t k = 0; k < kGroupOutcomeSpecs.size(); ++k) {
    const GroupOver over = kGroupOutcomeSpecs[k].over;
    if (over == GroupOver::count) continue;
    for (std::size_t g = 0; g < G; ++g) {
      const double n = members[static_cast<int>(over)][g];
      // A mean over stayers in a group without any (newcomers) is NaN; other means over an empty group read 0.
      t.values[k][g] = n > 0.0 ? t.values[k][g] / n : over == GroupOver::stayers ? std::nan("") : 0.0;
    }
  }
  return t;
}

}  // namespace buurt
