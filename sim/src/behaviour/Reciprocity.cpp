#include "buurt/behaviour/Reciprocity.h"

#include <algorithm>

#include "buurt/core/detail/Phase.h"

namespace buurt::phase {

using detail::for_each_index;

void Reciprocity::week(WeekContext& ctx) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  Network& net = ctx.net;
  if (!p.asking_enabled) return;
  const bool give = p.reciprocity_give_back;
  const float min_owed = static_cast<float>(p.reciprocity_min_owed), favour = static_cast<float>(p.reciprocity_favour_hours);
  const float limit = static_cast<float>(p.ties_imbalance_limit), strain = static_cast<float>(p.reciprocity_owing_strain);
  const float gain = p.ties_dynamics ? static_cast<float>(p.ties_contact_gain) : 0.0f;
  // 1. Decide on the balances as they stand: where to give back, how much, and the strain of what is owed.
  for_each_index(pop.size, [&](std::size_t ii) {
    const auto i = static_cast<std::uint32_t>(ii);
    entry_[i] = kNone;
    hours_[i] = 0.0f;
    if (pop.age[i] == AgeGroup::Child) return;
    float owed_total = 0.0f, most = 0.0f;
    std::uint32_t best = kNone;
    for (std::uint32_t k = net.row_begin[i]; k < net.row_begin[i + 1]; ++k) {
      const std::uint32_t e = net.edge[k];
      if (net.other[k] == kNone || !net.active(e) || net.kind[e] == TieKind::Household) continue;
      const float owed = -net.balance_of(e, i);
      if (owed <= 0.0f) continue;
      owed_total += owed;
      if (owed > most) {
        most = owed;
        best = k;
      }
    }
    if (owed_total > limit) detail::raise_need(pop.need[Mental][i], strain);
    if (!give || best == kNone || most < min_owed) return;
    const float left = pop.remaining[i] + pop.household_remaining[i];
    const float g = std::min({most, favour, left});
    if (g < 0.25f) return;
    const float from_budget = std::min(g, pop.remaining[i]);
    pop.remaining[i] -= from_budget;
    pop.household_remaining[i] -= g - from_budget;
    entry_[i] = best;
    hours_[i] = g;
    pop.hours_returned[i] = g;
  });
  if (!give) return;
  // 2. Apply: the debtor of a tie is its only writer this week.
  for_each_index(pop.size, [&](std::size_t ii) {
    const auto i = static_cast<std::uint32_t>(ii);
    if (entry_[i] == kNone) return;
    const std::uint32_t e = net.edge[entry_[i]];
    net.balance[e] += net.a[e] == i ? hours_[i] : -hours_[i];  // balance: hours given by a
    net.strength[e] += gain * (1.0f - net.strength[e]);
    net.last_help[e] = static_cast<std::int32_t>(ctx.tick);
  });
}

}  // namespace buurt::phase
