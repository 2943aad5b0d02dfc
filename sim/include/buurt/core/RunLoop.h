#pragma once
/// The one run loop: advance a simulation week by week, observe each week, stop when asked.
#include <atomic>
#include <functional>

#include "buurt/core/Simulation.h"

namespace buurt {

/// Called after each simulated week with the simulation in its end-of-week state.
using WeekObserver = std::function<void(const Simulation&)>;

/// Advances `sim` by `weeks` weeks. Before each week `stop` (if given) is checked; when it is set the
/// loop returns false and leaves the simulation at the last completed week. Returns true when all
/// weeks ran. Used by `buurt run`, `buurt compare`, sweeps, the viewer's benchmark and the tests.
inline bool run_weeks(Simulation& sim, long weeks, const std::atomic<bool>* stop = nullptr, const WeekObserver& observe = {}) {
  for (long w = 0; w < weeks; ++w) {
    if (stop && stop->load(std::memory_order_relaxed)) return false;
    sim.step();
    if (observe) observe(sim);
  }
  return true;
}

}  // namespace buurt
