#include "buurt/behaviour/Needs.h"

#include <algorithm>
#include <array>

#include "buurt/week/Phase.h"

namespace buurt::phase {

namespace {

/// One need domain's rates for life_events.
struct DomainRates {
  double onset, recovery, elderly_recovery;  ///< per week; elderly_recovery: the elderly's recovery rate
  double poor_factor, elderly_factor;        ///< onset multipliers (1 where a group's rate is not raised)
  float threshold, lived;                    ///< in-need threshold; skill from lived experience
  bool recovers, needs_contact;              ///< natural recovery at all; only with an active tie
};

/// Places [i0, i0 + m), one domain: natural recovery of residents in need (need to 0, skill from lived
/// experience) and whether a shock hits the others (hit[j] = 1). uo and ur are the onset and recovery draws'
/// words. Every outcome is computed and one kept, in a loop that becomes vector code; an empty place keeps
/// its values and is never hit. (Arrays as separate arguments: GCC 12 does not vectorize them from a struct.)
BUURT_VECTOR_CLONES
void domain_block(float* __restrict need, float* __restrict skill, std::uint8_t* __restrict hit, const std::uint16_t* __restrict age_weeks,
                  const AgeGroup* __restrict age, const IncomeGroup* __restrict income, const std::uint16_t* __restrict ties,
                  const std::uint32_t* __restrict uo, const std::uint32_t* __restrict ur, std::size_t i0, std::size_t m, const DomainRates& rates) {
  const DomainRates r = rates;
  for (std::size_t j = 0; j < m; ++j) {
    const std::size_t i = i0 + j;
    const bool present = age_weeks[i] != kVacantAge;
    const float nd = need[i];
    const bool in_need = nd >= r.threshold;
    const bool elderly = age[i] == AgeGroup::Elderly, poor = income[i] != IncomeGroup::Middle;
    const double child = age[i] == AgeGroup::Child ? 0.3 : 1.0;  // assumption: children carry fewer own shocks
    const double rec = elderly ? r.elderly_recovery : r.recovery;
    const bool recovered = present & in_need & r.recovers & (Rng::to_unit(ur[j]) < rec) & ((!r.needs_contact) | (ties[i] > 0));
    double rate = r.onset * child;
    rate = poor ? rate * r.poor_factor : rate;
    rate = elderly ? rate * r.elderly_factor : rate;
    hit[j] = static_cast<std::uint8_t>(present & (!in_need) & (Rng::to_unit(uo[j]) < rate));
    need[i] = recovered ? 0.0f : nd;
    skill[i] = recovered ? std::max(skill[i], r.lived) : skill[i];
  }
}

/// The shocks of life_events and what follows from them.
struct ShockRates {
  float shock, spill, threshold, poverty_rate;  ///< poverty_rate: 0 without events.poverty_loneliness
  std::int32_t poverty_weeks;
};

/// Places [i0, i0 + m): the shocks hit[d] with their cascades (added in the order domain by domain, shock
/// before spill, as one resident at a time would), the week's shock mask, the weeks in poverty and the
/// loneliness lasting poverty brings. An empty place keeps its values (all zero, from clear_resident).
BUURT_VECTOR_CLONES
void shock_block(float* __restrict n0, float* __restrict n1, float* __restrict n2, float* __restrict n3, float* __restrict n4,
                 const std::uint8_t* __restrict h0, const std::uint8_t* __restrict h1, const std::uint8_t* __restrict h2, const std::uint8_t* __restrict h3,
                 const std::uint8_t* __restrict h4, std::uint8_t* __restrict shocks, std::uint16_t* __restrict poverty_weeks,
                 const std::uint16_t* __restrict age_weeks, std::size_t i0, std::size_t m, const ShockRates& rates) {
  const ShockRates r = rates;
  const float shock = r.shock, spill = r.spill, half = 0.5f * r.spill;
  for (std::size_t j = 0; j < m; ++j) {
    const std::size_t i = i0 + j;
    const bool present = age_weeks[i] != kVacantAge;
    // Income: its own shock, then household care's spill. Health: its own. Mental: income's and health's
    // spills, its own shock, social's spill. Social: its own, household care's spill. Household care:
    // income's and health's spills, its own shock.
    const float a0 = (0.0f + (h0[j] ? shock : 0.0f)) + (h4[j] ? spill : 0.0f);
    const float a1 = 0.0f + (h1[j] ? shock : 0.0f);
    const float a2 = (((0.0f + (h0[j] ? spill : 0.0f)) + (h1[j] ? half : 0.0f)) + (h2[j] ? shock : 0.0f)) + (h3[j] ? spill : 0.0f);
    const float a3 = (0.0f + (h3[j] ? shock : 0.0f)) + (h4[j] ? spill : 0.0f);
    const float a4 = ((0.0f + (h0[j] ? spill : 0.0f)) + (h1[j] ? spill : 0.0f)) + (h4[j] ? shock : 0.0f);
    const float o0 = n0[i], o1 = n1[i], o2 = n2[i], o3 = n3[i], o4 = n4[i];
    const std::int32_t old_weeks = poverty_weeks[i];
    const float income = std::min(1.0f, o0 + a0);
    const std::uint32_t mask = (a0 > 0.0f ? 1u : 0u) | (a1 > 0.0f ? 2u : 0u) | (a2 > 0.0f ? 4u : 0u) | (a3 > 0.0f ? 8u : 0u) | (a4 > 0.0f ? 16u : 0u);
    // Lasting poverty isolates ([seed004]).
    const std::int32_t weeks = income >= r.threshold ? std::min(60000, old_weeks + 1) : 0;
    const float social = std::min(1.0f, o3 + a3);
    const float isolated = weeks >= r.poverty_weeks ? std::min(1.0f, social + r.poverty_rate) : social;
    n0[i] = present ? income : o0;
    n1[i] = present ? std::min(1.0f, o1 + a1) : o1;
    n2[i] = present ? std::min(1.0f, o2 + a2) : o2;
    n3[i] = present ? isolated : o3;
    n4[i] = present ? std::min(1.0f, o4 + a4) : o4;
    // An empty place is never hit, so its mask is 0: what clear_resident left there (a select with the old
    // value would keep GCC 12 from vectorizing the loop).
    shocks[i] = static_cast<std::uint8_t>(mask);
    poverty_weeks[i] = static_cast<std::uint16_t>(present ? weeks : old_weeks);
  }
}

}  // namespace

// Life events a block of places at a time: the onset and recovery draws (recovery only where someone in the
// block is in need), each domain's recoveries and shocks, then the cascades, all as array loops.
void life_events(WeekContext& ctx) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  if (!p.events_enabled) return;
  const std::array<double, kDomains> onset = {p.events_income_onset, p.events_health_onset, p.events_mental_onset, p.events_social_onset,
                                              p.events_household_onset};
  const std::array<double, kDomains> recovery = {p.events_income_recovery, p.events_health_recovery, p.events_mental_recovery, p.events_social_recovery,
                                                 p.events_household_recovery};
  const float thr = static_cast<float>(p.events_in_need_threshold);
  std::array<DomainRates, kDomains> rates{};
  for (int d = 0; d < kDomains; ++d) {
    auto& r = rates[static_cast<std::size_t>(d)];
    r.onset = onset[static_cast<std::size_t>(d)];
    r.recovery = recovery[static_cast<std::size_t>(d)];
    r.elderly_recovery = d == Health || d == HouseholdCare ? r.recovery * p.events_elderly_recovery_factor : r.recovery;
    r.poor_factor = d == Income || d == Mental ? p.events_low_income_multiplier : 1.0;  // times 1 is exact
    r.elderly_factor = d == Health || d == Social ? p.events_elderly_multiplier : 1.0;
    r.threshold = thr;
    r.lived = static_cast<float>(p.helping_skill_lived_experience);
    // Loneliness passes through contact (loneliness_from_contact), not by itself; without that mechanism it
    // does not pass by itself without anyone to be in touch with.
    r.recovers = !(d == Social && p.loneliness_from_contact);
    r.needs_contact = d == Social;
  }
  const float shock = static_cast<float>(p.events_shock_size);
  const ShockRates sr{shock, p.events_cascades ? static_cast<float>(p.events_cascade_strength * p.events_shock_size) : 0.0f, thr,
                      p.events_poverty_loneliness ? static_cast<float>(p.events_poverty_loneliness_rate) : 0.0f,
                      static_cast<std::int32_t>(std::min<std::int64_t>(p.events_poverty_weeks, 60001))};
  par::for_chunks(pop.size, detail::kGrain, [&](std::size_t begin, std::size_t end) {
    RngBlock events0, events1, recovering{};
    std::array<std::array<std::uint8_t, RngBlock::kSize>, kDomains> hit;
    for (std::size_t i0 = begin; i0 < end; i0 += RngBlock::kSize) {
      const std::size_t m = std::min<std::size_t>(RngBlock::kSize, end - i0);
      const auto first = static_cast<std::uint32_t>(i0);
      ctx.rng.block(first, m, ctx.tick, Stream::Events, 0, events0);
      ctx.rng.block(first, m, ctx.tick, Stream::Events, 1, events1);
      // Recovery draws are only read for domains in need; where nobody in the block is, skip them.
      bool any_in_need = false;
      for (std::size_t i = i0; i != i0 + m && !any_in_need; ++i)
        for (int d = 0; d < kDomains; ++d) any_in_need |= pop.present(i) && pop.need[d][i] >= thr;
      if (any_in_need) ctx.rng.block(first, m, ctx.tick, Stream::Recovery, 0, recovering);
      for (int d = 0; d < kDomains; ++d) {
        const auto k = static_cast<std::size_t>(d);
        const std::uint32_t* uo = d < 4 ? events0.w[k].data() : events1.w[0].data();
        const std::uint32_t* ur = d < 4 ? recovering.w[k].data() : events1.w[1].data();
        domain_block(pop.need[k].data(), pop.skill[k].data(), hit[k].data(), pop.age_weeks.data(), pop.age.data(), pop.income.data(), pop.active_ties.data(),
                     uo, ur, i0, m, rates[k]);
      }
      shock_block(pop.need[0].data(), pop.need[1].data(), pop.need[2].data(), pop.need[3].data(), pop.need[4].data(), hit[0].data(), hit[1].data(),
                  hit[2].data(), hit[3].data(), hit[4].data(), pop.shocks.data(), pop.poverty_weeks.data(), pop.age_weeks.data(), i0, m, sr);
    }
  });
}

