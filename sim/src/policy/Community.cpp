// Phase 7: community managers, volunteers and citizen initiatives.
// Managers and initiatives are few, so their actions run serially in a fixed order; per-resident
// membership and dropout decisions run in parallel from the counter-based generator.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "buurt/core/Parallel.h"
#include "buurt/core/Simulation.h"

namespace buurt {
namespace {

template <class F>
void for_each_resident(std::size_t n, F&& f) {
  par::for_each_index(n, 4096, std::forward<F>(f));
}

}  // namespace

// Managers are recruited among adults on benefits or low income with a connecting talent (many
// ties), in an order fixed by the seed (seed 001). Burnout takes them out; a replacement follows.
void Simulation::manage_community_managers() {
  const auto week = static_cast<std::int32_t>(cur_);
  if (recruit_order_.empty() && p_.community_managers > 0) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> keyed;
    for (std::uint32_t i = 0; i < pop_.size; ++i)
      if (pop_.age[i] == AgeGroup::Adult && pop_.income[i] != IncomeGroup::Middle && !pop_.has(i, kIsolated) && pop_.active_ties[i] >= 3)
        keyed.emplace_back(rng_.words(i, kInitWeek, Stream::Outreach)[0], i);
    std::sort(keyed.begin(), keyed.end());
    for (const auto& [key, i] : keyed) recruit_order_.push_back(i);
  }
  auto recruit = [&]() {
    while (next_recruit_ < recruit_order_.size()) {
      const std::uint32_t i = recruit_order_[next_recruit_++];
      if (pop_.has(i, kCommunityManager)) continue;
      pop_.flags[i] |= kCommunityManager | kWilling;
      pop_.budget[i] = std::max(pop_.budget[i], static_cast<float>(p_.community_hours));
      managers_.push_back(Manager{i, -1, false});
      return true;
    }
    return false;
  };
  // Burnout and return.
  const double protect = (p_.community_training ? 1.0 - p_.community_burnout_protection : 1.0) *
                         (p_.community_allowance > 0.0 ? 1.0 - p_.community_burnout_protection : 1.0);
  for (auto& mgr : managers_) {
    if (mgr.replaced) continue;
    if (mgr.inactive_until >= 0) {
      if (week >= mgr.inactive_until && !p_.community_replace) {
        mgr.inactive_until = -1;
        pop_.flags[mgr.resident] |= kCommunityManager;
      }
      continue;
    }
    if (rng_.uniforms(mgr.resident, cur_, Stream::Outreach, 99)[0] < p_.community_burnout_rate * protect) {
      mgr.inactive_until = week + static_cast<std::int32_t>(p_.community_recovery_weeks);
      pop_.flags[mgr.resident] &= static_cast<std::uint8_t>(~kCommunityManager);
      pop_.fatigue[mgr.resident] = 0.9f;
      if (p_.community_replace) {
        mgr.replaced = true;
        replacements_due_.push_back(week + static_cast<std::int32_t>(p_.community_replacement_weeks));
      }
    }
  }
  // Replacements whose time has come, then match the target number (it may be steered).
  std::sort(replacements_due_.begin(), replacements_due_.end());
  while (!replacements_due_.empty() && replacements_due_.front() <= week) {
    replacements_due_.erase(replacements_due_.begin());
    recruit();
  }
  auto in_programme = [&]() {
    return static_cast<std::int64_t>(std::count_if(managers_.begin(), managers_.end(), [](const Manager& x) { return !x.replaced; })) +
           static_cast<std::int64_t>(replacements_due_.size());
  };
  while (in_programme() < p_.community_managers && recruit()) {
  }
  for (auto it = managers_.rbegin(); it != managers_.rend() && in_programme() > p_.community_managers; ++it)
    if (!it->replaced) {
      it->replaced = true;  // leaves the programme
      pop_.flags[it->resident] &= static_cast<std::uint8_t>(~kCommunityManager);
    }
  for (const auto& mgr : managers_) {
    if (mgr.replaced) continue;
    if (mgr.inactive_until < 0) pc_.cm_active += 1;
    else pc_.cm_burned_out += 1;
  }
  pc_.cm_burned_out += static_cast<double>(replacements_due_.size());
}

