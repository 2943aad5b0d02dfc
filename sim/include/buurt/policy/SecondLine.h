#pragma once
/// Specialist second-line care: residents referred by the team wait, then are treated at a higher cost per hour.
#include <cstdint>
#include <vector>

#include "buurt/schema/Outcomes.h"
#include "buurt/week/WeekContext.h"

namespace buurt {

struct Policies;

class SecondLine {
 public:
  /// What the second line counts in a week (policy/Policies.h).
  struct Counters {
    double referrals = 0;            ///< residents the team referred
    double wait_sum = 0, waits = 0;  ///< weeks waited by those starting treatment or still waiting, and their number
    double hours = 0;                ///< hours of treatment given
  };
  void start(const Population&) {}
  void new_week() { counters_ = {}; }
  /// The team refers resident i this week.
  void refer(WeekContext& ctx, std::uint32_t i);
  /// Waiting residents whose wait is over start treatment; treatment relieves need until it closes.
  void week(WeekContext& ctx, Policies& all);
  /// Residents referred and still waiting.
  std::size_t waiting(const Population& pop) const;
  /// Residents who left the wijk leave the waiting list and treatment (sorted list).
  void forget(const std::vector<std::uint32_t>& left, const WeekContext& ctx);
  /// Referrals, waits, waiting residents, hours given and paid (contracted), their cost.
  void outcomes(WeekOutcomes& o, const Population& pop, const Params& p) const;
  /// Every variable that outlives a week, for saved states (buurt/base/State.h).
  template <class Ar>
  void state(Ar& ar) {
    ar("cases", cases_);
    ar("carry", carry_);
    ar("counters", counters_);
  }

 private:
  std::vector<std::uint32_t> cases_;  ///< referred or in treatment, in order of referral
  double carry_ = 0.0;                ///< hours short of a whole place left last week, carried over (less than secondline.hours_per_week)
  Counters counters_;
};

}  // namespace buurt
