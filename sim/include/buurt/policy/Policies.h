#pragma once
/// The policy modules, registered once: the week's schedule (week/Week.def, its POLICY lines) names each
/// module's type and member, and `Simulation` walks this list for their state, their start, the residents
/// who leave, the start of a week and the outcomes they report. Adding a policy touches its own files, the
/// schema (Params.def, Outcomes.def), its POLICY line in Week.def and its #include below.
#include <concepts>
#include <cstdint>
#include <vector>

#include "buurt/policy/Community.h"
#include "buurt/policy/Initiatives.h"
#include "buurt/policy/SecondLine.h"
#include "buurt/policy/Services.h"
#include "buurt/policy/Team.h"
#include "buurt/policy/Volunteers.h"
#include "buurt/schema/Outcomes.h"
#include "buurt/week/WeekContext.h"

namespace buurt {

struct Policies;

/// What a policy module is. Its counters are its own: zeroed at the start of every week (new_week), written
/// by its week() and by calls other modules make on it, reported in outcomes() and saved with its state.
template <class P>
concept PolicyModule = requires(P& x, const P& cx, const Population& pop, WeekContext& ctx, Policies& all, const std::vector<std::uint32_t>& left,
                                WeekOutcomes& o, const Params& p) {
  x.start(pop);            ///< the neighbourhood is built (not called for a loaded state)
  x.new_week();            ///< zero this week's counters, before the first step of the week
  x.week(ctx, all);        ///< its step of the week (week/Week.def), with the other modules it works with
  x.forget(left, ctx);     ///< residents who left the wijk this week (sorted list)
  cx.outcomes(o, pop, p);  ///< the outcomes it reports (Outcomes.def), from its counters and state
};

/// Every policy module, in the order of the week.
struct Policies {
#define POLICY(id, group, number, type, file, writes) type id;
#define STEP(id, group, number, call, file, writes)
#define GROUP(id, label)
#include "buurt/week/Week.def"
#undef GROUP
#undef STEP
#undef POLICY

  /// f(name, module) for every module in the order of the week.
  template <class F>
  void for_each(F&& f) {
#define POLICY(id, group, number, type, file, writes) f(#id, id);
#define STEP(id, group, number, call, file, writes)
#define GROUP(id, label)
#include "buurt/week/Week.def"
#undef GROUP
#undef STEP
#undef POLICY
  }
  template <class F>
  void for_each(F&& f) const {
    const_cast<Policies*>(this)->for_each([&](const char* name, const auto& m) { f(name, m); });
  }
};

#define POLICY(id, group, number, type, file, writes) static_assert(PolicyModule<type>, #type " is not a policy module (policy/Policies.h)");
#define STEP(id, group, number, call, file, writes)
#define GROUP(id, label)
#include "buurt/week/Week.def"
#undef GROUP
#undef STEP
#undef POLICY

}  // namespace buurt
