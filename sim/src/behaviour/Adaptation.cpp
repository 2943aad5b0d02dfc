#include "buurt/behaviour/Adaptation.h"

#include <algorithm>

#include "buurt/core/detail/Phase.h"

namespace buurt::phase {

void adaptation(WeekContext& ctx) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  if (!p.adaptation_enabled) return;
  const float thr = static_cast<float>(p.events_in_need_threshold);
  const float growth = static_cast<float>(p.adaptation_growth), erosion = static_cast<float>(p.adaptation_erosion);
  const float trust_gain = static_cast<float>(p.adaptation_trust_gain), relax = static_cast<float>(p.adaptation_relax_rate);
  const float dep_relax = static_cast<float>(p.adaptation_dependency_relax);
  const float sr_relax = static_cast<float>(p.adaptation_self_reliance_relax), skill_fade = static_cast<float>(p.helping_skill_fade);
  detail::for_each_index(pop.size, [&](std::size_t i) {
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
    // Lived experience goes out of date: skill above the resident's own base fades back (helping.skill_fade).
    for (int d = 0; d < kDomains; ++d) {
      const float base = static_cast<float>(pop.skill_base[d][i]) / 255.0f;
      if (pop.skill[d][i] > base) pop.skill[d][i] -= skill_fade * (pop.skill[d][i] - base);
    }
    // Gains and losses fade over years: self-reliance has a level (the resident's own), not a drift.
    sr += sr_relax * (pop.self_reliance_trait[i] - sr);
    // Without the team's case work, habits formed with professionals fade: dependency (kept up only by the
    // team taking problems over) to none, within a year; self-direction, trust in neighbours and in
    // professionals (won by closed cases, lost by waiting) and shame back to the resident's own trait, more slowly.
    if (pop.team_state[i] != TeamStage::Case) {
      pop.dependency[i] -= dep_relax * pop.dependency[i];
      pop.self_direction[i] += relax * (pop.self_direction_trait[i] - pop.self_direction[i]);
      pop.trust_neighbours[i] += relax * (pop.trust_neighbours_trait[i] - pop.trust_neighbours[i]);
      pop.trust_professionals[i] += relax * (pop.trust_professionals_trait[i] - pop.trust_professionals[i]);
      pop.shame[i] += relax * (pop.shame_trait[i] - pop.shame[i]);
    }
  });
}

}  // namespace buurt::phase
