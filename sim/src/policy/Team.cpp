// Phase 6: the social team, the second line and the social services.
// The team is one actor with one queue, so this phase runs serially in resident-index order; the
// per-resident decision to apply is drawn in parallel from the counter-based generator.
#include <algorithm>
#include <cmath>

#include "buurt/core/Parallel.h"
#include "buurt/core/Simulation.h"

namespace buurt {
namespace {


/// Top need in the domains the team works on: loneliness is left to contact, managers and initiatives.
float top_team_need(const Population& pop, std::size_t i) {
  float m = 0.0f;
  for (int d = 0; d < kDomains; ++d)
    if (d != Social) m = std::max(m, pop.need[d][i]);
  return m;
}

/// Remove `amount` of need, spread over the domains in proportion to their need.
void relieve(Population& pop, std::size_t i, float amount) {
  const float total = pop.total_need(i);
  if (total <= 0.0f || amount <= 0.0f) return;
  for (int d = 0; d < kDomains; ++d) {
    float& n = pop.need[d][i];
    n = std::max(0.0f, n - amount * n / total);
    if (n < 0.02f) n = 0.0f;
  }
}

}  // namespace

void Simulation::apply_to_team(std::uint32_t i) {
  if (pop_.team_state[i] != static_cast<std::uint8_t>(TeamStage::None)) return;
  pop_.team_state[i] = static_cast<std::uint8_t>(TeamStage::Queued);
  pop_.team_since[i] = static_cast<std::int32_t>(cur_);
  if (pop_.team_closed[i] >= 0 && static_cast<std::int32_t>(cur_) - pop_.team_closed[i] <= 52) pc_.reentries += 1;
  queue_.push_back(i);
}

void Simulation::team_phase() {
  pc_ = PolicyCounters{};
  const auto week = static_cast<std::int32_t>(cur_);
  // Attunement: a new team needs one to two years to find its way in the neighbourhood (seed 003).
  // The attunement ramp starts at week 0; during burn-in the neighbourhood had an attuned team.
  team_.attunement = week_ < 0 ? 1.0 : std::min(1.0, p_.team_attunement_start + static_cast<double>(week_) / static_cast<double>(p_.team_attunement_weeks));
  team_.fte = p_.team_enabled ? p_.team_fte : 0.0;
  if (!p_.team_enabled) {
    team_.queue = queue_.size();
    team_.caseload = caseload_.size();
    return;
  }
  const float ask_need = static_cast<float>(p_.team_ask_need);
  // 1. Who applies: in need, not helped this week, not already with the team.
  par::for_chunks(pop_.size, 4096, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i != end; ++i) {
      apply_[i] = 0;
      if (pop_.team_state[i] != 0 || pop_.help_source[i] != 0 || pop_.age[i] == AgeGroup::Child) continue;
      if (top_team_need(pop_, i) < ask_need) continue;
      const double prob = std::min(1.0, p_.team_ask_probability * (0.5 + pop_.trust_professionals[i]) * (1.0 + pop_.dependency[i]));
      apply_[i] = rng_.uniforms(static_cast<std::uint32_t>(i), cur_, Stream::Team, 0)[0] < prob;
    }
  });
  for (std::size_t i = 0; i < pop_.size; ++i)
    if (apply_[i]) apply_to_team(static_cast<std::uint32_t>(i));

  // 2. Capacity this week: direct time, minus coordination across parent organisations (seed 002)
  //    and registration under output steering (seed 003).
  const double a = team_.attunement;
  const double effectiveness = 0.4 + 0.6 * a;
  double capacity = p_.team_fte * p_.team_hours_per_fte * p_.team_direct_share *
                    std::max(0.0, 1.0 - p_.team_coordination_loss * static_cast<double>(p_.team_organisations - 1)) * (1.0 - 0.15 * p_.team_output_steering);
  const double m = p_.team_mode;
  const float relief_per_hour = static_cast<float>(((1.0 - m) * p_.team_directive_relief + m * p_.team_facilitating_relief) * effectiveness);
  const float closure = static_cast<float>(p_.team_closure_need + 0.25 * p_.team_output_steering);

  // 3. Case work, oldest cases first; when hours run short every case gets the same share.
  double needed = 0.0;
  for (auto i : caseload_) {
    needed += p_.team_case_hours;
    if (!p_.services_integrated && week == pop_.team_since[i] && pop_.need[Income][i] > 0.0f) needed += p_.services_handoff_hours;
  }
  const double share = needed > 0.0 ? std::min(1.0, capacity / needed) : 1.0;
  for (auto i : caseload_) {
    double h = p_.team_case_hours * share;
    if (!p_.services_integrated && week == pop_.team_since[i] && pop_.need[Income][i] > 0.0f) {
      const double handoff = p_.services_handoff_hours * share;  // hand-off between separate desks
      capacity -= handoff;
      pc_.professional_hours += handoff;
    }
    capacity -= h;
    pc_.professional_hours += h;
    relieve(pop_, i, relief_per_hour * static_cast<float>(h));
    // Benefits and debt relief: one household plan when integrated, after hand-offs otherwise (seed 004).
    if (p_.services_integrated || week - pop_.team_since[i] >= static_cast<std::int32_t>(p_.services_handoff_weeks)) {
      float& inc = pop_.need[Income][i];
      inc = std::max(0.0f, inc - static_cast<float>(p_.services_income_relief * effectiveness));
      if (inc < 0.02f) inc = 0.0f;
    }
    const auto u = rng_.uniforms(i, cur_, Stream::Team, 1);
    // Facilitating: self-reliance and self-direction grow; the network is mobilised.
    // It works through the resident's own network: with few active ties there is little to build on.
    const float network = std::min(1.0f, static_cast<float>(pop_.active_ties[i]) / static_cast<float>(p_.ties_protective_ties));
    const float grow = static_cast<float>(m * p_.team_facilitating_growth * effectiveness) * network;
    pop_.self_reliance[i] += grow * (1.0f - pop_.self_reliance[i]);
    pop_.self_direction[i] += grow * (1.0f - pop_.self_direction[i]);
    const bool hides = pop_.has(i, kHidesNetwork);
    if (u[0] < m * p_.team_mobilise_rate * effectiveness * (hides ? 0.5 : 1.0)) {
      // Revive the strongest dormant tie, or (hidden network) introduce a street neighbour.
      std::uint32_t best = kNone;
      float best_s = 0.0f;
      if (!hides)
        for (std::uint32_t k = net_.row_begin[i]; k < net_.row_begin[i + 1]; ++k) {
          if (net_.other[k] == kNone) continue;
          const std::uint32_t e = net_.edge[k];
          const float s = net_.strength[e];
          if ((s > 0.0f || net_.kind[e] == TieKind::Kin) && s < static_cast<float>(p_.ties_active_strength) && s >= best_s) {
            best_s = s;
            best = e;
          }
        }
      if (best != kNone) {
        net_.strength[best] = 0.5f;
      } else {
        const std::uint32_t st = pop_.street[i];
        const std::uint32_t lo = pop_.street_begin[st], hi = pop_.street_begin[st + 1];
        const auto j = lo + static_cast<std::uint32_t>(u[1] * (hi - lo));
        if (j < hi && pop_.household[j] != pop_.household[i] && net_.add(i, j, TieKind::Brokered, 0.4f, week) != kNone) pc_.ties_formed += 1;
      }
    }
    // Directive: problems are taken over; dependency grows.
    pop_.dependency[i] += static_cast<float>((1.0 - m) * p_.team_dependency_gain) * (1.0f - pop_.dependency[i]);
    if (pop_.help_source[i] == 0) {
      pop_.help_source[i] = static_cast<std::uint8_t>(HelpSource::Team);
      pop_.hours_received[i] += static_cast<float>(h);
    }
    if (top_team_need(pop_, i) < closure) {
      pop_.team_state[i] = static_cast<std::uint8_t>(TeamStage::None);
      pop_.team_closed[i] = week;
      pop_.flags[i] &= static_cast<std::uint8_t>(~kInTeam);
      pop_.trust_professionals[i] += static_cast<float>(p_.team_trust_gain) * (1.0f - pop_.trust_professionals[i]);
    }
  }
  std::erase_if(caseload_, [&](std::uint32_t i) { return pop_.team_state[i] != static_cast<std::uint8_t>(TeamStage::Case); });

  // 4. Intakes from the front of the queue while hours last.
  const double intake = p_.team_intake_hours * (2.0 - a) + (p_.team_network_first ? p_.team_network_first_hours : 0.0);
  while (!queue_.empty() && capacity >= intake) {
    const std::uint32_t i = queue_.front();
    queue_.pop_front();
    capacity -= intake;
    pc_.professional_hours += intake;
    pc_.intakes += 1;
    const int wait = week - pop_.team_since[i];
    pc_.wait_sum += wait;
    pop_.team_wait[i] = static_cast<std::uint16_t>(std::min(wait, 65535));
    pop_.team_state[i] = static_cast<std::uint8_t>(TeamStage::None);
    if (top_team_need(pop_, i) < closure) continue;  // solved while waiting
    const auto u = rng_.uniforms(i, cur_, Stream::Team, 2);
    if (p_.team_network_first) {
      // Residents learn to hide family and friends at the kitchen table (seed 002).
      if (u[0] < p_.team_hide_share) {
        pop_.flags[i] |= kHidesNetwork;
        pop_.trust_professionals[i] = std::max(0.0f, pop_.trust_professionals[i] - static_cast<float>(2 * p_.team_trust_loss));
      } else if (pop_.active_ties[i] >= 3) {
        pop_.trust_professionals[i] = std::max(0.0f, pop_.trust_professionals[i] - static_cast<float>(5 * p_.team_trust_loss));
        pop_.team_closed[i] = week;
        continue;  // sent back to the network
      }
    }
    if (u[1] > p_.team_generalist_share) {
      pop_.team_state[i] = static_cast<std::uint8_t>(TeamStage::Referred);
      pop_.team_since[i] = week;
      pop_.referrals[i] = static_cast<std::uint8_t>(std::min(255, pop_.referrals[i] + 1));
      pc_.referrals += 1;
      secondline_.push_back(i);
      continue;
    }
    pop_.team_state[i] = static_cast<std::uint8_t>(TeamStage::Case);
    pop_.team_since[i] = week;
    pop_.flags[i] |= kInTeam;
    caseload_.push_back(i);
  }
  // Waiting erodes trust in professionals beyond four weeks (Wmo practice: 4-6 weeks to a first talk).
  // Residents whose problem has become smaller than what brought them to the team leave the queue.
  for (auto i : queue_)
    if (week - pop_.team_since[i] > 4) pop_.trust_professionals[i] = std::max(0.0f, pop_.trust_professionals[i] - static_cast<float>(p_.team_trust_loss));
  std::erase_if(queue_, [&](std::uint32_t i) {
    if (top_team_need(pop_, i) >= ask_need) return false;
    pop_.team_state[i] = static_cast<std::uint8_t>(TeamStage::None);
    pop_.team_wait[i] = static_cast<std::uint16_t>(std::min(week - pop_.team_since[i], 65535));
    return true;
  });

  // 5. Second line: its own waiting time, then treatment at a much higher cost per hour.
  for (auto i : secondline_) {
    auto& st = pop_.team_state[i];
    if (st == static_cast<std::uint8_t>(TeamStage::Referred) && week - pop_.team_since[i] >= static_cast<std::int32_t>(p_.secondline_wait_weeks)) {
      st = static_cast<std::uint8_t>(TeamStage::Treatment);
      pop_.team_since[i] = week;
    }
    if (st == static_cast<std::uint8_t>(TeamStage::Treatment)) {
      pc_.secondline_hours += p_.secondline_hours_per_week;
      relieve(pop_, i, static_cast<float>(p_.secondline_relief * p_.secondline_hours_per_week));
      if (pop_.help_source[i] == 0) pop_.help_source[i] = static_cast<std::uint8_t>(HelpSource::SecondLine);
      if (top_team_need(pop_, i) < closure || week - pop_.team_since[i] >= static_cast<std::int32_t>(p_.secondline_treatment_weeks)) {
        st = static_cast<std::uint8_t>(TeamStage::None);
        pop_.team_closed[i] = week;
      }
    }
  }
  std::erase_if(secondline_, [&](std::uint32_t i) { return pop_.team_state[i] == static_cast<std::uint8_t>(TeamStage::None); });
  team_.queue = queue_.size();
  team_.caseload = caseload_.size();
}

}  // namespace buurt
