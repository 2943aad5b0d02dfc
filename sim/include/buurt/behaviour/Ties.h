#pragma once
/// Phase 8 of the week: ties decay, break and form; loneliness follows contact.
#include <cstdint>
#include <span>
#include <vector>

#include "buurt/base/Parallel.h"
#include "buurt/week/WeekContext.h"

namespace buurt::phase {

/// Ties decay without contact, break when weak or (neighbours) lastingly imbalanced, form when street
/// neighbours meet; then active ties are counted and relieve loneliness up to a protective number.
class TieDynamics {
 public:
  void week(WeekContext& ctx);

 private:
  /// Week-only scratch: active ties counted per resident in the pass over the ties, one array per thread
  /// (summed and cleared by loneliness_from_contact, so all zero between weeks).
  par::PerThread<std::vector<std::uint16_t>> tally_;
};

/// Balances of all ties shrink by reciprocity.fade (debts forgotten or forgiven).
void fade_balances(WeekContext& ctx);
/// Counts each resident's active ties (count_active_ties), then moves loneliness toward the level set by
/// good contacts, money problems and health (loneliness.*), in one pass over the residents.
void loneliness_from_contact(WeekContext& ctx);
/// The same, with the active ties already counted: each resident's count is the sum of `tallies` (arrays of
/// pop.size), which are cleared as they are read.
void loneliness_from_contact(WeekContext& ctx, std::span<std::uint16_t* const> tallies);

/// Active ties (strength >= ties.active_strength) per resident, into Population::active_ties.
void count_active_ties(Population& pop, const Network& net, const Params& p);
/// Resident i's ties with strength >= `active` (saturating at 65535).
std::uint16_t active_ties_of(const Population& pop, const Network& net, std::size_t i, float active);

}  // namespace buurt::phase
