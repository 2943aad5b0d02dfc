#include "buurt/behaviour/Needs.h"

#include <algorithm>
#include <array>

#include "buurt/core/detail/Phase.h"

namespace buurt::phase {

void life_events(WeekContext& ctx) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  if (!p.events_enabled) return;
  const std::array<double, kDomains> onset = {p.events_income_onset, p.events_health_onset, p.events_mental_onset, p.events_social_onset,
                                              p.events_household_onset};
  const std::array<double, kDomains> recovery = {p.events_income_recovery, p.events_health_recovery, p.events_mental_recovery, p.events_social_recovery,
                                                 p.events_household_recovery};
  const float thr = static_cast<float>(p.events_in_need_threshold);
  const float shock = static_cast<float>(p.events_shock_size);
  const float spill = p.events_cascades ? static_cast<float>(p.events_cascade_strength * p.events_shock_size) : 0.0f;
  // One resident's week; u and v are its two Events draws, `recovering` gives its Recovery draw.
  auto resident = [&](std::size_t i, const std::array<double, 4>& u, const std::array<double, 4>& v, DrawCursor& recovering) {
    const std::array<double, kDomains> uo = {u[0], u[1], u[2], u[3], v[0]};
    // Recovery draws are only read for domains in need; most residents have none, so skip the draw.
    bool any_in_need = false;
    for (int d = 0; d < kDomains; ++d) any_in_need |= pop.need[d][i] >= thr;
    const auto r = any_in_need ? recovering.uniforms(i) : std::array<double, 4>{1.0, 1.0, 1.0, 1.0};
    const std::array<double, kDomains> ur = {r[0], r[1], r[2], r[3], v[1]};
    const bool poor = pop.income[i] != IncomeGroup::Middle;
    const bool elderly = pop.age[i] == AgeGroup::Elderly;
    const double child = pop.age[i] == AgeGroup::Child ? 0.3 : 1.0;  // assumption: children carry fewer own shocks
    std::array<float, kDomains> add{};
    for (int d = 0; d < kDomains; ++d) {
      float& need = pop.need[d][i];
      if (need >= thr) {
        // Loneliness does not pass by itself without anyone to be in touch with.
        const double rec = elderly && (d == Health || d == HouseholdCare) ? recovery[d] * p.events_elderly_recovery_factor : recovery[d];
        // Loneliness passes through contact (loneliness_from_contact), not by itself.
        if (d == Social && p.loneliness_from_contact) continue;
        if (ur[d] < rec && (d != Social || pop.active_ties[i] > 0)) {
          need = 0.0f;
          pop.skill[d][i] = std::max(pop.skill[d][i], static_cast<float>(p.helping_skill_lived_experience));
        }
        continue;
      }
      double rate = onset[d] * child;
      if (poor && (d == Income || d == Mental)) rate *= p.events_low_income_multiplier;
      if (elderly && (d == Health || d == Social)) rate *= p.events_elderly_multiplier;
      if (uo[d] < rate) {
        add[d] += shock;
        switch (d) {
          case Income:
            add[Mental] += spill;
            add[HouseholdCare] += spill;
            break;
          case Health:
            add[HouseholdCare] += spill;
            add[Mental] += 0.5f * spill;
            break;
          case Social: add[Mental] += spill; break;
          case HouseholdCare:
            add[Income] += spill;
            add[Social] += spill;
            break;
          default: break;
        }
      }
    }
    std::uint8_t hit = 0;
    for (int d = 0; d < kDomains; ++d) {
      pop.need[d][i] = std::min(1.0f, pop.need[d][i] + add[d]);
      if (add[d] > 0.0f) hit |= static_cast<std::uint8_t>(1u << d);
    }
    pop.shocks[i] = hit;
    // Lasting poverty isolates ([seed004]).
    if (pop.need[Income][i] >= thr)
      pop.poverty_weeks[i] = static_cast<std::uint16_t>(std::min(60000, pop.poverty_weeks[i] + 1));
    else
      pop.poverty_weeks[i] = 0;
    if (p.events_poverty_loneliness && pop.poverty_weeks[i] >= p.events_poverty_weeks)
      pop.need[Social][i] = std::min(1.0f, pop.need[Social][i] + static_cast<float>(p.events_poverty_loneliness_rate));
  };
  par::for_chunks(pop.size, detail::kGrain, [&](std::size_t begin, std::size_t end) {
    DrawCursor events0(ctx.rng, ctx.tick, Stream::Events, 0, end), events1(ctx.rng, ctx.tick, Stream::Events, 1, end);
    DrawCursor recovering(ctx.rng, ctx.tick, Stream::Recovery, 0, end);
    for (std::size_t i = begin; i != end; ++i)
      if (pop.present(i)) resident(i, events0.uniforms(i), events1.uniforms(i), recovering);  // nothing in an empty place
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
