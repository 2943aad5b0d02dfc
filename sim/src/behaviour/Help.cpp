#include "buurt/behaviour/Help.h"

#include <algorithm>
#include <atomic>
#include <cmath>

#include "buurt/week/Phase.h"

namespace buurt::phase {
namespace {

using detail::for_each_index;
using detail::for_each_of;

void atomic_max(std::uint64_t& slot, std::uint64_t value) {
  std::atomic_ref<std::uint64_t> a(slot);
  std::uint64_t cur = a.load(std::memory_order_relaxed);
  while (cur < value && !a.compare_exchange_weak(cur, value, std::memory_order_relaxed)) {
  }
}

bool is_volunteer(const Population& pop, std::size_t i) { return pop.has(i, kVolunteer) || pop.has(i, kCommunityManager); }

}  // namespace

void VolunteerPool::build(const WeekContext& ctx) {
  const Population& pop = ctx.pop;
  const std::size_t blocks = pop.blocks;
  begin_.assign(blocks + 1, 0);
  list_.clear();
  std::vector<std::uint32_t> count(blocks, 0);
  for (std::size_t i = 0; i < pop.size; ++i)
    if (is_volunteer(pop, i)) ++count[ctx.block_of(i)];
  for (std::size_t b = 0; b < blocks; ++b) begin_[b + 1] = begin_[b] + count[b];
  if (begin_[blocks] == 0) {
    begin_.clear();
    return;
  }
  list_.resize(begin_[blocks]);
  std::vector<std::uint32_t> fill(begin_.begin(), begin_.end() - 1);
  for (std::size_t i = 0; i < pop.size; ++i)
    if (is_volunteer(pop, i)) list_[fill[ctx.block_of(i)]++] = static_cast<std::uint32_t>(i);
}

void asking(WeekContext& ctx, const VolunteerPool& volunteers) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  const bool enabled = p.asking_enabled;
  // One adult's decision whether and what to ask this week.
  auto ask = [&](std::size_t i) {
    // Care needs (health, household care) are met by household and kin week after week without
    // asking: informal care (mantelzorg) is given, not requested, so shame plays no part.
    const int care_domain = pop.need[Health][i] >= pop.need[HouseholdCare][i] ? Health : HouseholdCare;
    // Residents ask for practical help; loneliness is not something one asks a helper to take away (it
    // follows contact, phase 8), so it never becomes the request.
    int top = 0;
    for (int d = 1; d < kDomains; ++d)
      if (d != Social && pop.need[d][i] > pop.need[top][i]) top = d;
    // With the care circle, care starts at `care.threshold` (given, not asked); without it, at the
    // resident's own asking threshold.
    const float care_from = p.care_circle ? static_cast<float>(p.care_threshold) : pop.threshold[i];
    if (pop.need[care_domain][i] >= care_from) {
      pop.ask_channel[i] = AskChannel::Care;
      top = care_domain;
    } else {
      const float need = pop.need[top][i];
      if (need < pop.threshold[i]) return;
      // Dependency on professionals makes residents less inclined to turn to their own network.
      const double drive = p.asking_base_probability * (0.5 + 0.5 * pop.self_direction[i]);
      // Trust in neighbours makes asking them easier (adaptation.trust_acts).
      const double trust = p.adaptation_trust_acts ? 0.5 + pop.trust_neighbours[i] : 1.0;
      const double p_ties = std::min(1.0, drive * (1.0 - pop.shame[i]) * (1.0 - 0.5 * pop.dependency[i]) * trust);
      // A volunteer with lived experience nearby is a lower threshold ([seed000]).
      const bool volunteers_near = volunteers.count(ctx.block_of(i)) > 0;
      const double p_vol = volunteers_near ? drive * (1.0 - pop.shame[i] * (1.0 - p.volunteers_reluctance_reduction)) : 0.0;
      const double u = ctx.rng.uniforms(static_cast<std::uint32_t>(i), ctx.tick, Stream::Ask)[0];
      if (u < p_ties)
        pop.ask_channel[i] = AskChannel::Ties;
      else if (u < p_vol)
        pop.ask_channel[i] = AskChannel::Volunteers;
      else
        return;
    }
    const float need = pop.need[top][i];
    pop.ask_domain[i] = static_cast<std::int8_t>(top);
    const double care = (top == Health || top == HouseholdCare) ? p.asking_care_hours_factor : 1.0;
    pop.ask_hours[i] = need * static_cast<float>(p.asking_hours_per_need * care);
  };
  const float household_hours = static_cast<float>(p.helping_household_hours);
  // The week's help starts afresh: array by array (loops the compiler turns into fills and vector code), then
  // each resident's decision whether and what to ask.
  par::for_chunks(pop.size, detail::kGrain, [&](std::size_t begin, std::size_t end) {
    const auto b = static_cast<std::ptrdiff_t>(begin), e = static_cast<std::ptrdiff_t>(end);
    std::fill(pop.ask_domain.begin() + b, pop.ask_domain.begin() + e, std::int8_t{-1});
    std::fill(pop.ask_channel.begin() + b, pop.ask_channel.begin() + e, AskChannel::None);
    std::fill(pop.helper.begin() + b, pop.helper.begin() + e, kNone);
    std::fill(pop.help_entry.begin() + b, pop.help_entry.begin() + e, kNone);
    std::fill(pop.hours_received.begin() + b, pop.hours_received.begin() + e, 0.0f);
    std::fill(pop.hours_given.begin() + b, pop.hours_given.begin() + e, 0.0f);
    std::fill(pop.hours_returned.begin() + b, pop.hours_returned.begin() + e, 0.0f);
    std::fill(pop.tried.begin() + b, pop.tried.begin() + e, 0);
    std::fill(pop.help_source.begin() + b, pop.help_source.begin() + e, std::uint8_t{0});
    for (std::size_t i = begin; i != end; ++i) {
      const float rested = 1.0f - pop.fatigue[i], budget = pop.budget[i] * rested, home = household_hours * rested;
      pop.remaining[i] = pop.has(i, kWilling) ? budget : 0.0f;
      pop.household_remaining[i] = pop.age[i] == AgeGroup::Child ? 0.0f : home;
    }
    if (enabled)
      for (std::size_t i = begin; i != end; ++i)
        if (pop.age[i] != AgeGroup::Child) ask(i);
  });
}

