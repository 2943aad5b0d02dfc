#pragma once
/// Case records of the services' clients: effects per client, not per week (docs/ODD.md, "Effects per client").
///
/// Every team case (a resident taken into the caseload) and every second-line episode (a referral) is a
/// record: when the resident applied to the team, when it was taken in and with how much practical need,
/// when it closed and with how much, whether the resident applied again within 52 weeks of closure, and
/// whether it left the neighbourhood first. The records are kept in the saved state. Cases taken in during
/// one year from week 0 form a cohort; a cohort is reported once every one of its cases has closed and had
/// 52 weeks after closure, left the neighbourhood, or been open 104 weeks. The per-client outcomes pool the
/// cohorts reported so far; a count per week (intakes, re-entries, referrals) rewards taking fewer clients,
/// these do not.
#include <array>
#include <cstdint>
#include <map>
#include <vector>

#include "buurt/base/State.h"

namespace buurt {

enum class Service : std::uint8_t { Team = 0, SecondLine = 1 };
inline constexpr std::size_t kServices = 2;

struct CaseRecord {
  std::uint32_t resident = 0;
  std::uint8_t service = 0;                        ///< Service
  std::int32_t applied = 0;                        ///< week (since week 0) the resident applied to the team
  std::int32_t intake = 0;                         ///< week taken into the caseload (team) or referred (second line)
  std::int32_t closed = kOpen;                     ///< week the case closed; kOpen while open
  std::int32_t reentry = kOpen;                    ///< week of the next application to the team within 52 weeks of closure; kOpen if none
  std::int32_t left = kOpen;                       ///< week the resident left the neighbourhood (case open or within 52 weeks of closure); kOpen if not
  float need_intake = 0.0f;                        ///< practical need (four domains summed, 0..4) at intake
  float need_closed = 0.0f;                        ///< the same at closure
  static constexpr std::int32_t kOpen = -1000000;  ///< "not (yet)": below any week of a burn-in
};

/// Sums over the reported cohorts of one service.
struct ClientTotals {
  double cases = 0, closed = 0, left_open = 0, reentered = 0, weeks = 0, need_intake = 0, need_closed = 0;
};

class CaseBook {
 public:
  /// Resident i is taken in by `service` this week (applied: the week it applied to the team).
  void open(Service service, std::uint32_t i, int applied, int week, float need);
  /// Resident i's open case closes this week with practical need `need`.
  void close(std::uint32_t i, int week, float need);
  /// Resident i applies to the team this week: a re-entry of its last case if that closed within 52 weeks.
  void applied(std::uint32_t i, int week);
  /// Residents who left the neighbourhood this week (sorted list).
  void forget(const std::vector<std::uint32_t>& left, int week);
  /// Reports the cohorts complete at the end of this week (week counted since week 0).
  void report(int week);
  /// Pooled over the cohorts reported so far.
  const ClientTotals& totals(Service s) const { return totals_[static_cast<std::size_t>(s)]; }
  int cohorts_reported() const { return next_cohort_; }
  const std::vector<CaseRecord>& records() const { return records_; }

  template <class Ar>
  void state(Ar& ar) {
    state::columns(ar, "records", records_, state::field("resident", &CaseRecord::resident), state::field("service", &CaseRecord::service),
                   state::field("applied", &CaseRecord::applied), state::field("intake", &CaseRecord::intake), state::field("closed", &CaseRecord::closed),
                   state::field("reentry", &CaseRecord::reentry), state::field("left", &CaseRecord::left),
                   state::field("need_intake", &CaseRecord::need_intake), state::field("need_closed", &CaseRecord::need_closed));
    map(ar, "open", open_);
    map(ar, "recent", recent_);
    ar("next_cohort", next_cohort_);
    ar("first_unreported", first_unreported_);
    for (std::size_t s = 0; s < kServices; ++s) {
      auto g = ar.group(s == 0 ? "team" : "second_line");
      auto& t = totals_[s];
      for (auto [name, v] : {std::pair{"cases", &t.cases},
                             {"closed", &t.closed},
                             {"left_open", &t.left_open},
                             {"reentered", &t.reentered},
                             {"weeks", &t.weeks},
                             {"need_intake", &t.need_intake},
                             {"need_closed", &t.need_closed}})
        ar(name, *v);
    }
  }

 private:
  template <class Ar>
  static void map(Ar& ar, const char* name, std::map<std::uint32_t, std::uint32_t>& m) {
    auto g = ar.group(name);
    std::vector<std::uint32_t> keys, values;
    for (const auto& [k, v] : m) keys.push_back(k), values.push_back(v);
    ar("resident", keys);
    ar("record", values);
    if constexpr (Ar::kLoading) {
      if (keys.size() != values.size()) throw std::runtime_error(std::string("saved state: case map '") + name + "' has columns of different lengths");
      m.clear();
      for (std::size_t k = 0; k < keys.size(); ++k) m.emplace(keys[k], values[k]);
    }
  }

  std::vector<CaseRecord> records_;                ///< in order of intake
  std::map<std::uint32_t, std::uint32_t> open_;    ///< resident -> its open case
  std::map<std::uint32_t, std::uint32_t> recent_;  ///< resident -> its last closed case (closed within 52 weeks)
  std::int32_t next_cohort_ = 0;                   ///< first cohort not yet reported (0: weeks 0-51)
  std::uint64_t first_unreported_ = 0;             ///< first record of that cohort or later
  std::array<ClientTotals, kServices> totals_{};
};

}  // namespace buurt
