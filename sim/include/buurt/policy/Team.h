#pragma once
/// Phase 6 of the week: the social team (wijkteam) with its queue and caseload, and the social services.
#include <cstdint>
#include <deque>
#include <vector>

#include "buurt/base/State.h"
#include "buurt/schema/Outcomes.h"
#include "buurt/week/WeekContext.h"

namespace buurt {

class SecondLine;
struct Policies;

/// Where the social team works from (drawn by the viewer), and its size this week.
struct TeamState {
  float x = 0, y = 0;
  double fte = 0;
  double attunement = 1.0;      ///< 0..1, ramps up for a new team
  double practised_mode = 0.0;  ///< the mode the team works in this week (drifts from team.mode under pressure)
  bool practised_set = false;
  std::size_t queue = 0, caseload = 0;
};

/// The team is one actor with one queue, so its week runs serially in resident-index order; the
/// per-resident decision to apply is drawn in parallel from the counter-based generator.
class Team {
 public:
  /// What the team counts in a week (policy/Policies.h: zeroed by new_week, reported by outcomes).
  struct Counters {
    double intakes = 0, wait_sum = 0, reentries = 0;  ///< residents taken in, the weeks they waited, re-entries within a year
    double queue_wait_sum = 0, queued = 0;            ///< weeks waited so far by those still in the queue, and their number
    double bounces = 0;                               ///< cases bounced between parent organisations
    double hours = 0;                                 ///< professional hours worked
  };

  /// Places the team's office in the middle of the neighbourhood.
  void start(const Population& pop);
  void new_week() { counters_ = {}; }
  /// Applications, case work, intakes (referring to the second line) and the queue, for one week.
  void week(WeekContext& ctx, Policies& all);
  /// Resident i asks the team for help (e.g. referred by a community manager); ignored if already with the team.
  void apply(WeekContext& ctx, std::uint32_t i);

  /// Residents who left the wijk leave the queue and the caseload (sorted list).
  void forget(const std::vector<std::uint32_t>& left, const WeekContext& ctx);
  /// The team's outcomes: queue, caseload, waits, intakes, hours worked and paid, payroll.
  void outcomes(WeekOutcomes& o, const Population& pop, const Params& p) const;
  const TeamState& state() const { return state_; }
  std::size_t queued() const { return queue_.size(); }
  std::size_t cases() const { return caseload_.size(); }
  /// Every variable that outlives a week, for saved states (buurt/base/State.h).
  template <class Ar>
  void state(Ar& ar) {
    ar("x", state_.x);
    ar("y", state_.y);
    ar("fte", state_.fte);
    ar("attunement", state_.attunement);
    ar("practised_mode", state_.practised_mode);
    ar("practised_set", state_.practised_set);
    ar("queue_length", state_.queue);
    ar("caseload_size", state_.caseload);
    ar("queue", queue_);
    ar("caseload", caseload_);
    ar("counters", counters_);
  }

 private:
  void applications(WeekContext& ctx);
  /// Case work for this week's hours; returns the hours left.
  double casework(WeekContext& ctx, double capacity, float closure, double effectiveness);
  void drift(WeekContext& ctx);
  /// Intakes from the front of the queue while hours last.
  void intakes(WeekContext& ctx, double capacity, float closure, SecondLine& second_line);
  void waiting(WeekContext& ctx);

  TeamState state_;
  std::deque<std::uint32_t> queue_;
  std::vector<std::uint32_t> caseload_;
  Counters counters_;
};

}  // namespace buurt
