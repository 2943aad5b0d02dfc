#include "buurt/policy/Team.h"

#include <algorithm>
#include <cmath>

#include "buurt/policy/Policies.h"
#include "buurt/week/Phase.h"

namespace buurt {

using detail::practical_need;
using detail::relieve;
using detail::top_team_need;

void Team::start(const Population& pop) {
  if (pop.size == 0) return;
  const auto [x0, x1] = std::minmax_element(pop.x.begin(), pop.x.end());
  const auto [y0, y1] = std::minmax_element(pop.y.begin(), pop.y.end());
  state_.x = 0.5f * (*x0 + *x1);
  state_.y = 0.5f * (*y0 + *y1);
}

void Team::apply(WeekContext& ctx, std::uint32_t i) {
  Population& pop = ctx.pop;
  if (pop.team_state[i] != TeamStage::None) return;
  const auto week = static_cast<std::int32_t>(ctx.tick);
  pop.team_state[i] = TeamStage::Queued;
  pop.team_since[i] = week;
  if (pop.team_closed[i] >= 0 && week - pop.team_closed[i] <= 52) counters_.reentries += 1;
  ctx.cases.applied(i, ctx.week);
  queue_.push_back(i);
}

void Team::week(WeekContext& ctx, Policies& all) {
  const Params& p = ctx.p;
  // Attunement: a new team needs one to two years to find its way in the neighbourhood ([seed003]).
  // The attunement ramp starts at week 0; during burn-in the neighbourhood had an attuned team.
  state_.attunement =
      ctx.week < 0 ? 1.0 : std::min(1.0, p.team_attunement_start + static_cast<double>(ctx.week) / static_cast<double>(p.team_attunement_weeks));
  state_.fte = p.team_enabled ? p.team_fte_per_1000 * static_cast<double>(p.population_residents) / 1000.0 : 0.0;
  if (p.team_enabled) {
    applications(ctx);
    // Capacity this week: direct time, minus coordination across parent organisations ([seed002])
    // and registration under output steering ([seed003]).
    const double a = state_.attunement;
    const double effectiveness = 0.4 + 0.6 * a;
    double capacity = state_.fte * p.team_hours_per_fte * p.team_direct_share *
                      std::max(0.0, 1.0 - p.team_coordination_loss * static_cast<double>(p.team_organisations - 1)) * (1.0 - 0.15 * p.team_output_steering);
    drift(ctx);
    const float closure = detail::closure_need(p);
    capacity = casework(ctx, capacity, closure, effectiveness);
    intakes(ctx, capacity, closure, all.second_line);
    waiting(ctx);
  }
  // The waiting time counts those still in the queue with the weeks they have waited so far, so a team
  // that takes nobody in shows a growing wait.
  const auto week = static_cast<std::int32_t>(ctx.tick);
  for (auto i : queue_) counters_.queue_wait_sum += week - ctx.pop.team_since[i];
  counters_.queued += static_cast<double>(queue_.size());
  state_.queue = queue_.size();
  state_.caseload = caseload_.size();
}

// Who applies: in need, not helped this week, not already with the team.
void Team::applications(WeekContext& ctx) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  const float ask_need = static_cast<float>(p.team_ask_need);
  // Drawn in parallel (collect_chunks), applied in index order.
  const auto applicants = detail::collect_chunks<std::uint32_t>(pop.size, [&](std::size_t begin, std::size_t end, std::vector<std::uint32_t>& out) {
    for (std::size_t i = begin; i != end; ++i) {
      if (pop.team_state[i] != TeamStage::None || pop.help_source[i] != 0 || pop.age[i] == AgeGroup::Child) continue;
      if (top_team_need(pop, i) < ask_need) continue;
      // Trust in professionals (built by closed cases, lost by waiting and being sent back) makes applying easier.
      const double trust = p.adaptation_trust_professionals_acts ? 0.5 + pop.trust_professionals[i] : 1.0;
      const double prob = std::min(1.0, p.team_ask_probability * trust * (1.0 + pop.dependency[i]));
      if (ctx.rng.uniforms(static_cast<std::uint32_t>(i), ctx.tick, Stream::Team, 0)[0] < prob) out.push_back(static_cast<std::uint32_t>(i));
    }
  });
  for (const std::uint32_t i : applicants) apply(ctx, i);
}

