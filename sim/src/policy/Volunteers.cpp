#include "buurt/policy/Volunteers.h"

#include <algorithm>
#include <atomic>
#include <cmath>

#include "buurt/base/Parallel.h"
#include "buurt/policy/Policies.h"
#include "buurt/week/Phase.h"

namespace buurt {

void Volunteers::week(WeekContext& ctx, Policies& all) {
  const Initiatives& initiatives = all.initiatives;
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  const bool none = initiatives.all().empty();
  const double own = none ? 1.0 : initiatives.ownership();
  const double out = p.volunteers_dropout * (1.0 + p.initiatives_dropout_multiplier * (1.0 - own) * (none ? 0.0 : 1.0));
  // The inflow keeps volunteers.share: newcomers replace those who stop by ordinary dropout and burnout.
  // Those a takeover of the initiatives drives out ([seed000]) leave faster than recruitment refills, so
  // under a takeover the stock settles below the share.
  const double burnout = p.volunteers_burnout ? p.volunteers_burnout_rate : 0.0;
  std::size_t adults = 0, volunteers = 0, burdened = 0;
  for (std::size_t i = 0; i < pop.size; ++i) {
    if (pop.age[i] == AgeGroup::Child || pop.has(i, kCommunityManager)) continue;
    ++adults;
    if (pop.has(i, kVolunteer)) {
      ++volunteers;
      burdened += pop.fatigue[i] >= 0.5f;
    }
  }
  const double current = adults > 0 ? static_cast<double>(volunteers) / static_cast<double>(adults) : 0.0;
  // The burdened share is averaged over about a year: recruitment replaces what burnout usually takes, not
  // this week's wave of tired volunteers.
  const double burdened_now = volunteers > 0 ? static_cast<double>(burdened) / static_cast<double>(volunteers) : 0.0;
  burdened_share_ = burdened_set_ ? burdened_share_ + (burdened_now - burdened_share_) / 52.0 : burdened_now;
  burdened_set_ = true;
  const double usual_out = p.volunteers_dropout + burnout * burdened_share_;
  double in = p.volunteers_share < 1.0 ? usual_out * p.volunteers_share / (1.0 - p.volunteers_share) : 1.0;
  // Places left open (volunteers driven out by a takeover, a wave of burnout) are filled again at
  // volunteers.refill_rate; a programme that raises the share recruits the whole difference when it starts.
  const double gap = current < 1.0 ? std::max(0.0, p.volunteers_share - current) / (1.0 - current) : 0.0;
  if (ctx.programmes() && !recruited_) {
    recruited_ = true;
    in += gap;
  } else {
    in += p.volunteers_refill_rate * gap;
  }
  const float bonus = p.volunteers_training ? static_cast<float>(p.volunteers_training_bonus) : 0.0f;
  // Training starts with the programme (week 0, or when it is switched on): the volunteers there are trained then.
  if (p.volunteers_training && ctx.programmes() && !trained_) {
    trained_ = true;
    for (std::size_t i = 0; i < pop.size; ++i)
      if (pop.has(i, kVolunteer)) pop.train(i, bonus);
  }
  std::atomic<std::uint32_t> burned_out{0};  // an integer count: the same whatever the thread order
  detail::for_each_drawing(pop.size, ctx.rng, ctx.tick, Stream::Volunteer, 0, [&](std::size_t i, DrawCursor& draws) {
    if (pop.age[i] == AgeGroup::Child || pop.has(i, kCommunityManager)) return;
    const auto uu = draws.uniforms(i);
    const double u = uu[0];
    if (pop.has(i, kVolunteer)) {
      // Volunteers tire like every helper (phase 5c); a heavily burdened one stops more often.
      const bool burned = pop.fatigue[i] >= 0.5f && uu[1] < burnout;
      if (u < out || burned) pop.flags[i] &= static_cast<std::uint8_t>(~kVolunteer);
      if (burned && u >= out) burned_out.fetch_add(1, std::memory_order_relaxed);
    } else if (u < in) {
      pop.flags[i] |= kVolunteer | kWilling;
      pop.budget[i] = std::max(pop.budget[i], static_cast<float>(p.volunteers_hours) * free_time(p, pop.work[i]));
      pop.train(i, bonus);
    }
  });
  counters_.burned_out = burned_out.load();
}

void Volunteers::outcomes(WeekOutcomes& o, const Population&, const Params& p) const {
  o[Outcome::volunteers_burned_out] = counters_.burned_out;
  // The volunteers active this week (the residents' accounting) are those trained where training runs.
  o[Outcome::volunteers_trained] = p.volunteers_training ? o[Outcome::volunteers_active] : 0.0;
  o[Outcome::cost_training] += o[Outcome::volunteers_trained] * p.costs_volunteer_training;
}

}  // namespace buurt
