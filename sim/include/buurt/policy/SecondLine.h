#pragma once
/// Specialist second-line care: residents referred by the team wait, then are treated at a higher cost per hour.
#include <cstdint>
#include <vector>

#include "buurt/core/WeekContext.h"

namespace buurt {

class SecondLine {
 public:
  /// The team refers resident i this week.
  void refer(WeekContext& ctx, std::uint32_t i);
  /// Waiting residents whose wait is over start treatment; treatment relieves need until it closes.
  void week(WeekContext& ctx);
  /// Residents referred and still waiting.
  std::size_t waiting(const Population& pop) const;
  /// Residents who left the wijk leave the waiting list and treatment (sorted list).
  void forget(const std::vector<std::uint32_t>& left);
  /// Every variable that outlives a week, for saved states (buurt/core/State.h).
  template <class Ar>
  void state(Ar& ar) {
    ar("cases", cases_);
    ar("carry", carry_);
  }

 private:
  std::vector<std::uint32_t> cases_;  ///< referred or in treatment, in order of referral
  double carry_ = 0.0;                ///< hours short of a whole place left last week, carried over (less than secondline.hours_per_week)
};

}  // namespace buurt
