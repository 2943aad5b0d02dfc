#include "buurt/behaviour/Adaptation.h"

#include <algorithm>

#include "buurt/week/Phase.h"

namespace buurt::phase {

namespace {

/// x += rate * (level - x) on [begin, end), where the resident is not a team case when `stage` is given.
void relax_to(float* __restrict x, const float* __restrict level, std::size_t begin, std::size_t end, float rate, const TeamStage* __restrict stage = nullptr) {
  if (!stage) {
    for (std::size_t i = begin; i != end; ++i) x[i] += rate * (level[i] - x[i]);
    return;
  }
  for (std::size_t i = begin; i != end; ++i) {
    const float moved = x[i] + rate * (level[i] - x[i]);  // computed for all, kept for some: a select, no branch
    x[i] = stage[i] != TeamStage::Case ? moved : x[i];
  }
}

}  // namespace

void adaptation(WeekContext& ctx) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  if (!p.adaptation_enabled) return;
  const float thr = static_cast<float>(p.events_in_need_threshold);
  const float growth = static_cast<float>(p.adaptation_growth), erosion = static_cast<float>(p.adaptation_erosion);
  const float trust_gain = static_cast<float>(p.adaptation_trust_gain), relax = static_cast<float>(p.adaptation_relax_rate);
  const float dep_relax = static_cast<float>(p.adaptation_dependency_relax);
  const float sr_relax = static_cast<float>(p.adaptation_self_reliance_relax), skill_fade = static_cast<float>(p.helping_skill_fade);
  // Per resident: what changed this week (needs solved or not, help from whom) moves self-reliance, trust
  // and lived experience.
  auto changes = [&](std::size_t i) {
    const auto src = static_cast<HelpSource>(pop.help_source[i]);
    const bool informal = detail::is_informal(src);
    float& sr = pop.self_reliance[i];
    bool in_need = false;
    // Self-reliance is about practical problems one can solve or ask help for; loneliness follows contact
    // (phase 8) and neither builds nor erodes it.
    for (int d = 0; d < kDomains; ++d) {
      const bool was = (pop.need_mask[i] >> d) & 1u;
      const bool now = pop.need[d][i] >= thr;
      const bool practical = d != Social;
      in_need |= now && practical;
      if (was && !now) {
        pop.skill[d][i] = std::max(pop.skill[d][i], static_cast<float>(p.helping_skill_lived_experience));
        if (practical && (src == HelpSource::None || informal)) sr += growth * (1.0f - sr);
      }
    }
    if (informal) pop.trust_neighbours[i] += trust_gain * (1.0f - pop.trust_neighbours[i]);
    if (in_need && src == HelpSource::None) sr = std::max(0.0f, sr - erosion);
  };
  // Then the slow return of every resident to its own level, array by array (loops the compiler turns into
  // vector code; each value sees the same operations in the same order as in one loop per resident).
  par::for_chunks(pop.size, detail::kGrain, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i != end; ++i) changes(i);
    // Lived experience goes out of date: skill above the resident's own base fades back (helping.skill_fade).
    for (int d = 0; d < kDomains; ++d) {
      float* __restrict skill = pop.skill[d].data();
      const std::uint8_t* __restrict own = pop.skill_base[d].data();
      for (std::size_t i = begin; i != end; ++i) {
        const float base = static_cast<float>(own[i]) / 255.0f, s = skill[i], faded = s - skill_fade * (s - base);
        skill[i] = s > base ? faded : s;
      }
    }
    // Gains and losses fade over years: self-reliance has a level (the resident's own), not a drift.
    relax_to(pop.self_reliance.data(), pop.self_reliance_trait.data(), begin, end, sr_relax);
    // Without the team's case work, habits formed with professionals fade: dependency (kept up only by the
    // team taking problems over) to none, within a year; self-direction, trust in neighbours and in
    // professionals (won by closed cases, lost by waiting) and shame back to the resident's own trait, more slowly.
    const TeamStage* __restrict stage = pop.team_state.data();
    float* __restrict dep = pop.dependency.data();
    for (std::size_t i = begin; i != end; ++i) {
      const float faded = dep[i] - dep_relax * dep[i];
      dep[i] = stage[i] != TeamStage::Case ? faded : dep[i];
    }
    relax_to(pop.self_direction.data(), pop.self_direction_trait.data(), begin, end, relax, stage);
    relax_to(pop.trust_neighbours.data(), pop.trust_neighbours_trait.data(), begin, end, relax, stage);
    relax_to(pop.trust_professionals.data(), pop.trust_professionals_trait.data(), begin, end, relax, stage);
    relax_to(pop.shame.data(), pop.shame_trait.data(), begin, end, relax, stage);
  });
}

}  // namespace buurt::phase
