#include "buurt/policy/Community.h"

#include <algorithm>
#include <atomic>
#include <cmath>

#include "buurt/base/Parallel.h"
#include "buurt/policy/Policies.h"
#include "buurt/schema/Outcomes.h"
#include "buurt/week/Phase.h"

namespace buurt {

// Share of the role's weekly time cost made up by the allowance and the role itself: the chance that a
// candidate accepts, and what keeps a manager from quitting (community.allowance_acts).
double CommunityManagers::acceptance(const Params& p) {
  const double allowance = p.community_allowance_acts ? p.community_allowance : 0.0;
  const double cost = p.community_time_value * p.community_hours;
  const double gain = p.community_intrinsic_value + allowance;
  return gain + cost > 0.0 ? gain / (gain + cost) : 1.0;
}

// Managers are recruited among adults on benefits or low income with a connecting talent (many
// ties), in an order fixed by the seed ([seed001]). Each candidate weighs the allowance against the time
// the role takes and accepts or declines (a keyed draw); a declined candidate is not asked again.
bool CommunityManagers::recruit(WeekContext& ctx) {
  Population& pop = ctx.pop;
  const double accept = acceptance(ctx.p);
  while (next_recruit_ < recruit_order_.size()) {
    const std::uint32_t i = recruit_order_[next_recruit_++];
    if (pop.has(i, kCommunityManager)) continue;
    if (ctx.rng.uniforms(i, kInitWeek, Stream::Outreach, 98)[0] >= accept) continue;  // declines
    pop.flags[i] |= kCommunityManager | kWilling;
    pop.budget[i] = std::max(pop.budget[i], static_cast<float>(ctx.p.community_hours));
    managers_.push_back(Manager{i, -1, false});
    return true;
  }
  return false;
}

// Burnout takes managers out; a replacement follows. The target number may be steered.
void CommunityManagers::manage(WeekContext& ctx) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  const auto week = static_cast<std::int32_t>(ctx.tick);
  if (recruit_order_.empty() && p.community_managers > 0) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> keyed;
    for (std::uint32_t i = 0; i < pop.size; ++i)
      if (pop.age[i] == AgeGroup::Adult && pop.income[i] != IncomeGroup::Middle && !pop.has(i, kIsolated) && pop.active_ties[i] >= 3)
        keyed.emplace_back(ctx.rng.words(i, kInitWeek, Stream::Outreach)[0], i);
    std::sort(keyed.begin(), keyed.end());
    for (const auto& [key, i] : keyed) recruit_order_.push_back(i);
  }
  // Burnout and return. An allowance protects in proportion to the share of the role's time cost it covers.
  const double cost = p.community_time_value * p.community_hours;
  const double allowance = p.community_allowance_acts ? p.community_allowance : 0.0;
  const double covered = allowance + cost > 0.0 ? allowance / (allowance + cost) : 0.0;
  const double protect = (p.community_training ? 1.0 - p.community_burnout_protection : 1.0) * (1.0 - p.community_burnout_protection * covered);
  const double quit = p.community_quit_rate * (1.0 - acceptance(p));
  for (auto& mgr : managers_) {
    if (mgr.replaced) continue;
    if (mgr.inactive_until >= 0) {
      if (week >= mgr.inactive_until && !p.community_replace) {
        mgr.inactive_until = -1;
        pop.flags[mgr.resident] |= kCommunityManager;
      }
      continue;
    }
    const auto u = ctx.rng.uniforms(mgr.resident, ctx.tick, Stream::Outreach, 99);
    if (u[1] < quit) {  // quits: the role costs more than it brings; a replacement is sought
      mgr.replaced = true;
      pop.flags[mgr.resident] &= static_cast<std::uint8_t>(~kCommunityManager);
      replacements_due_.push_back(week + replacement_weeks(p));
      continue;
    }
    if (u[0] < p.community_burnout_rate * protect) {
      mgr.inactive_until = week + static_cast<std::int32_t>(p.community_recovery_weeks);
      pop.flags[mgr.resident] &= static_cast<std::uint8_t>(~kCommunityManager);
      pop.fatigue[mgr.resident] = 0.9f;
      if (p.community_replace) {
        mgr.replaced = true;
        replacements_due_.push_back(week + replacement_weeks(p));
      }
    }
  }
  // Replacements whose time has come, then match the target number.
  std::sort(replacements_due_.begin(), replacements_due_.end());
  while (!replacements_due_.empty() && replacements_due_.front() <= week) {
    replacements_due_.erase(replacements_due_.begin());
    recruit(ctx);
  }
  auto in_programme = [&]() {
    return static_cast<std::int64_t>(std::count_if(managers_.begin(), managers_.end(), [](const Manager& x) { return !x.replaced; })) +
           static_cast<std::int64_t>(replacements_due_.size());
  };
  while (in_programme() < p.community_managers && recruit(ctx)) {
  }
  for (auto it = managers_.rbegin(); it != managers_.rend() && in_programme() > p.community_managers; ++it)
    if (!it->replaced) {
      it->replaced = true;  // leaves the programme
      pop.flags[it->resident] &= static_cast<std::uint8_t>(~kCommunityManager);
    }
  for (const auto& mgr : managers_) {
    if (mgr.replaced) continue;
    if (mgr.inactive_until < 0)
      counters_.active += 1;
    else
      counters_.burned_out += 1;
  }
  counters_.burned_out += static_cast<double>(replacements_due_.size());
}

