#pragma once
/// Phase 5b of the week: reciprocity both ways. Residents who owe hours on a tie give some back.
#include <cstdint>
#include <vector>

#include "buurt/core/WeekContext.h"

namespace buurt::phase {

/// A resident who owes at least reciprocity.min_owed hours on an active tie outside its household gives back
/// up to reciprocity.favour_hours on the tie where it owes most, from the time it has left this week (its
/// helping budget, then its household hours). Owing more than ties.imbalance_limit hours in all weighs on
/// mental health (reciprocity.owing_strain). Decisions are taken on the balances as they stand, then
/// applied, so the result does not depend on the thread order: only a tie's debtor writes it.
class Reciprocity {
 public:
  void resize(std::size_t residents) {
    entry_.assign(residents, kNone);
    hours_.assign(residents, 0.0f);
  }
  void week(WeekContext& ctx);
  double bytes_per_resident() const { return 8.0; }
  /// Scratch of the week, per tie (not part of the state).
  double tie_bytes() const { return static_cast<double>(owed_.capacity()) * sizeof(float); }
  /// Every variable that outlives a week, for saved states (buurt/core/State.h).
  template <class Ar>
  void state(Ar& ar) {
    ar("entry", entry_);
    ar("hours", hours_);
  }

 private:
  std::vector<std::uint32_t> entry_;  ///< tie entry given back on this week, kNone if none
  std::vector<float> hours_;          ///< hours given back
  std::vector<float> owed_;           ///< scratch: per tie, its balance if it counts for giving back, else NaN
};

}  // namespace buurt::phase
