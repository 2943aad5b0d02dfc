#pragma once
/// Phase 5b of the week: reciprocity both ways. Residents who owe hours on a tie give some back.
#include <cstdint>
#include <vector>

#include "buurt/week/WeekContext.h"

namespace buurt::phase {

/// A resident who owes at least reciprocity.min_owed hours on an active tie outside its household gives back
/// up to reciprocity.favour_hours on the tie where it owes most, from the time it has left this week (its
/// helping budget, then its household hours). Owing more than ties.imbalance_limit hours in all weighs on
/// mental health (reciprocity.owing_strain). Decisions are taken on the balances as they stand, then
/// applied, so the result does not depend on the thread order: only a tie's debtor writes it.
///
/// Only the residents who owe enough on some tie to act are visited: a first pass along the ties flags the
/// debtor of every tie owing more than half the smaller of min_owed and imbalance_limit / (longest row),
/// which no resident can reach in all without one such tie; everyone else would do nothing.
class Reciprocity {
 public:
  void week(WeekContext& ctx);
  /// Scratch of the week (flags per resident, the week's debtors and gifts, per tie what is owed) in bytes;
  /// nothing of it outlives the week, so it is not part of the saved state.
  double bytes() const {
    return static_cast<double>(flag_.capacity() + debtors_.capacity() * sizeof(std::uint32_t) + gifts_.capacity() * sizeof(Gift) +
                               owed_.capacity() * sizeof(float));
  }

 private:
  struct Gift {
    std::uint32_t entry = kNone;  ///< tie entry given back on, kNone if none
    float hours = 0.0f;           ///< hours given back
  };
  std::vector<std::uint8_t> flag_;      ///< scratch: owes enough on some tie to act this week (zero between weeks)
  std::vector<std::uint32_t> debtors_;  ///< scratch: the flagged adults, in index order
  std::vector<Gift> gifts_;             ///< scratch: per debtor, what it gives back
  std::vector<float> owed_;             ///< scratch: per tie, its balance if it counts for giving back, else NaN
};

}  // namespace buurt::phase
