#pragma once
/// Phase 10 of the week: the outcomes, reduced in a fixed order so they do not depend on the thread count.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "buurt/schema/GroupOutcomes.h"
#include "buurt/schema/Outcomes.h"
#include "buurt/week/Cases.h"
#include "buurt/week/WeekContext.h"

namespace buurt {

class Simulation;

/// The week's outcomes from residents, ties, the week's counters and the services' case records (effects per
/// client); each policy module then writes its own (policy/Policies.h) and account_totals() what adds over
/// them. Also records each resident's need mask (the domains in need at the end of the week), which
/// adaptation reads next week.
WeekOutcomes account(Population& pop, const Network& net, const Params& p, const WeekCounters& c, const CaseBook& cases);
/// What adds over the residents and the policy modules: the informal share of all hours, the total cost.
void account_totals(WeekOutcomes& o);

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