// Initiatives: meeting places whose members are relieved of loneliness and meet each other;
// ownership drifts towards residents or professionals; without ownership volunteers leave (seed 000).
void Simulation::run_initiatives() {
  const auto count = static_cast<std::size_t>(p_.initiatives_count);
  const auto streets_per_block = static_cast<std::uint32_t>(p_.population_streets_per_block);
  while (initiatives_.size() < count) {
    // Spread over the blocks; chaired by a manager when there is one.
    const std::size_t k = initiatives_.size();
    const std::uint32_t block = static_cast<std::uint32_t>((k * 7919u + 3u) % std::max<std::size_t>(1, pop_.blocks));
    Initiative ini;
    ini.theme = static_cast<std::uint8_t>(k % 2 == 0 ? Income : Social);
    for (const auto& mgr : managers_)
      if (!mgr.replaced && block_of(mgr.resident) == block) ini.chair = mgr.resident;
    const std::uint32_t first = pop_.street_begin[std::min<std::size_t>(block * streets_per_block, pop_.streets - 1)];
    const std::uint32_t anchor = ini.chair != kNone ? ini.chair : first;
    ini.x = pop_.x[anchor];
    ini.y = pop_.y[anchor] + 0.9f;
    initiatives_.push_back(ini);
  }
  for (std::size_t k = 0; k < initiatives_.size(); ++k) initiatives_[k].active = k < count;
  if (initiatives_.empty()) return;
  // Which initiative serves each block (the first active one there).
  std::vector<std::uint16_t> of_block(pop_.blocks, 0);
  for (std::size_t k = 0; k < initiatives_.size(); ++k) {
    if (!initiatives_[k].active) continue;
    const std::size_t bx = static_cast<std::size_t>((k * 7919u + 3u) % std::max<std::size_t>(1, pop_.blocks));
    if (of_block[bx] == 0) of_block[bx] = static_cast<std::uint16_t>(k + 1);
  }
  // Ownership: residents own it unless the municipality takes control; a directive team pulls it in.
  for (auto& ini : initiatives_) {
    const double target = (1.0 - p_.initiatives_municipal_control) * (0.6 + 0.4 * p_.team_mode);
    ini.ownership += static_cast<float>(p_.initiatives_takeover_rate * (target - ini.ownership));
    ini.members = 0;
  }
  const float support = static_cast<float>(std::min(1.0, 0.5 + p_.initiatives_support / 100.0));
  const float relief = static_cast<float>(p_.initiatives_loneliness_relief);
  for_each_resident(pop_.size, [&](std::size_t i) {
    std::uint16_t& mem = pop_.member_of[i];
    apply_[i] = 0;
    const auto u = rng_.uniforms(static_cast<std::uint32_t>(i), cur_, Stream::Initiative);
    if (mem != 0) {
      const Initiative& ini = initiatives_[mem - 1u];
      if (!ini.active || u[0] < p_.initiatives_leave_rate * (2.0 - ini.ownership)) {
        mem = 0;
        return;
      }
      // Activities: company against loneliness, and help with forms and debts in a debt initiative.
      const float eff = relief * ini.ownership * support;
      float& social = pop_.need[Social][i];
      social = std::max(0.0f, social - eff);
      if (ini.theme != Social) {
        float& nd = pop_.need[ini.theme][i];
        nd = std::max(0.0f, nd - eff);
      }
      apply_[i] = u[2] < p_.initiatives_meeting_ties ? 2 : 0;  // wants to meet another member
      return;
    }
    const std::uint16_t here = of_block[block_of(i)];
    if (here == 0 || pop_.age[i] == AgeGroup::Child) return;
    const Initiative& ini = initiatives_[here - 1u];
    if ((pop_.need[Social][i] >= 0.3f || pop_.need[ini.theme][i] >= 0.3f) && u[1] < p_.initiatives_join_rate) mem = here;
  });
  // Members meet members: proposals in parallel above, ties made here in index order.
  std::vector<std::vector<std::uint32_t>> members(initiatives_.size());
  for (std::uint32_t i = 0; i < pop_.size; ++i)
    if (pop_.member_of[i]) members[pop_.member_of[i] - 1u].push_back(i);
  for (std::size_t k = 0; k < initiatives_.size(); ++k) initiatives_[k].members = static_cast<std::uint32_t>(members[k].size());
  for (std::uint32_t i = 0; i < pop_.size; ++i) {
    if (!pop_.member_of[i] || apply_[i] != 2) continue;
    const auto& list = members[pop_.member_of[i] - 1u];
    const std::uint32_t j = list[rng_.words(i, cur_, Stream::Initiative, 1)[0] % list.size()];
    if (j != i && pop_.household[j] != pop_.household[i] && net_.add(i, j, TieKind::Brokered, 0.4f, static_cast<std::int32_t>(cur_)) != kNone)
      pc_.ties_formed += 1;
  }
  double own = 0.0, active = 0.0;
  for (const auto& ini : initiatives_)
    if (ini.active) {
      own += ini.ownership;
      active += 1;
      pc_.initiative_members += ini.members;
    }
  pc_.ownership = active > 0 ? own / active : 0.0;
}

