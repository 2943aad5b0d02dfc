#pragma once
/// Phase 7 of the week (continued): citizen initiatives (e.g. Buren helpen buren) with members and an owner.
#include <cstdint>
#include <vector>

#include "buurt/base/State.h"
#include "buurt/schema/Outcomes.h"
#include "buurt/week/WeekContext.h"

namespace buurt {

class CommunityManagers;
struct Policies;

/// A citizen initiative: a meeting place with members and an owner.
struct Initiative {
  float x = 0, y = 0;           ///< meeting place in layout units
  std::uint32_t block = 0;      ///< the block it serves
  std::uint8_t theme = 0;       ///< Domain it works on (Income: debts and forms, Social: loneliness...)
  std::uint32_t chair = kNone;  ///< chairing community manager, kNone if none
  std::uint32_t members = 0;
  float ownership = 1.0f;  ///< 1 = owned by residents, 0 = taken over by professionals
  bool active = true;
};

/// Members are relieved of loneliness (and, in a debt initiative, of money problems) and meet each
/// other; ownership drifts towards residents or professionals; without ownership volunteers leave ([seed000]).
class Initiatives {
 public:
  /// What the initiatives count in a week (policy/Policies.h).
  struct Counters {
    double members = 0;    ///< members of active initiatives
    double ownership = 0;  ///< mean ownership of the active initiatives (0 before week 0 and when none)
  };
  void start(const Population& pop) { meets_.assign(pop.size, 0); }
  void new_week() { counters_ = {}; }
  /// From week 0: founding up to initiatives.count (chaired by community managers), membership, activities,
  /// meetings, ownership.
  void week(WeekContext& ctx, Policies& all);
  const std::vector<Initiative>& all() const { return initiatives_; }
  std::size_t active() const;
  /// A chair who left the wijk no longer chairs (sorted list; members are recounted every week).
  void forget(const std::vector<std::uint32_t>& left, const WeekContext& ctx);
  /// Members and ownership; the support paid per active initiative (costs add over the modules).
  void outcomes(WeekOutcomes& o, const Population& pop, const Params& p) const;
  /// Mean ownership of the active initiatives this week (0 when none).
  double ownership() const { return ownership_; }
  /// Every variable that outlives a week, for saved states (buurt/base/State.h).
  template <class Ar>
  void state(Ar& ar) {
    state::columns(ar, "initiatives", initiatives_, state::field("x", &Initiative::x), state::field("y", &Initiative::y),
                   state::field("block", &Initiative::block), state::field("theme", &Initiative::theme), state::field("chair", &Initiative::chair),
                   state::field("members", &Initiative::members), state::field("ownership", &Initiative::ownership),
                   state::field("active", &Initiative::active));
    ar("block_order", block_order_);
    ar("meets", meets_);
    ar("ownership", ownership_);
    ar("counters", counters_);
  }

 private:
  void found(WeekContext& ctx, const CommunityManagers& managers);

  std::vector<Initiative> initiatives_;
  std::vector<std::uint32_t> block_order_;  ///< blocks in an order fixed by the seed: initiative k opens in the k-th
  std::vector<std::uint8_t> meets_;         ///< member wants to meet another member this week
  double ownership_ = 0.0;
  Counters counters_;
};

}  // namespace buurt
