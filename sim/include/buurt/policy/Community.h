#pragma once
/// Phase 7 of the week: community managers (outreach on the street).
#include <cstdint>
#include <vector>

#include "buurt/base/State.h"
#include "buurt/schema/Outcomes.h"
#include "buurt/week/WeekContext.h"

namespace buurt {

class Team;
struct Policies;

/// Community managers: residents with a connecting talent, recruited among adults on benefits or low
/// income ([seed001]), who meet residents who never ask, help on the spot, lower the threshold to ask,
/// introduce people, recruit volunteers and refer severe cases to the team. Burnout takes them out.
class CommunityManagers {
 public:
  /// What the programme counts in a week (policy/Policies.h).
  struct Counters {
    double hours = 0;                   ///< hours of outreach help given
    double active = 0, burned_out = 0;  ///< managers active, and burned out or awaiting a replacement (paid either way)
  };
  void start(const Population&) {}
  void new_week() { counters_ = {}; }
  /// Recruitment, burnout and replacement (from week 0), then this week's street outreach (referring to the team).
  void week(WeekContext& ctx, Policies& all);
  /// Managers who left the wijk leave the programme; a replacement is sought as after quitting (sorted list).
  void forget(const std::vector<std::uint32_t>& left, const WeekContext& ctx);
  /// Managers active and burned out, trained; their allowances and training (costs add over the modules).
  void outcomes(WeekOutcomes& o, const Population& pop, const Params& p) const;
  /// Active (not burned out, not replaced) managers' residents, in recruitment order.
  template <class F>
  void for_each_active(F&& f) const {
    for (const auto& m : managers_)
      if (!m.replaced && m.inactive_until < 0) f(m.resident);
  }
  /// Managers in the programme (active or burned out), in recruitment order.
  template <class F>
  void for_each_in_programme(F&& f) const {
    for (const auto& m : managers_)
      if (!m.replaced) f(m.resident);
  }
  /// Every variable that outlives a week, for saved states (buurt/base/State.h).
  template <class Ar>
  void state(Ar& ar) {
    state::columns(ar, "managers", managers_, state::field("resident", &Manager::resident), state::field("inactive_until", &Manager::inactive_until),
                   state::field("replaced", &Manager::replaced));
    ar("replacements_due", replacements_due_);
    ar("next_recruit", next_recruit_);
    ar("recruit_order", recruit_order_);
    ar("counters", counters_);
  }

 private:
  struct Manager {
    std::uint32_t resident = kNone;
    std::int32_t inactive_until = -1;  ///< burned out until this week
    bool replaced = false;             ///< left the programme; a replacement was recruited
  };
  static double acceptance(const Params& p);
  static std::int32_t replacement_weeks(const Params& p);
  void manage(WeekContext& ctx);
  bool recruit(WeekContext& ctx);
  void outreach(WeekContext& ctx, Team& team);

  std::vector<Manager> managers_;
  std::vector<std::int32_t> replacements_due_;  ///< weeks at which replacement managers start
  std::uint32_t next_recruit_ = 0;              ///< position in the recruitment order
  std::vector<std::uint32_t> recruit_order_;    ///< candidates in an order fixed by the seed
  Counters counters_;
};

}  // namespace buurt
