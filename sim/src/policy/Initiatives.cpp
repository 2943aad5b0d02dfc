#include "buurt/policy/Initiatives.h"

#include <algorithm>
#include <cmath>

#include "buurt/base/Parallel.h"
#include "buurt/policy/Policies.h"
#include "buurt/schema/Outcomes.h"
#include "buurt/week/Phase.h"

namespace buurt {

// Spread over the blocks in an order drawn once from the seed; chaired by a manager of the block when
// there is one.
void Initiatives::found(WeekContext& ctx, const CommunityManagers& managers) {
  const Population& pop = ctx.pop;
  const auto count = static_cast<std::size_t>(ctx.p.initiatives_count);
  const auto streets_per_block = static_cast<std::uint32_t>(ctx.p.population_streets_per_block);
  if (block_order_.empty()) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> keyed;
    for (std::uint32_t b = 0; b < std::max<std::size_t>(1, pop.blocks); ++b) keyed.emplace_back(ctx.rng.words(b, kInitWeek, Stream::Initiative)[0], b);
    std::sort(keyed.begin(), keyed.end());
    for (const auto& [key, b] : keyed) block_order_.push_back(b);
  }
  while (initiatives_.size() < count) {
    const std::size_t k = initiatives_.size();
    Initiative ini;
    ini.block = block_order_[k % block_order_.size()];
    ini.theme = static_cast<std::uint8_t>(k % 2 == 0 ? Income : Social);
    managers.for_each_in_programme([&](std::uint32_t c) {
      if (ctx.block_of(c) == ini.block) ini.chair = c;
    });
    const std::uint32_t first = pop.street_begin[std::min<std::size_t>(ini.block * streets_per_block, pop.streets - 1)];
    const std::uint32_t anchor = ini.chair != kNone ? ini.chair : first;
    ini.x = pop.x[anchor];
    ini.y = pop.y[anchor] + 0.9f;
    initiatives_.push_back(ini);
  }
  for (std::size_t k = 0; k < initiatives_.size(); ++k) initiatives_[k].active = k < count;
}

std::size_t Initiatives::active() const {
  return static_cast<std::size_t>(std::count_if(initiatives_.begin(), initiatives_.end(), [](const Initiative& x) { return x.active; }));
}

void Initiatives::week(WeekContext& ctx, Policies& all) {
  const CommunityManagers& managers = all.managers;
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  Network& net = ctx.net;
  if (!ctx.programmes()) return;
  found(ctx, managers);
  if (initiatives_.empty()) return;
  // Which initiative serves each block (the first active one there).
  std::vector<std::uint16_t> of_block(pop.blocks, 0);
  for (std::size_t k = 0; k < initiatives_.size(); ++k)
    if (initiatives_[k].active && of_block[initiatives_[k].block] == 0) of_block[initiatives_[k].block] = static_cast<std::uint16_t>(k + 1);
  // Ownership: residents own it unless the municipality takes control; a directive team pulls it in.
  for (auto& ini : initiatives_) {
    const double target = (1.0 - p.initiatives_municipal_control) * (0.6 + 0.4 * p.team_mode);
    ini.ownership += static_cast<float>(p.initiatives_takeover_rate * (target - ini.ownership));
    ini.members = 0;
  }
  // Support buys activities (meetings, a place, coffee, training), with diminishing returns and no cap.
  const double activity = p.initiatives_support_acts ? 1.0 - std::exp(-p.initiatives_support / p.initiatives_support_scale) : 1.0;
  const float relief = static_cast<float>(p.initiatives_forms_relief * activity);
  detail::for_each_drawing(pop.size, ctx.rng, ctx.tick, Stream::Initiative, 0, [&](std::size_t i, DrawCursor& draws) {
    std::uint16_t& mem = pop.member_of[i];
    meets_[i] = 0;
    const auto u = draws.uniforms(i);
    if (mem != 0) {
      const Initiative& ini = initiatives_[mem - 1u];
      if (!ini.active || u[0] < p.initiatives_leave_rate * (2.0 - ini.ownership)) {
        mem = 0;
        return;
      }
      // Activities: help with forms and debts in a debt initiative. Against loneliness the initiative works
      // through contact: membership counts as a good contact (phase 8) and members meet members.
      if (ini.theme != Social) {
        float& nd = pop.need[ini.theme][i];
        nd = std::max(0.0f, nd - relief * ini.ownership);
      }
      // Residents organise the meetings: under professional control fewer take place ([seed000]).
      meets_[i] = u[2] < p.initiatives_meeting_ties * activity * ini.ownership;  // wants to meet another member
      return;
    }
    const std::uint16_t here = of_block[ctx.block_of(i)];
    if (here == 0 || pop.age[i] == AgeGroup::Child) return;
    const Initiative& ini = initiatives_[here - 1u];
    // A resident introduced by the team (community building, phase 6) joins more readily.
    const bool introduced = pop.has(i, kIntroduced);
    const double join = introduced ? p.initiatives_introduced_join : p.initiatives_join_rate;
    if ((introduced || pop.need[Social][i] >= kSomewhatLonely || pop.need[ini.theme][i] >= kSomewhatLonely) && u[1] < join * activity * ini.ownership) {
      mem = here;
      pop.flags[i] &= static_cast<std::uint8_t>(~kIntroduced);
    }
  });
  // Members meet members: proposals in parallel above, ties made here in index order.
  std::vector<std::vector<std::uint32_t>> members(initiatives_.size());
  for (std::uint32_t i = 0; i < pop.size; ++i)
    if (pop.member_of[i]) members[pop.member_of[i] - 1u].push_back(i);
  for (std::size_t k = 0; k < initiatives_.size(); ++k) initiatives_[k].members = static_cast<std::uint32_t>(members[k].size());
  for (std::uint32_t i = 0; i < pop.size; ++i) {
    if (!pop.member_of[i] || !meets_[i]) continue;
    const auto& list = members[pop.member_of[i] - 1u];
    const std::uint32_t j = list[ctx.rng.words(i, ctx.tick, Stream::Initiative, 1)[0] % list.size()];
    if (j != i && pop.household[j] != pop.household[i] && net.add(i, j, TieKind::Brokered, 0.4f, static_cast<std::int32_t>(ctx.tick)) != kNone)
      ctx.counters.programme_ties += 1;
  }
  double own = 0.0, active = 0.0;
  for (const auto& ini : initiatives_)
    if (ini.active) {
      own += ini.ownership;
      active += 1;
      counters_.members += ini.members;
    }
  ownership_ = active > 0 ? own / active : 0.0;
  counters_.ownership = ownership_;
}

void Initiatives::forget(const std::vector<std::uint32_t>& left, const WeekContext&) {
  for (auto& ini : initiatives_)
    if (ini.chair != kNone && std::binary_search(left.begin(), left.end(), ini.chair)) ini.chair = kNone;
}

void Initiatives::outcomes(WeekOutcomes& o, const Population&, const Params& p) const {
  o[Outcome::initiative_members] = counters_.members;
  o[Outcome::initiative_ownership] = counters_.ownership;
  o[Outcome::cost_allowances] += static_cast<double>(active()) * p.initiatives_support;
}

}  // namespace buurt
