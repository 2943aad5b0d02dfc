#pragma once
/// Phases 1 and 2 of the week: needs arise, pass and cascade (life events); residents solve part themselves.
#include "buurt/week/WeekContext.h"

namespace buurt::phase {

/// 1. Life events: new episodes in domains not in need, recovery of domains in need, cascades across
/// domains, lasting poverty that isolates. Writes need, skill (lived experience), shocks, poverty weeks.
void life_events(WeekContext& ctx);

/// 2. Self-help: every non-social need falls with self-reliance (less when dependent on professionals;
/// chronic care needs resist it).
void self_help(WeekContext& ctx);

}  // namespace buurt::phase
