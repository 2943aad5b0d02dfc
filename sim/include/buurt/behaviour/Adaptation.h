#pragma once
/// Phase 9 of the week: solving needs oneself or with one's network builds self-reliance; unmet need erodes it.
#include "buurt/week/WeekContext.h"

namespace buurt::phase {

/// Self-reliance grows when a domain is resolved without professionals and erodes while in need without
/// help; informal help builds trust in neighbours; resolved domains leave lived experience (skill).
/// Outside a team case, dependency fades (adaptation.dependency_relax) and self-direction, trust in
/// neighbours and in professionals and shame relax toward the resident's trait (adaptation.relax_rate).
void adaptation(WeekContext& ctx);

}  // namespace buurt::phase
