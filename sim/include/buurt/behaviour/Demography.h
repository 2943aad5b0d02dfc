#pragma once
/// Phase 0 of the week: the life course. Residents age, die, are born, leave home, split up, move out and
/// in. A dwelling keeps its places (slots); a place is empty or holds one resident, and a dwelling left
/// empty is let again at once to a newcomer household (the housing stock is fixed and full).
#include <cstdint>
#include <vector>

#include "buurt/week/WeekContext.h"

namespace buurt {

class Rng;

class Demography {
 public:
  /// One week of life course; ties of those who leave disappear, newcomers get household and kin ties.
  void week(WeekContext& ctx);
  /// Places whose resident left, died or was replaced this week, in index order (modules forget them).
  const std::vector<std::uint32_t>& left() const { return left_; }
  /// demography.spinup_years of life course in yearly steps on a population without ties (initialisation).
  static void spinup(Population& pop, const Params& p, const Rng& rng);
  /// Every variable that outlives a week, for saved states (buurt/base/State.h).
  template <class Ar>
  void state(Ar& ar) {
    ar("busy", busy_);
    ar("left", left_);
  }

 private:
  struct Step {
    Population& pop;
    Network* net;  ///< nullptr during the spin-up
    const Params& p;
    const Rng& rng;
    std::uint32_t key;       ///< week key of the draws
    int weeks;               ///< length of the step in weeks (1 in the run, 52 in the spin-up)
    std::int32_t arrival;    ///< tick recorded as the arrival of newcomers and births (-1 in the spin-up)
    WeekCounters* counters;  ///< nullptr during the spin-up
  };
  struct Tables;
  void step(const Step& s);
  void apply(const Step& s, const Tables& t, std::uint32_t h);
  void vacate(const Step& s, std::uint32_t i);
  void arrive(const Step& s, std::uint32_t i, int age_years, IncomeGroup income, bool alone = false);
  void relet(const Step& s, std::uint32_t h);

  std::vector<std::uint8_t> busy_;  ///< per dwelling: something may happen this step (drawn in parallel)
  std::vector<std::uint32_t> left_;
};

/// The neighbourhood's residents as drawn, with demography.spinup_years of life course run (population/Population.h).
inline Population build_population(const Params& p, std::uint32_t run) { return build_population(p, run, &Demography::spinup); }

}  // namespace buurt