// Each round every unmatched asker proposes to its best untried candidate (a tie, or the block's
// volunteer for this round); a helper takes the proposal with the highest key (round stamp, need, then
// a keyed hash), which an atomic max finds whatever the thread order. Winners take hours; losers try
// their next candidate in the next round.
void Matching::week(WeekContext& ctx, const VolunteerPool& volunteers) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  const Network& net = ctx.net;
  if (!p.asking_enabled) return;
  constexpr std::uint32_t kVolunteerSlot = 63;  // bit of `tried` for the volunteer candidate
  const int rounds = static_cast<int>(p.asking_rounds);
  const double owe_scale = p.asking_owe_scale;
  const bool circle = p.care_circle;  // care receivers were served by their circle
  const std::uint32_t tick = ctx.tick;
  prop_helper_.assign(pop.size, kNone);
  prop_entry_.assign(pop.size, kNone);
  // Those who ask: every other resident has nothing to propose.
  const std::vector<std::uint32_t> askers =
      detail::those(pop.size, [&](std::size_t i) { return pop.ask_domain[i] >= 0 && !(circle && pop.ask_channel[i] == AskChannel::Care); });
  for (int round = 0; round < rounds; ++round) {
    const std::uint64_t stamp = static_cast<std::uint64_t>(tick) * static_cast<std::uint64_t>(rounds) + static_cast<std::uint64_t>(round) + 1;
    // Ties between equal needs go to a random asker: the low bits of the key are the asker's index xor a
    // salt drawn for this week and round (a bijection, so the winner is unique and identifiable).
    const std::uint32_t salt = ctx.rng.words(static_cast<std::uint32_t>(round), tick, Stream::Priority)[0];
    for_each_of(askers, [&](std::uint32_t i) {
      prop_helper_[i] = kNone;
      const int d = pop.ask_domain[i];
      const AskChannel channel = pop.ask_channel[i];
      if (pop.helper[i] != kNone) return;
      double best = 0.0;
      std::uint32_t best_k = kNone, best_j = kNone;
      if (channel == AskChannel::Ties || channel == AskChannel::Care) {
        const std::uint32_t begin = net.row_begin[i], end = net.row_begin[i + 1];
        for (std::uint32_t k = begin; k < end; ++k) {
          const std::uint32_t j = net.other[k];
          if (j == kNone || !net.active(net.edge[k])) continue;
          const std::uint32_t slot = k - begin;
          if (slot < kVolunteerSlot && (pop.tried[i] >> slot & 1u)) continue;
          const std::uint32_t e = net.edge[k];
          const bool home = net.kind[e] == TieKind::Household;
          if (channel == AskChannel::Care && !home && net.kind[e] != TieKind::Kin) continue;  // care: household and kin
          if (pop.remaining[j] + (home ? pop.household_remaining[j] : 0.0f) < 0.25f) continue;
          // Residents avoid asking where they already owe much ([seed001]).
          // Beyond ten times less attractive (owed > owe_scale * ln 10) they do not ask at all.
          const double owed = std::max(0.0f, -net.balance_of(e, static_cast<std::uint32_t>(i)));
          const double reluctance = owed > 0.0 ? std::exp(-owed / owe_scale) : 1.0;
          if (reluctance < 0.1) continue;
          const double score = (0.2 + pop.skill[d][j]) * (0.5 + net.strength[e]) * reluctance;
          if (score > best) {
            best = score;
            best_k = k;
            best_j = j;
          }
        }
      }
      // The block's volunteers: one candidate per round, drawn at random.
      const std::uint32_t blk = ctx.block_of(i);
      const std::uint32_t count = volunteers.count(blk);
      if (channel != AskChannel::Care && !(pop.tried[i] >> kVolunteerSlot & 1u) && count > 0) {
        const std::uint32_t pick = ctx.rng.words(static_cast<std::uint32_t>(i), tick, Stream::Priority, static_cast<std::uint32_t>(round) + 1)[0];
        const std::uint32_t v = volunteers.at(blk, pick % count);
        if (v != i && pop.remaining[v] >= 0.25f && net.find(static_cast<std::uint32_t>(i), v) == kNone) {
          const double score = (0.2 + pop.skill[d][v]) * 1.0;
          if (score > best) {
            best = score;
            best_k = kNone;
            best_j = v;
          }
        }
      }
      if (best_j == kNone) return;
      prop_helper_[i] = best_j;
      prop_entry_[i] = best_k;
      const std::uint64_t q = static_cast<std::uint64_t>(pop.need[d][i] * 32767.0f);
      const std::uint64_t key = (stamp << 47) | (q << 32) | (static_cast<std::uint32_t>(i) ^ salt);
      atomic_max(offer_[best_j], key);
    });
    for_each_of(askers, [&](std::uint32_t i) {
      const std::uint32_t j = prop_helper_[i];
      if (j == kNone) return;
      const std::uint64_t won = offer_[j];
      if ((won >> 47) == stamp && static_cast<std::uint32_t>(won) == (static_cast<std::uint32_t>(i) ^ salt)) {
        // Unique winner for helper j this round: the only writer of j's remaining hours.
        // Help within the household draws first on the household hours (mantelzorg at home).
        const bool home = pop.household[i] == pop.household[j];
        const float home_hours = home ? std::min(pop.ask_hours[i], pop.household_remaining[j]) : 0.0f;
        const float hours = home_hours + std::min(pop.ask_hours[i] - home_hours, pop.remaining[j]);
        pop.household_remaining[j] -= home_hours;
        pop.remaining[j] -= hours - home_hours;
        pop.hours_received[i] = hours;
        pop.helper[i] = j;
        pop.help_entry[i] = prop_entry_[i];
      } else {
        const std::uint32_t k = prop_entry_[i];
        const std::uint32_t slot = k == kNone ? kVolunteerSlot : k - net.row_begin[i];
        if (slot <= kVolunteerSlot) pop.tried[i] |= (std::uint64_t{1} << slot);
      }
    });
  }
}

