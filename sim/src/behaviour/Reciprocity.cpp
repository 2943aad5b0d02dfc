#include "buurt/behaviour/Reciprocity.h"

#include <algorithm>
#include <limits>

#include "buurt/core/detail/Phase.h"

namespace buurt::phase {

using detail::for_each_index;

namespace {
constexpr float kNoBalance = std::numeric_limits<float>::quiet_NaN();
}

void Reciprocity::week(WeekContext& ctx) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  Network& net = ctx.net;
  if (!p.asking_enabled) return;
  const bool give = p.reciprocity_give_back;
  const float min_owed = static_cast<float>(p.reciprocity_min_owed), favour = static_cast<float>(p.reciprocity_favour_hours);
  const float limit = static_cast<float>(p.ties_imbalance_limit), strain = static_cast<float>(p.reciprocity_owing_strain);
  const float gain = p.ties_dynamics ? static_cast<float>(p.ties_contact_gain) : 0.0f;
  // 0. One pass along the ties: the balance of each active tie outside a household, NaN for the others, so
  //    that the rows below read one array of the ties instead of four (strength, kind, endpoint, balance).
  owed_.resize(net.edges());
  for_each_index(net.edges(), [&](std::size_t e) {
    owed_[e] = net.active(static_cast<std::uint32_t>(e)) && net.kind[e] != TieKind::Household ? net.balance[e] : kNoBalance;
  });
  // 1. Decide on the balances as they stand: where to give back, how much, and the strain of what is owed.
  for_each_index(pop.size, [&](std::size_t ii) {
    const auto i = static_cast<std::uint32_t>(ii);
    entry_[i] = kNone;
    hours_[i] = 0.0f;
    if (pop.age[i] == AgeGroup::Child) return;
    float owed_total = 0.0f, most = 0.0f;
    std::uint32_t best = kNone;
    for (std::uint32_t k = net.row_begin[i]; k < net.row_begin[i + 1]; ++k) {
      const std::uint32_t j = net.other[k];
      if (j == kNone) continue;
      // What i owes: the balance counts hours given by the tie's lower-numbered end (Network::balance_of).
      const float x = owed_[net.edge[k]];
      const float owed = i < j ? -x : x;
      if (!(owed > 0.0f)) continue;  // nothing owed, or not a tie that counts (NaN)
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
    net.balance[e] += i < net.other[entry_[i]] ? hours_[i] : -hours_[i];  // balance: hours given by a, the lower end
    net.strength[e] += gain * (1.0f - net.strength[e]);
    net.last_help[e] = static_cast<std::int32_t>(ctx.tick);
  });
}

}  // namespace buurt::phase
