#pragma once
/// Phase 8 of the week: ties decay, break and form; loneliness follows contact.
#include <cstdint>
#include <vector>

#include "buurt/core/WeekContext.h"

namespace buurt::phase {

/// Ties decay without contact, break when weak or (neighbours) lastingly imbalanced, form when street
/// neighbours meet; then active ties are counted and relieve loneliness up to a protective number.
class TieDynamics {
 public:
  void week(WeekContext& ctx);
};

/// Balances of all ties shrink by reciprocity.fade (debts forgotten or forgiven).
void fade_balances(WeekContext& ctx);
/// Counts each resident's active ties (count_active_ties), then moves loneliness toward the level set by
/// good contacts, money problems and health (loneliness.*), in one pass over the residents.
void loneliness_from_contact(WeekContext& ctx);

/// Active ties (strength >= ties.active_strength) per resident, into Population::active_ties.
void count_active_ties(Population& pop, const Network& net, const Params& p);
/// Resident i's ties with strength >= `active` (saturating at 65535).
std::uint16_t active_ties_of(const Population& pop, const Network& net, std::size_t i, float active);

}  // namespace buurt::phase