void self_help(WeekContext& ctx) {
  Population& pop = ctx.pop;
  if (!ctx.p.selfhelp_enabled) return;
  const float rate = static_cast<float>(ctx.p.selfhelp_rate), care = static_cast<float>(ctx.p.selfhelp_care_factor);
  if (rate <= 0.0f) return;
  // Domain by domain over a chunk, as plain array loops the compiler turns into vector code: each need
  // sees the same operations as detail::reduce_need one resident at a time.
  par::for_chunks(pop.size, detail::kGrain, [&](std::size_t begin, std::size_t end) {
    const float* __restrict reliance = pop.self_reliance.data();
    const float* __restrict dependency = pop.dependency.data();
    for (int d = 0; d < kDomains; ++d) {
      if (d == Social) continue;                               // loneliness is relieved by contact (tie dynamics), not alone
      const bool chronic = d == Health || d == HouseholdCare;  // chronic conditions stay
      float* __restrict need = pop.need[d].data();
      for (std::size_t i = begin; i != end; ++i) {
        const float gain = rate * reliance[i] * (1.0f - 0.5f * dependency[i]);
        const float g = chronic ? gain * care : gain;
        const float left = std::max(0.0f, need[i] - g);
        need[i] = left < detail::kResolved ? 0.0f : left;
      }
    }
  });
}

}  // namespace buurt::phase
