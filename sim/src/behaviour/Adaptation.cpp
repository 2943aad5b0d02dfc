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
  const float trust_gain = static_cast<float>(p.adaptation_trust_gain);
  detail::for_each_index(pop.size, [&](std::size_t i) {
    const auto src = static_cast<HelpSource>(pop.help_source[i]);
    const bool informal = detail::is_informal(src);
    float& sr = pop.self_reliance[i];
    bool in_need = false;
    for (int d = 0; d < kDomains; ++d) {
      const bool was = (pop.need_mask[i] >> d) & 1u;
      const bool now = pop.need[d][i] >= thr;
      in_need |= now;
      if (was && !now) {
        pop.skill[d][i] = std::max(pop.skill[d][i], static_cast<float>(p.helping_skill_lived_experience));
        if (src == HelpSource::None || informal) sr += growth * (1.0f - sr);
      }
    }
    if (informal) pop.trust_neighbours[i] += trust_gain * (1.0f - pop.trust_neighbours[i]);
    if (in_need && src == HelpSource::None) sr = std::max(0.0f, sr - erosion);
  });
}

}  // namespace buurt::phase