void Simulation::community_phase() {
  const auto week = static_cast<std::int32_t>(cur_);
  // Programmes (community managers, initiatives) start at week 0, after the burn-in.
  const bool programmes = week_ >= 0;
  if (programmes) manage_community_managers();
  // Street outreach: managers meet residents who never ask, help on the spot, lower the threshold,
  // introduce people to each other, recruit volunteers, refer severe cases to the team (seed 001).
  const double eff = p_.community_training ? 1.0 : 0.6;
  const float ask_need = static_cast<float>(p_.team_ask_need);
  const auto streets_per_block = static_cast<std::uint32_t>(p_.population_streets_per_block);
  for (const auto& mgr : managers_) {
    if (mgr.replaced || mgr.inactive_until >= 0) continue;
    const std::uint32_t c = mgr.resident;
    const std::uint32_t blk = block_of(c);
    const std::uint32_t lo = pop_.street_begin[blk * streets_per_block];
    const std::uint32_t hi = pop_.street_begin[std::min<std::size_t>((blk + 1) * streets_per_block, pop_.streets)];
    std::uint32_t previous = kNone;
    for (std::int64_t k = 0; k < p_.community_contacts; ++k) {
      const auto u = rng_.uniforms(c, cur_, Stream::Outreach, static_cast<std::uint32_t>(k));
      const auto j = lo + static_cast<std::uint32_t>(u[0] * (hi - lo));
      if (j >= hi || j == c || pop_.age[j] == AgeGroup::Child) continue;
      pop_.shame[j] = std::max(0.0f, pop_.shame[j] - static_cast<float>(p_.community_shame_reduction * eff));
      int top = 0;
      for (int d = 1; d < kDomains; ++d)
        if (pop_.need[d][j] > pop_.need[top][j]) top = d;
      if (pop_.need[top][j] >= pop_.threshold[j] && pop_.help_source[j] == 0 && pop_.remaining[c] > 0.25f) {
        const float h = std::min(1.5f, pop_.remaining[c]);
        pop_.remaining[c] -= h;
        pop_.hours_given[c] += h;
        pc_.cm_hours += h;
        const float skill = std::max(pop_.skill[top][c], 0.4f) * static_cast<float>(eff);
        float& nd = pop_.need[top][j];
        nd = std::max(0.0f, nd - static_cast<float>(p_.helping_effect) * skill * h);
        pop_.help_source[j] = static_cast<std::uint8_t>(HelpSource::CommunityManager);
        pop_.helper[j] = c;
        pop_.hours_received[j] += h;
        if (nd >= ask_need && top != Social && p_.team_enabled) apply_to_team(j);
      }
      if ((pop_.need[Social][j] >= 0.3f || pop_.active_ties[j] < 3) && u[1] < p_.community_broker_probability * eff) {
        const std::uint32_t other = previous != kNone && previous != j ? previous : c;
        if (net_.add(j, other, TieKind::Brokered, 0.4f, week) != kNone) pc_.ties_formed += 1;
      }
      if (pop_.has(j, kWilling) && !pop_.has(j, kVolunteer) && u[2] < p_.community_recruit_probability * eff) {
        pop_.flags[j] |= kVolunteer;
        pop_.budget[j] = std::max(pop_.budget[j], static_cast<float>(p_.volunteers_hours));
      }
      previous = j;
    }
  }
  if (programmes) run_initiatives();
  // Volunteers: a steady inflow keeps the initial share; dropout rises when initiatives lose ownership.
  const double own = initiatives_.empty() ? 1.0 : pc_.ownership;
  const double out = p_.volunteers_dropout * (1.0 + p_.initiatives_dropout_multiplier * (1.0 - own) * (initiatives_.empty() ? 0.0 : 1.0));
  const double in = p_.volunteers_share * p_.volunteers_dropout;
  const float bonus = p_.volunteers_training ? static_cast<float>(p_.volunteers_training_bonus) : 0.0f;
  for_each_resident(pop_.size, [&](std::size_t i) {
    if (pop_.age[i] == AgeGroup::Child || pop_.has(i, kCommunityManager)) return;
    const double u = rng_.uniforms(static_cast<std::uint32_t>(i), cur_, Stream::Volunteer)[0];
    if (pop_.has(i, kVolunteer)) {
      if (u < out) pop_.flags[i] &= static_cast<std::uint8_t>(~kVolunteer);
    } else if (u < in) {
      pop_.flags[i] |= kVolunteer | kWilling;
      pop_.budget[i] = std::max(pop_.budget[i], static_cast<float>(p_.volunteers_hours));
      pop_.skill[Income][i] = std::min(1.0f, pop_.skill[Income][i] + bonus);
      pop_.skill[Health][i] = std::min(1.0f, pop_.skill[Health][i] + bonus);
    }
  });
}

}  // namespace buurt
