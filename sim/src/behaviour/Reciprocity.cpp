#include "buurt/behaviour/Reciprocity.h"

#include <algorithm>
#include <atomic>
#include <limits>

#include "buurt/week/Phase.h"

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
  //    that the rows below read one array of the ties instead of four (strength, kind, endpoint, balance);
  //    and the debtor of every tie that owes more than `flag_above` is flagged (every writer writes 1).
  //    A resident without such a tie does nothing below: its largest debt is under min_owed, and its debts
  //    in all (at most one per entry of its row, each at most half of imbalance_limit / longest row) stay
  //    under imbalance_limit.
  const std::uint32_t longest =
      par::max_index(net.row_begin.size() - 1, detail::kGrain, [&](std::size_t i) { return net.row_begin[i + 1] - net.row_begin[i]; });
  const float flag_above = 0.5f * std::min(min_owed, limit / static_cast<float>(std::max<std::uint32_t>(longest, 1)));
  owed_.resize(net.edges());
  flag_.resize(pop.size, 0);  // zero between weeks
  for_each_index(net.edges(), [&](std::size_t e) {
    const bool counts = net.active(static_cast<std::uint32_t>(e)) && net.kind[e] != TieKind::Household;
    const float x = counts ? net.balance[e] : kNoBalance;
    owed_[e] = x;
    // x > 0: the lower end a gave more, so b owes x; x < 0: a owes -x.
    if (x > flag_above) std::atomic_ref<std::uint8_t>(flag_[net.b[e]]).store(1, std::memory_order_relaxed);
    if (-x > flag_above) std::atomic_ref<std::uint8_t>(flag_[net.a[e]]).store(1, std::memory_order_relaxed);
  });
  // The flagged adults; every flag is cleared again (each by its own index).
  debtors_ = detail::those(pop.size, [&](std::size_t i) {
    const bool debtor = flag_[i] != 0 && pop.age[i] != AgeGroup::Child;
    flag_[i] = 0;
    return debtor;
  });
  gifts_.assign(debtors_.size(), Gift{});
  // 1. Decide on the balances as they stand: where to give back, how much, and the strain of what is owed.
  par::for_each_index(debtors_.size(), detail::kGrain / 8, [&](std::size_t d) {
    const std::uint32_t i = debtors_[d];
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
    gifts_[d] = Gift{best, g};
    pop.hours_returned[i] = g;
  });
  if (!give) return;
  // 2. Apply: the debtor of a tie is its only writer this week.
  par::for_each_index(debtors_.size(), detail::kGrain / 8, [&](std::size_t d) {
    const Gift& gift = gifts_[d];
    if (gift.entry == kNone) return;
    const std::uint32_t i = debtors_[d];
    const std::uint32_t e = net.edge[gift.entry];
    net.balance[e] += i < net.other[gift.entry] ? gift.hours : -gift.hours;  // balance: hours given by a, the lower end
    net.strength[e] += gain * (1.0f - net.strength[e]);
    net.last_help[e] = static_cast<std::int32_t>(ctx.tick);
  });
}

}  // namespace buurt::phase