void helping(WeekContext& ctx) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  Network& net = ctx.net;
  if (!p.asking_enabled) return;
  const float effect = static_cast<float>(p.helping_effect);
  const float gain = p.ties_dynamics ? static_cast<float>(p.ties_contact_gain) : 0.0f;
  const bool circle = p.care_circle;  // circle care was given, and its ties updated, by the care circle
  auto by_circle = [&](std::size_t i) { return circle && pop.ask_channel[i] == AskChannel::Care; };
  // The helped: only askers have a helper (asking reset every other resident's).
  const std::vector<std::uint32_t> helped =
      detail::those(pop.size, [&](std::size_t i) { return pop.ask_domain[i] >= 0 && pop.helper[i] != kNone && !by_circle(i); });
  for_each_of(helped, [&](std::uint32_t i) {
    const std::uint32_t j = pop.helper[i];
    const int d = pop.ask_domain[i];
    const float care = (d == Health || d == HouseholdCare) ? static_cast<float>(p.helping_care_effect_factor) : 1.0f;
    detail::reduce_need(pop.need[d][i], effect * care * pop.skill[d][j] * pop.hours_received[i]);
    const std::uint32_t k = pop.help_entry[i];
    const HelpSource src = k != kNone                      ? detail::source_of(net.kind[net.edge[k]])
                           : pop.has(j, kCommunityManager) ? HelpSource::CommunityManager
                                                           : HelpSource::Volunteer;
    pop.help_source[i] = static_cast<std::uint8_t>(src);
  });
  // A tie is used at most once per direction per week (one request per asker), so updating first
  // the ties where the asker has the lower index and then the others never writes one tie twice at once.
  for (int pass = 0; pass < 2; ++pass) {
    for_each_of(helped, [&](std::uint32_t i) {
      const std::uint32_t j = pop.helper[i];
      if (pop.help_entry[i] == kNone || ((i < j) != (pass == 0))) return;
      const std::uint32_t e = net.edge[pop.help_entry[i]];
      const float h = pop.hours_received[i];
      net.balance[e] += j < i ? h : -h;  // balance: hours given by a, the lower-numbered end
      net.strength[e] += gain * (1.0f - net.strength[e]);
      net.last_help[e] = static_cast<std::int32_t>(ctx.tick);
    });
  }
}

