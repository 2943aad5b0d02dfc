#pragma once
// Neighbourhoods for the policy tests (tests/sim/policy): one policy acting, the others off.
#include "../test_support.h"
#include "buurt/core/Simulation.h"

namespace buurt::test {

/// Community managers and initiatives on, the team off.
inline Params community(std::int64_t managers, std::int64_t initiatives = 0) {
  Params p = test::small_params(6000);
  p.team_enabled = false;
  p.community_managers = managers;
  p.initiatives_count = initiatives;
  return p;
}

/// Only the team acts: residents in need go straight to it; nothing else changes needs.
inline Params team_only(double fte = 40) {
  Params p = test::small_params(3000);
  p.events_enabled = p.asking_enabled = p.selfhelp_enabled = p.adaptation_enabled = false;
  p.ties_dynamics = false;
  p.volunteers_share = 0;
  p.team_fte_per_1000 = fte / 3.0;  // fte for the 3,000 residents
  p.team_ask_probability = 1.0;
  p.team_referral_need = 5.0;  // nobody is referred unless a test says so
  return p;
}
inline Simulation with_cases(const Params& p, std::size_t every = 10) {
  Simulation sim(p);
  auto& pop = sim.population_mut();
  for (std::size_t i = 0; i < pop.size; i += every) {
    pop.need[Income][i] = 0.8f;
    pop.need[Mental][i] = 0.7f;
  }
  return sim;
}

}  // namespace buurt::test