// Finding a replacement takes longer when fewer candidates accept.
std::int32_t CommunityManagers::replacement_weeks(const Params& p) {
  return static_cast<std::int32_t>(std::lround(static_cast<double>(p.community_replacement_weeks) / std::max(0.05, acceptance(p))));
}

void CommunityManagers::week(WeekContext& ctx, Policies& all) {
  if (ctx.programmes()) manage(ctx);
  outreach(ctx, all.team);
}

// Street outreach: managers meet residents who never ask, help on the spot, lower the threshold,
// introduce people to each other, recruit volunteers, refer severe cases to the team ([seed001]).
void CommunityManagers::outreach(WeekContext& ctx, Team& team) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  Network& net = ctx.net;
  const auto week = static_cast<std::int32_t>(ctx.tick);
  const double eff = p.community_training ? 1.0 : 0.6;
  const float ask_need = static_cast<float>(p.team_ask_need);
  const auto streets_per_block = static_cast<std::uint32_t>(p.population_streets_per_block);
  for (const auto& mgr : managers_) {
    if (mgr.replaced || mgr.inactive_until >= 0) continue;
    const std::uint32_t c = mgr.resident;
    const std::uint32_t blk = ctx.block_of(c);
    const std::uint32_t lo = pop.street_begin[blk * streets_per_block];
    const std::uint32_t hi = pop.street_begin[std::min<std::size_t>((blk + 1) * streets_per_block, pop.streets)];
    std::uint32_t previous = kNone;
    for (std::int64_t k = 0; k < p.community_contacts; ++k) {
      const auto u = ctx.rng.uniforms(c, ctx.tick, Stream::Outreach, static_cast<std::uint32_t>(k));
      const auto j = lo + static_cast<std::uint32_t>(u[0] * (hi - lo));
      if (j >= hi || j == c || pop.age[j] == AgeGroup::Child) continue;
      pop.shame[j] = std::max(0.0f, pop.shame[j] - static_cast<float>(p.community_shame_reduction * eff));
      // Help on the spot is practical (forms, an errand); loneliness is met by contact: the introduction below.
      int top = 0;
      for (int d = 1; d < kDomains; ++d)
        if (d != Social && pop.need[d][j] > pop.need[top][j]) top = d;
      if (pop.need[top][j] >= pop.threshold[j] && pop.help_source[j] == 0 && pop.remaining[c] > 0.25f) {
        const float h = std::min(1.5f, pop.remaining[c]);
        pop.remaining[c] -= h;
        pop.hours_given[c] += h;
        counters_.hours += h;
        const float skill = std::max(pop.skill[top][c], 0.4f) * static_cast<float>(eff);
        float& nd = pop.need[top][j];
        nd = std::max(0.0f, nd - static_cast<float>(p.helping_effect) * skill * h);
        pop.help_source[j] = static_cast<std::uint8_t>(HelpSource::CommunityManager);
        pop.helper[j] = c;
        pop.hours_received[j] += h;
        if (nd >= ask_need && p.team_enabled) team.apply(ctx, j);
      }
      if ((pop.need[Social][j] >= kSomewhatLonely || pop.active_ties[j] < 3) && u[1] < p.community_broker_probability * eff) {
        const std::uint32_t other = previous != kNone && previous != j ? previous : c;
        if (net.add(j, other, TieKind::Brokered, 0.4f, week) != kNone) ctx.counters.programme_ties += 1;
      }
      if (pop.has(j, kWilling) && !pop.has(j, kVolunteer) && u[2] < p.community_recruit_probability * eff) {
        pop.flags[j] |= kVolunteer;
        pop.budget[j] = std::max(pop.budget[j], static_cast<float>(p.volunteers_hours) * free_time(p, pop.work[j]));
      }
      previous = j;
    }
  }
}

void CommunityManagers::forget(const std::vector<std::uint32_t>& left, const WeekContext& ctx) {
  for (auto& mgr : managers_)
    if (!mgr.replaced && std::binary_search(left.begin(), left.end(), mgr.resident)) {
      mgr.replaced = true;
      replacements_due_.push_back(ctx.week + replacement_weeks(ctx.p));
    }
}

void CommunityManagers::outcomes(WeekOutcomes& o, const Population&, const Params& p) const {
  o[Outcome::cm_active] = counters_.active;
  o[Outcome::cm_burned_out] = counters_.burned_out;
  const double paid = counters_.active + counters_.burned_out;
  o[Outcome::cm_trained] = p.community_training ? paid : 0.0;
  o[Outcome::cost_allowances] += paid * p.community_allowance;
  o[Outcome::cost_training] += o[Outcome::cm_trained] * p.costs_cm_training;
}

}  // namespace buurt
