#pragma once
/// Phase 6a of the week: the municipal social services' desk (benefits, debt help) for residents with an income need.
#include <cstdint>
#include <vector>

#include "buurt/base/State.h"
#include "buurt/schema/Outcomes.h"
#include "buurt/week/WeekContext.h"

namespace buurt {

struct Policies;

/// The desk is one actor with one list of applications, so its week runs serially in resident-index order.
/// Separate services work by the rules of their own domain: an applicant whose household also struggles
/// with health, mental strain or care (a multi-domain household) often does not complete the application
/// and drops out; the team hands its income cases over after `services.handoff_weeks`. Integrated
/// services work from one household plan with the team: nobody drops out for lack of a plan, and team
/// cases reach the desk at once ([seed004]).
class SocialServices {
 public:
  /// What the desk counts in a week (policy/Policies.h).
  struct Counters {
    double dropouts = 0;  ///< applications dropped
    double relief = 0;    ///< residents in relief
  };
  void start(const Population&) {}
  void new_week() { counters_ = {}; }
  /// Applications, hand-overs from the team, drop-outs and relief, for one week.
  void week(WeekContext& ctx, Policies& all);
  /// Residents with an open application or in relief.
  std::size_t cases() const { return cases_.size(); }
  /// Residents who left the wijk leave the desk (sorted list).
  void forget(const std::vector<std::uint32_t>& left, const WeekContext& ctx);
  /// Open cases and drop-outs.
  void outcomes(WeekOutcomes& o, const Population& pop, const Params& p) const;
  /// Every variable that outlives a week, for saved states (buurt/base/State.h).
  template <class Ar>
  void state(Ar& ar) {
    state::columns(ar, "cases", cases_, state::field("resident", &Case::resident), state::field("since", &Case::since));
    ar("counters", counters_);
  }

 private:
  struct Case {
    std::uint32_t resident;
    std::int32_t since;  ///< week the application was made
  };
  void join(WeekContext& ctx, std::uint32_t i);
  std::vector<Case> cases_;
  Counters counters_;
};

}  // namespace buurt
