#pragma once
/// Phases 3-5 of the week: residents decide whether and whom to ask, requests meet helpers, hours flow.
#include <cstdint>
#include <vector>

#include "buurt/week/WeekContext.h"

namespace buurt::phase {

/// Volunteers and active community managers of each block, in index order (CSR), rebuilt each week.
class VolunteerPool {
 public:
  void build(const WeekContext& ctx);
  /// Number of volunteers in block b.
  std::uint32_t count(std::uint32_t block) const { return begin_.size() > block + 1 ? begin_[block + 1] - begin_[block] : 0; }
  /// The k-th volunteer of block b (k < count(b)).
  std::uint32_t at(std::uint32_t block, std::uint32_t k) const { return list_[begin_[block] + k]; }

 private:
  std::vector<std::uint32_t> begin_, list_;
};

/// 3. Asking: care needs are met by household and kin without asking; for other needs residents whose
/// top need exceeds their threshold ask their ties (and volunteers), or only a low-threshold volunteer
/// when shame keeps them from their ties. Resets the week's help scratch of every resident.
void asking(WeekContext& ctx, const VolunteerPool& volunteers);

/// 4. Matching: requests meet helpers in rounds; each helper takes the proposal with the highest key.
class Matching {
 public:
  void resize(std::size_t residents) { offer_.assign(residents, 0); }
  void week(WeekContext& ctx, const VolunteerPool& volunteers);
  double bytes_per_resident() const { return 8.0; }
  /// Every variable that outlives a week, for saved states (buurt/base/State.h).
  template <class Ar>
  void state(Ar& ar) {
    ar("offer", offer_);
    ar("proposal_helper", prop_helper_);
    ar("proposal_entry", prop_entry_);
  }

 private:
  std::vector<std::uint64_t> offer_;  ///< highest proposal key per helper (stamped by week and round)
  std::vector<std::uint32_t> prop_helper_, prop_entry_;
};

/// 5. Helping: need falls by skill x hours, balances move, ties strengthen.
void helping(WeekContext& ctx);

/// 5c. Everyone who gave hours this week (help, care, favours) tires; rest recovers.
void tire(WeekContext& ctx);

}  // namespace buurt::phase
