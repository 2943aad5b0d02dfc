#include "buurt/policy/Services.h"

#include <algorithm>

#include "buurt/week/Phase.h"

namespace buurt {

void SocialServices::join(WeekContext& ctx, std::uint32_t i) {
  ctx.pop.flags[i] |= kAtDesk;
  cases_.push_back({i, static_cast<std::int32_t>(ctx.tick)});
}

void SocialServices::week(WeekContext& ctx, Policies&) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  if (!p.services_desk) return;
  const auto week = static_cast<std::int32_t>(ctx.tick);
  const float thr = static_cast<float>(p.events_in_need_threshold);
  // Who reaches the desk: residents with an income need apply (trust in professionals helps, as with the
  // team); team cases are handed over by their worker, at once from one household plan, otherwise after
  // the hand-off between the separate desks.
  for (std::uint32_t i = 0; i < pop.size; ++i) {
    if (pop.has(i, kAtDesk) || pop.need[Income][i] < thr || pop.age[i] == AgeGroup::Child) continue;
    if (pop.has(i, kInTeam)) {
      if (p.services_integrated || week - pop.team_since[i] >= static_cast<std::int32_t>(p.services_handoff_weeks)) join(ctx, i);
      continue;
    }
    const double trust = p.adaptation_trust_professionals_acts ? 0.5 + pop.trust_professionals[i] : 1.0;
    if (ctx.rng.uniforms(i, ctx.tick, Stream::Team, 4)[0] < p.services_desk_apply * trust) join(ctx, i);
  }
  const float closure = static_cast<float>(p.events_in_need_threshold);
  for (auto& c : cases_) {
    const std::uint32_t i = c.resident;
    const std::int32_t waited = week - c.since;
    if (waited < static_cast<std::int32_t>(p.services_decision_weeks)) {
      // Separate rules per domain: a multi-domain household without a plan loses track of the application
      // (forms, appointments) and drops out; the team's worker keeps its own cases on track.
      int other = 0;
      for (int d = Health; d < kDomains; ++d) other += d != Social && pop.need[d][i] >= thr;
      const bool dropout_risk = !p.services_integrated && other > 0 && !pop.has(i, kInTeam);
      if (dropout_risk && ctx.rng.uniforms(i, ctx.tick, Stream::Team, 5)[0] < p.services_dropout) {
        pop.flags[i] &= static_cast<std::uint8_t>(~kAtDesk);
        pop.trust_professionals[i] = std::max(0.0f, pop.trust_professionals[i] - static_cast<float>(p.team_trust_loss));
        counters_.dropouts += 1;
      }
      continue;
    }
    // Decided: benefits and a debt arrangement relieve the income need week by week until it is small.
    detail::reduce_need(pop.need[Income][i], static_cast<float>(p.services_income_relief));
    counters_.relief += 1;
    if (pop.need[Income][i] < closure) pop.flags[i] &= static_cast<std::uint8_t>(~kAtDesk);
  }
  std::erase_if(cases_, [&](const Case& c) { return !pop.has(c.resident, kAtDesk); });
}

void SocialServices::forget(const std::vector<std::uint32_t>& left, const WeekContext&) {
  std::erase_if(cases_, [&](const Case& c) { return std::binary_search(left.begin(), left.end(), c.resident); });
}

void SocialServices::outcomes(WeekOutcomes& o, const Population&, const Params&) const {
  o[Outcome::desk_cases] = static_cast<double>(cases_.size());
  o[Outcome::desk_dropouts] = counters_.dropouts;
}

}  // namespace buurt