// The mode the team practises: under queue pressure and output steering it drifts back toward directive
// work, the old pattern ([seed002]); steered on trust it holds the mode it is asked to keep.
void Team::drift(WeekContext& ctx) {
  const Params& p = ctx.p;
  const double queue = static_cast<double>(queue_.size()), cases = static_cast<double>(caseload_.size());
  const double pressure = queue + cases > 0.0 ? queue / (queue + cases) : 0.0;
  const double target = p.team_mode * (1.0 - p.team_output_steering * pressure);
  if (!p.team_drift || !state_.practised_set)
    state_.practised_mode = p.team_mode;
  else
    state_.practised_mode += p.team_drift_rate * (target - state_.practised_mode);
  state_.practised_set = true;
}

// Case work, oldest cases first; when hours run short every case gets the same share. The practised mode m
// splits a case's hours: 1 - m solving the problem (need falls, dependency grows), m working with the
// resident's network (open questions, encouragement to ask, mobilising ties), which takes extra hours in
// the first weeks of a case (team.ways_of_working).
double Team::casework(WeekContext& ctx, double capacity, float closure, double effectiveness) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  Network& net = ctx.net;
  const auto week = static_cast<std::int32_t>(ctx.tick);
  const double m = p.team_ways_of_working ? state_.practised_mode : 0.5;
  auto handoff_due = [&](std::uint32_t i) { return !p.services_integrated && week == pop.team_since[i] && pop.need[Income][i] > 0.0f; };
  auto hours_of = [&](std::uint32_t i) {
    const bool early = week - pop.team_since[i] < static_cast<std::int32_t>(p.team_facilitating_weeks);
    return p.team_case_hours * (1.0 + (early ? m * p.team_facilitating_extra : 0.0));
  };
  double needed = 0.0;
  for (auto i : caseload_) {
    needed += hours_of(i);
    if (handoff_due(i)) needed += p.services_handoff_hours;
  }
  const double share = needed > 0.0 ? std::min(1.0, capacity / needed) : 1.0;
  const double orgs = static_cast<double>(p.team_organisations);
  const double bounce = p.team_bouncing ? p.team_bounce_rate * (orgs - 1.0) / orgs : 0.0;
  const float thr = static_cast<float>(p.events_in_need_threshold);
  for (auto i : caseload_) {
    // Split loyalty ([seed002]): a case with needs in several domains is passed between the parent
    // organisations; it loses this week's work and what was learned, and the resident's trust. One household
    // plan (integrated services, [seed004]) keeps cases with an income need in one hand.
    int domains = 0;
    for (int d = 0; d < kDomains; ++d) domains += d != Social && pop.need[d][i] >= thr;
    const bool one_plan = p.services_integrated && pop.need[Income][i] >= thr;
    if (domains >= 2 && !one_plan && ctx.rng.uniforms(i, ctx.tick, Stream::Team, 3)[0] < bounce) {
      capacity -= p.team_bounce_hours;
      counters_.hours += p.team_bounce_hours;
      counters_.bounces += 1;
      pop.team_since[i] = week;  // starts again with the next organisation
      pop.trust_professionals[i] = std::max(0.0f, pop.trust_professionals[i] - static_cast<float>(2 * p.team_trust_loss));
      continue;
    }
    const double h = hours_of(i) * share;
    const double solving = (1.0 - m) * h, network_hours = m * h;
    if (handoff_due(i)) {
      const double handoff = p.services_handoff_hours * share;  // hand-off between separate desks
      capacity -= handoff;
      counters_.hours += handoff;
    }
    capacity -= h;
    counters_.hours += h;
    relieve(pop, i, static_cast<float>(p.team_relief * effectiveness * solving));
    const auto u = ctx.rng.uniforms(i, ctx.tick, Stream::Team, 1);
    // Facilitating: self-reliance and self-direction grow; the network is mobilised. The resident
    // experiences its own strength in a week its own network carried part of the problem ([seed000]), so
    // residents with few ties, whose network rarely helps, gain little ([seed003]; team.growth_through_network).
    const bool own_network = detail::is_informal(static_cast<HelpSource>(pop.help_source[i]));
    const float grow =
        !p.team_growth_through_network || own_network ? static_cast<float>(std::min(1.0, network_hours * p.team_facilitating_growth * effectiveness)) : 0.0f;
    pop.self_reliance[i] += grow * (1.0f - pop.self_reliance[i]);
    pop.self_direction[i] += grow * (1.0f - pop.self_direction[i]);
    // Encouraged to ask: the threshold to turn to one's own ties falls (read by asking, phase 3).
    pop.shame[i] = std::max(0.0f, pop.shame[i] - static_cast<float>(p.team_encourage * network_hours));
    // Community building: a lonely client is introduced to the citizen initiative of its block (read when
    // residents join an initiative, phase 7b).
    if (p.team_community_building && pop.member_of[i] == 0 && pop.need[Social][i] >= thr && u[2] < network_hours * p.team_introduce_rate * effectiveness)
      pop.flags[i] |= kIntroduced;
    const bool hides = pop.has(i, kHidesNetwork);
    if (u[0] < network_hours * p.team_mobilise_rate * effectiveness * (hides ? 0.5 : 1.0)) {
      // Revive the strongest dormant tie, or (hidden network) introduce a street neighbour.
      std::uint32_t best = kNone;
      float best_s = 0.0f;
      if (!hides)
        for (std::uint32_t k = net.row_begin[i]; k < net.row_begin[i + 1]; ++k) {
          if (net.other[k] == kNone) continue;
          const std::uint32_t e = net.edge[k];
          const float s = net.strength[e];
          if ((s > 0.0f || net.kind[e] == TieKind::Kin) && s < static_cast<float>(p.ties_active_strength) && s >= best_s) {
            best_s = s;
            best = e;
          }
        }
      if (best != kNone) {
        net.strength[best] = 0.5f;
      } else {
        const std::uint32_t st = pop.street[i];
        const std::uint32_t lo = pop.street_begin[st], hi = pop.street_begin[st + 1];
        const auto j = lo + static_cast<std::uint32_t>(u[1] * (hi - lo));
        if (j < hi && pop.household[j] != pop.household[i] && net.add(i, j, TieKind::Brokered, 0.4f, week) != kNone) ctx.counters.programme_ties += 1;
      }
    }
    // Hours spent solving the problem for the resident: it is taken over, and dependency grows.
    pop.dependency[i] += static_cast<float>(std::min(1.0, solving * p.team_dependency_gain)) * (1.0f - pop.dependency[i]);
    if (pop.help_source[i] == 0) {
      pop.help_source[i] = static_cast<std::uint8_t>(HelpSource::Team);
      pop.hours_received[i] += static_cast<float>(h);
    }
    if (top_team_need(pop, i) < closure) {
      pop.team_state[i] = TeamStage::None;
      pop.team_closed[i] = week;
      pop.flags[i] &= static_cast<std::uint8_t>(~(kInTeam | kIntroduced));
      pop.trust_professionals[i] += static_cast<float>(p.team_trust_gain) * (1.0f - pop.trust_professionals[i]);
      ctx.cases.close(i, ctx.week, practical_need(pop, i));
    }
  }
  std::erase_if(caseload_, [&](std::uint32_t i) { return pop.team_state[i] != TeamStage::Case; });
  return capacity;
}

