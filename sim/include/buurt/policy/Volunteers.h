#pragma once
/// Phase 7c of the week: who volunteers.
#include <cstdint>
#include <vector>

#include "buurt/base/State.h"
#include "buurt/schema/Outcomes.h"
#include "buurt/week/WeekContext.h"

namespace buurt {

struct Policies;

/// Volunteers: a steady inflow keeps the initial share; dropout rises when initiatives lose ownership.
class Volunteers {
 public:
  /// What the volunteers' programme counts in a week (policy/Policies.h).
  struct Counters {
    double burned_out = 0;  ///< volunteers who stopped this week heavily burdened
  };
  void start(const Population&) {}
  void new_week() { counters_ = {}; }
  /// Dropout (faster when initiatives lose ownership), burnout, inflow and training.
  void week(WeekContext& ctx, Policies& all);
  /// Nothing is kept per resident.
  void forget(const std::vector<std::uint32_t>&, const WeekContext&) {}
  /// Burned-out and trained volunteers, the training's cost (costs add over the modules).
  void outcomes(WeekOutcomes& o, const Population& pop, const Params& p) const;
  /// Every variable that outlives a week, for saved states (buurt/base/State.h).
  template <class Ar>
  void state(Ar& ar) {
    ar("trained", trained_);
    ar("recruited", recruited_);
    ar("burdened_share", burdened_share_);
    ar("burdened_set", burdened_set_);
    ar("counters", counters_);
  }

 private:
  bool trained_ = false;         ///< the volunteers present when training started have been trained
  bool recruited_ = false;       ///< the programme's recruitment at week 0 is done
  double burdened_share_ = 0.0;  ///< heavily burdened share of volunteers, averaged over about a year
  bool burdened_set_ = false;
  Counters counters_;
};

}  // namespace buurt
