#pragma once
/// Phase 10 of the week: the outcomes, reduced in a fixed order so they do not depend on the thread count.
#include <array>
#include <cstddef>

#include "buurt/core/Cases.h"
#include "buurt/core/WeekContext.h"
#include "buurt/schema/Outcomes.h"

namespace buurt {

/// Sizes of the policies' state this week, as accounting needs them.
struct PolicyTotals {
  std::size_t team_queue = 0, team_caseload = 0, secondline_waiting = 0, active_initiatives = 0, desk_cases = 0;
  double practised_mode = 0.0;                    ///< the team's practised mode this week
  double team_fte = 0.0;                          ///< the team's FTE this week (paid, used or not)
  std::array<ClientTotals, kServices> clients{};  ///< per-client sums over the intake cohorts reported so far
};

/// The week's outcomes from residents, ties, the week's counters and the policies' totals. Also
/// records each resident's need mask (the domains in need at the end of the week), which adaptation
/// reads next week.
WeekOutcomes account(Population& pop, const Network& net, const Params& p, const WeekCounters& c, const PolicyTotals& t);

}  // namespace buurt
