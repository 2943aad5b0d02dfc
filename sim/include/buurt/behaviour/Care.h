#pragma once
/// Phase 3b of the week: informal care (mantelzorg) by the care circle of household and kin.
#include <cstdint>
#include <vector>

#include "buurt/week/WeekContext.h"

namespace buurt::phase {

/// A resident whose health or household-care need is above `care.threshold` (ask channel Care) is
/// cared for week after week by every adult of its household and kin with an active tie; each carer
/// takes a share of the hours by weight (household members `care.household_weight`, relatives 1), from
/// its care hours first and then its helping budget, and gives nothing below `care.min_share`.
class CareCircle {
 public:
  void resize(std::size_t residents);
  void week(WeekContext& ctx);
  /// Bytes per resident of the per-resident buffers, and the per-tie buffers' bytes in total.
  double bytes_per_resident() const { return 5.0; }
  double tie_bytes() const { return static_cast<double>(to_a_.capacity() + to_b_.capacity()) * 4.0; }
  /// Every variable that outlives a week, for saved states (buurt/base/State.h).
  template <class Ar>
  void state(Ar& ar) {
    ar("weight", weight_);
    ar("flag", flag_);
    ar("to_a", to_a_);
    ar("to_b", to_b_);
  }

 private:
  std::vector<float> weight_;          ///< summed weight of each receiver's carers
  std::vector<std::uint8_t> flag_;     ///< carer of some receiver this week
  std::vector<float> to_a_, to_b_;     ///< care hours given this week on each tie, per direction
  std::vector<std::uint64_t> circle_;  ///< this week, per receiver: its carers' places among its row's first 64 entries
};

}  // namespace buurt::phase
