#pragma once
/// Phase 10 of the week: the outcomes, reduced in a fixed order so they do not depend on the thread count.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "buurt/core/Cases.h"
#include "buurt/core/WeekContext.h"
#include "buurt/schema/GroupOutcomes.h"
#include "buurt/schema/Outcomes.h"

namespace buurt {

class Simulation;

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

/// Outcomes by group (income, household type, ties at the start, arrival since week 0): who is left behind.
/// One column per outcome of schema/GroupOutcomes.def, one row per label.
struct GroupTable {
  std::vector<std::string> labels;
  std::array<std::vector<double>, kNumGroupOutcomes> values;
  const std::vector<double>& operator[](GroupOutcome g) const { return values[static_cast<std::size_t>(g)]; }
};
/// Outcomes by group of the residents living there now; the start_ties groups and the gain in self-reliance
/// count only residents who lived there at week 0 (`initial_age`: age in weeks at week 0, kVacantAge if empty);
/// `arrival:newcomer` counts those who moved in since (born there excluded), whose gain is NaN.
GroupTable group_outcomes(const Simulation& sim, const std::vector<std::uint16_t>& initial_ties, const std::vector<float>& initial_self_reliance,
                          const std::vector<std::uint16_t>& initial_age);

}  // namespace buurt
