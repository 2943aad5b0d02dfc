#pragma once
/// Phase 10 of the week: the outcomes, reduced in a fixed order so they do not depend on the thread count.
#include <array>
#include <cstddef>

#include "buurt/schema/Outcomes.h"
#include "buurt/week/Cases.h"
#include "buurt/week/WeekContext.h"

namespace buurt {

/// The week's outcomes from residents, ties, the week's counters and the services' case records (effects per
/// client); each policy module then writes its own (policy/Policies.h) and account_totals() what adds over
/// them. Also records each resident's need mask (the domains in need at the end of the week), which
/// adaptation reads next week.
WeekOutcomes account(Population& pop, const Network& net, const Params& p, const WeekCounters& c, const CaseBook& cases);
/// What adds over the residents and the policy modules: the informal share of all hours, the total cost.
void account_totals(WeekOutcomes& o);

}  // namespace buurt