void tire(WeekContext& ctx) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  if (!p.asking_enabled) return;
  const float per_hour = static_cast<float>(p.helping_fatigue_per_hour), rec = static_cast<float>(p.helping_fatigue_recovery);
  const float sat_gain = static_cast<float>(p.helping_satisfaction_gain), sat_fade = static_cast<float>(p.helping_satisfaction_fade);
  const float sat_recovery = p.helping_satisfaction ? static_cast<float>(p.helping_satisfaction_recovery) : 0.0f;
  for_each_index(pop.size, [&](std::size_t i) {
    const float budget = pop.has(i, kWilling) ? pop.budget[i] * (1.0f - pop.fatigue[i]) - pop.remaining[i] : 0.0f;
    const float home =
        pop.age[i] == AgeGroup::Child ? 0.0f : static_cast<float>(p.helping_household_hours) * (1.0f - pop.fatigue[i]) - pop.household_remaining[i];
    const float given = budget + home;  // help, care and favours: all tire
    pop.budget_used[i] = budget;
    pop.hours_given[i] = given - pop.hours_returned[i];  // help and care (the carers' statistics)
    pop.help_streak[i] = pop.hours_given[i] > 0.01f ? static_cast<std::uint16_t>(std::min(60000, pop.help_streak[i] + 1)) : std::uint16_t{0};
    // Satisfaction: a week of giving help or care builds it, toward what fatigue leaves of it; without
    // giving it fades. Satisfied helpers bear the load better: they recover from fatigue faster.
    float& sat = pop.satisfaction[i];
    if (pop.hours_given[i] > 0.01f)
      sat += sat_gain * ((1.0f - pop.fatigue[i]) - sat);
    else
      sat -= sat_fade * sat;
    // Centred at satisfaction 0.5, so the calibrated recovery is what a helper of middling satisfaction gets.
    const float recovery = std::clamp(rec * (1.0f + sat_recovery * (sat - 0.5f)), 0.0f, 1.0f);
    pop.fatigue[i] = std::min(0.95f, pop.fatigue[i] * (1.0f - recovery) + per_hour * given);
  });
}

}  // namespace buurt::phase
