#pragma once
/// The model's week: a fixed schedule of named phases over residents and ties, and the state they share.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "buurt/base/Rng.h"
#include "buurt/behaviour/Care.h"
#include "buurt/behaviour/Demography.h"
#include "buurt/behaviour/Help.h"
#include "buurt/behaviour/Reciprocity.h"
#include "buurt/behaviour/Ties.h"
#include "buurt/network/Network.h"
#include "buurt/policy/Policies.h"
#include "buurt/population/Population.h"
#include "buurt/schema/Outcomes.h"
#include "buurt/schema/Schema.h"
#include "buurt/week/WeekContext.h"

namespace buurt {

/// Groups of the week's steps as `buurt bench --phases` times them (week/Week.def).
enum class Phase : int {
#define GROUP(id, label) id,
#define STEP(id, group, number, call, file, writes)
#include "buurt/week/Week.def"
#undef STEP
#undef GROUP
};
inline constexpr std::array kPhaseNames = {
#define GROUP(id, label) label,
#define STEP(id, group, number, call, file, writes)
#include "buurt/week/Week.def"
#undef STEP
#undef GROUP
};

/// The steps of the week, in the order step() runs them (week/Week.def).
enum class WeekStep : int {
#define GROUP(id, label)
#define STEP(id, group, number, call, file, writes) id,
#include "buurt/week/Week.def"
#undef STEP
#undef GROUP
};
struct WeekStepSpec {
  WeekStep id;
  Phase group;
  std::string_view number, call, file, writes;
};
inline constexpr std::array kWeek = {
#define GROUP(id, label)
#define STEP(id, group, number, call, file, writes) WeekStepSpec{WeekStep::id, Phase::group, number, call, file, writes},
#include "buurt/week/Week.def"
#undef STEP
#undef GROUP
};
/// The schedule as the Markdown table of docs/architecture.md (`buurt describe week --markdown`).
std::string week_markdown();

/// Seconds spent in each group of phases over `weeks` weeks.
struct PhaseProfile {
  std::array<double, kPhaseNames.size()> seconds{};
  long weeks = 0;
};

/// Measures the time since the last mark and books it to a phase (no clock read without a profile).
class Laps {
 public:
  explicit Laps(PhaseProfile* p) : p_(p) {
    if (p_) t_ = std::chrono::steady_clock::now();
  }
  void operator()(Phase phase) {
    if (!p_) return;
    const auto now = std::chrono::steady_clock::now();
    p_->seconds[static_cast<std::size_t>(phase)] += std::chrono::duration<double>(now - t_).count();
    t_ = now;
  }

 private:
  PhaseProfile* p_;
  std::chrono::steady_clock::time_point t_{};
};

class Simulation {
 public:
  /// Builds population and network for (params.run.seed, run) and runs the burn-in. When `stop` is set
  /// during the burn-in (Ctrl-C), it ends early: the caller checks `stop` and discards the simulation.
  explicit Simulation(const Params& params, std::uint32_t run = 0, const std::atomic<bool>* stop = nullptr);
  /// A neighbourhood burned in before: `load` fills the state at week 0 (a state file, a comparison's
  /// buffer; see state()), then the scenario's policy keys switch on. Nothing is built or burned in.
  Simulation(const Params& params, std::uint32_t run, const std::function<void(Simulation&)>& load);

  /// Advance one week.
  void step();

  int week() const { return week_; }  ///< weeks completed since week 0 (negative during burn-in)
  std::uint32_t run() const { return run_; }
  const Params& params() const { return p_; }
  /// Change parameters of a running simulation (policy sliders). Run and structure keys keep their values.
  void steer(const Params& p);
  const Population& population() const { return pop_; }
  const Network& network() const { return net_; }
  const WeekOutcomes& outcomes() const { return out_; }
  const std::vector<Initiative>& initiatives() const { return policies_.initiatives.all(); }
  const TeamState& team() const { return policies_.team.state(); }
  /// Writable state, for tests and tools that set up a situation between weeks (never during step()).
  Population& population_mut() { return pop_; }
  Network& network_mut() { return net_; }
  /// Recompute derived state (active ties, need mask, outcomes) after editing state by hand.
  void refresh();
  /// Bytes per resident of all state, ties included (for the benchmark).
  double bytes_per_resident() const;
  /// Time each group of phases from now on into `profile` (nullptr: stop).
  void profile(PhaseProfile* profile) { profile_ = profile; }
  /// The team's and the second line's case records (effects per client).
  const CaseBook& cases() const { return cases_; }
  /// Weeks run before week 0 (the burn-in this neighbourhood had).
  int burn_in() const { return burn_in_; }

  /// Every variable that outlives a week, by part (buurt/base/State.h): what a saved state holds. The random
  /// numbers need none: they are a function of (run.seed, run, ...).
  template <class Ar>
  void state(Ar& ar) {
    ar("week", week_);
    ar("burn_in", burn_in_);
    ar("tick", tick_);
    ar("counters", counters_);
    ar("outcomes", out_.v);
    part(ar, "population", pop_);
    part(ar, "network", net_);
    part(ar, "demography", demography_);
    part(ar, "care", care_);
    part(ar, "matching", matching_);
    policies_.for_each([&](const char* name, auto& policy) { part(ar, name, policy); });
    part(ar, "cases", cases_);
  }

 private:
  template <class Ar, class Part>
  static void part(Ar& ar, const char* name, Part& x) {
    auto g = ar.group(name);
    x.state(ar);
  }
  WeekContext context();
  /// One step of the week (week/Week.def).
  void run_step(WeekStep step, WeekContext& ctx);
  void accounting();
  /// Residents who left or died this week leave every queue, caseload and programme.
  void forget(const std::vector<std::uint32_t>& left, const WeekContext& ctx);

  Params p_;
  std::uint32_t run_;
  Rng rng_;
  Population pop_;
  Network net_;
  WeekOutcomes out_;
  WeekCounters counters_;
  int week_ = 0;
  int burn_in_ = 0;         ///< weeks run before week 0 (random numbers use week + burn_in)
  std::uint32_t tick_ = 0;  ///< week being simulated, counted from the start of the burn-in
  PhaseProfile* profile_ = nullptr;

  // The phases' own state and buffers, in the order of the week.
  Demography demography_;
  phase::VolunteerPool volunteers_pool_;
  phase::CareCircle care_;
  phase::Matching matching_;
  phase::Reciprocity reciprocity_;
  phase::TieDynamics ties_;
  Policies policies_;  ///< every policy module (policy/Policies.h)
  CaseBook cases_;     ///< the services' case records (effects per client)
};

/// A neighbourhood's state as bytes (a saved neighbourhood in memory, buurt/base/State.h).
std::vector<std::byte> save_state(Simulation& sim);
/// The neighbourhood saved in `bytes` with `params`' policy keys switched on, as replicate `run`.
Simulation restore_state(const Params& params, std::uint32_t run, const std::vector<std::byte>& bytes);

}  // namespace buurt