void Team::intakes(WeekContext& ctx, double capacity, float closure, SecondLine& second_line) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  const auto week = static_cast<std::int32_t>(ctx.tick);
  const double intake = p.team_intake_hours * (2.0 - state_.attunement) + (p.team_network_first ? p.team_network_first_hours : 0.0);
  while (!queue_.empty() && capacity >= intake) {
    const std::uint32_t i = queue_.front();
    queue_.pop_front();
    capacity -= intake;
    counters_.hours += intake;
    counters_.intakes += 1;
    const int wait = week - pop.team_since[i];
    counters_.wait_sum += wait;
    pop.team_wait[i] = static_cast<std::uint16_t>(std::min(wait, 65535));
    pop.team_state[i] = TeamStage::None;
    if (top_team_need(pop, i) < closure) continue;  // solved while waiting
    const auto u = ctx.rng.uniforms(i, ctx.tick, Stream::Team, 2);
    if (p.team_network_first) {
      // Residents learn to hide family and friends at the kitchen table ([seed002]).
      if (u[0] < p.team_hide_share) {
        pop.flags[i] |= kHidesNetwork;
        pop.trust_professionals[i] = std::max(0.0f, pop.trust_professionals[i] - static_cast<float>(2 * p.team_trust_loss));
      } else if (pop.active_ties[i] >= 3) {
        pop.trust_professionals[i] = std::max(0.0f, pop.trust_professionals[i] - static_cast<float>(5 * p.team_trust_loss));
        pop.team_closed[i] = week;
        continue;  // sent back to the network
      }
    }
    // Complex cases (need summed over the practical domains) go to the specialist second line ([seed003]).
    if (practical_need(pop, i) >= static_cast<float>(p.team_referral_need)) {
      second_line.refer(ctx, i);
      continue;
    }
    pop.team_state[i] = TeamStage::Case;
    pop.team_since[i] = week;
    ctx.cases.open(Service::Team, i, ctx.week - wait, ctx.week, practical_need(pop, i));
    pop.flags[i] |= kInTeam;
    caseload_.push_back(i);
  }
}

// Waiting erodes trust in professionals beyond four weeks (Wmo practice: 4-6 weeks to a first talk).
// Residents whose problem has become smaller than what brought them to the team leave the queue.
void Team::waiting(WeekContext& ctx) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  const auto week = static_cast<std::int32_t>(ctx.tick);
  const float ask_need = static_cast<float>(p.team_ask_need);
  for (auto i : queue_) {
    if (week - pop.team_since[i] > 4) pop.trust_professionals[i] = std::max(0.0f, pop.trust_professionals[i] - static_cast<float>(p.team_trust_loss));
    if (top_team_need(pop, i) < ask_need) {  // leaves the queue, with the weeks it waited
      pop.team_state[i] = TeamStage::None;
      pop.team_wait[i] = static_cast<std::uint16_t>(std::min(week - pop.team_since[i], 65535));
    }
  }
  std::erase_if(queue_, [&](std::uint32_t i) { return pop.team_state[i] != TeamStage::Queued; });
}

void Team::forget(const std::vector<std::uint32_t>& left, const WeekContext&) {
  const auto gone = [&](std::uint32_t i) { return std::binary_search(left.begin(), left.end(), i); };
  std::erase_if(queue_, gone);
  std::erase_if(caseload_, gone);
}

void Team::outcomes(WeekOutcomes& o, const Population&, const Params& p) const {
  using detail::ratio;
  const Counters& c = counters_;
  o[Outcome::professional_hours] = c.hours;
  // Paid capacity, used or not: a municipality pays the FTE it employs.
  o[Outcome::team_paid_hours] = state_.fte * p.team_hours_per_fte;
  o[Outcome::team_utilisation] = ratio(c.hours, o[Outcome::team_paid_hours]);
  o[Outcome::team_queue] = static_cast<double>(queue_.size());
  o[Outcome::team_caseload] = static_cast<double>(caseload_.size());
  o[Outcome::team_practised_mode] = state_.practised_mode;
  o[Outcome::team_mean_wait] = ratio(c.wait_sum + c.queue_wait_sum, c.intakes + c.queued);
  o[Outcome::team_intake_wait] = ratio(c.wait_sum, c.intakes);
  o[Outcome::team_intakes] = c.intakes;
  o[Outcome::team_bounces] = c.bounces;
  o[Outcome::reentries] = c.reentries;
  o[Outcome::cost_professional] = o[Outcome::team_paid_hours] * p.costs_professional_hour;
}

}  // namespace buurt
