#include "buurt/behaviour/Demography.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "buurt/base/Rng.h"
#include "buurt/week/Phase.h"

namespace buurt {

namespace {

constexpr int kMaxAge = 120;
constexpr int kParentGap = 16;  ///< a member this much older than an adult is its parent (assumption)

/// Probability over a step of `weeks` from a yearly probability.
double per_step(double yearly, int weeks) { return yearly >= 1.0 ? 1.0 : -std::expm1(std::log1p(-yearly) * weeks / 52.0); }

double mortality(const Params& p, int age) { return std::min(1.0, p.demography_mortality_base * std::exp(p.demography_mortality_growth * age)); }

/// Move-out probability by the age of the household's eldest adult: linear between the CBS anchors.
double move_out(const Params& p, int age) {
  const std::array<std::pair<int, double>, 4> anchors = {
      {{25, p.demography_move_25}, {40, p.demography_move_40}, {60, p.demography_move_60}, {75, p.demography_move_75}}};
  if (age <= anchors.front().first) return anchors.front().second;
  for (std::size_t k = 1; k < anchors.size(); ++k)
    if (age <= anchors[k].first) {
      const auto [a0, r0] = anchors[k - 1];
      const auto [a1, r1] = anchors[k];
      return r0 + (r1 - r0) * (age - a0) / static_cast<double>(a1 - a0);
    }
  return anchors.back().second;
}

}  // namespace

struct Demography::Tables {
  std::array<double, kMaxAge + 1> death{}, move{};
  double leave = 0, split = 0, partner = 0, birth = 0, downsize = 0;
  Tables(const Params& p, int weeks) {
    for (int a = 0; a <= kMaxAge; ++a) {
      death[static_cast<std::size_t>(a)] = per_step(mortality(p, a), weeks);
      move[static_cast<std::size_t>(a)] = per_step(move_out(p, a), weeks);
    }
    leave = per_step(p.demography_leave_home, weeks);
    split = per_step(p.demography_split, weeks);
    partner = per_step(p.demography_partner_in, weeks);
    birth = per_step(p.demography_birth, weeks);
    downsize = per_step(p.demography_downsize, weeks);
  }
  /// Move-out probability of a household: by its eldest adult's age, more where over half the places are empty.
  double moving(int eldest, std::uint32_t empty, std::uint32_t places) const {
    const double m = move[static_cast<std::size_t>(std::min(std::max(eldest, 0), kMaxAge))];
    return 2 * empty > places ? m + (1.0 - m) * downsize : m;
  }
};

namespace {

std::size_t age_index(const Population& pop, std::size_t i) { return static_cast<std::size_t>(std::min(pop.age_years(i), kMaxAge)); }

/// A member of dwelling [b, e) at least kParentGap years older than slot i.
bool has_parent(const Population& pop, std::uint32_t b, std::uint32_t e, std::uint32_t i) {
  for (std::uint32_t k = b; k < e; ++k)
    if (pop.present(k) && pop.age_years(k) >= pop.age_years(i) + kParentGap) return true;
  return false;
}

void set_household_type(Population& pop, std::uint32_t h) {
  const HouseholdType t = household_type_of(pop, h);
  for (std::uint32_t k = pop.household_begin[h]; k < pop.household_begin[h + 1]; ++k) pop.household_type[k] = t;
}

}  // namespace

void Demography::spinup(Population& pop, const Params& p, const Rng& rng) {
  Demography d;
  for (std::int64_t y = 0; y < p.demography_spinup_years; ++y)
    d.step(Step{pop, nullptr, p, rng, kInitWeek - 1u - static_cast<std::uint32_t>(y), 52, -1, nullptr});
  for (std::uint32_t h = 0; h < pop.households(); ++h) set_household_type(pop, h);
}

void Demography::week(WeekContext& ctx) {
  left_.clear();
  if (!ctx.p.demography_enabled) return;
  step(Step{ctx.pop, &ctx.net, ctx.p, ctx.rng, ctx.tick, 1, static_cast<std::int32_t>(ctx.tick), &ctx.counters});
  // Newcomers a year on: movers who arrived 52 to 103 weeks ago, and those of them without an active tie
  // outside their household (counted as cohort * 2^32 + without, both below 2^32).
  const Population& pop = ctx.pop;
  const Network& net = ctx.net;
  const auto now = static_cast<std::int32_t>(ctx.tick);
  const float active = static_cast<float>(ctx.p.ties_active_strength);
  const std::size_t packed = par::sum_chunks(pop.size, detail::kGrain, [&](std::size_t begin, std::size_t end) {
    std::size_t acc = 0;
    for (std::size_t i = begin; i != end; ++i) {
      const std::int32_t since = pop.arrived[i] < 0 ? -1 : now - pop.arrived[i];
      if (!pop.present(i) || since < 52 || since >= 104 || pop.age[i] == AgeGroup::Child) continue;
      bool local = false;
      for (std::uint32_t k = net.row_begin[i]; k < net.row_begin[i + 1] && !local; ++k)
        local = net.other[k] != kNone && net.kind[net.edge[k]] != TieKind::Household && net.strength[net.edge[k]] >= active;
      acc += (std::size_t{1} << 32) + (local ? 0 : 1);
    }
    return acc;
  });
  ctx.counters.newcomers_year = static_cast<double>(packed >> 32);
  ctx.counters.newcomers_without_tie = static_cast<double>(packed & 0xFFFFFFFFu);
}

// Ageing, coming of age and the draws run in parallel per dwelling (each writes only its own places);
// dwellings where something happens are then changed serially in index order, redrawing the same keyed
// numbers, so the result does not depend on the thread count.
void Demography::step(const Step& s) {
  Population& pop = s.pop;
  const Tables t(s.p, s.weeks);
  const std::size_t dwellings = pop.households();
  busy_.assign(dwellings, 0);
  // One dwelling's ageing and draws; `person` and `home` give the residents' and the dwelling's draws.
  auto dwelling = [&](std::uint32_t h, DrawCursor& person, DrawCursor& home) {
    const std::uint32_t b = pop.household_begin[h], e = pop.household_begin[h + 1];
    bool busy = false, changed = false;
    int eldest = -1;
    std::uint32_t empty = 0;
    for (std::uint32_t k = b; k < e; ++k) {
      if (!pop.present(k)) {
        ++empty;
        continue;
      }
      const int before = pop.age_years(k);
      pop.age_weeks[k] = static_cast<std::uint16_t>(std::min<int>(pop.age_weeks[k] + s.weeks, 52 * kMaxAge));
      const int now = pop.age_years(k);
      if (before < kAdultAge && now >= kAdultAge) {
        come_of_age(pop, s.p, s.rng, k, s.key);
        changed = true;
      }
      if (before < kElderlyAge && now >= kElderlyAge) {
        pop.age[k] = AgeGroup::Elderly;
        pop.work[k] = WorkStatus::Retired;
        changed = true;
      }
      const auto u = person.uniforms(k);
      busy |= u[0] < t.death[age_index(pop, k)];
      if (now >= kAdultAge) {
        busy |= u[1] < t.leave;
        eldest = std::max(eldest, now);
      }
    }
    const auto v = home.uniforms(b);
    busy |= eldest < 0 || v[0] < t.moving(eldest, empty, e - b) || v[1] < t.split || v[2] < t.partner || v[3] < t.birth;
    if (changed) set_household_type(pop, h);
    busy_[h] = busy;
  };
  par::for_chunks(dwellings, 256, [&](std::size_t h0, std::size_t h1) {
    const std::uint32_t last = pop.household_begin[h1];
    DrawCursor person(s.rng, s.key, Stream::Demography, 0, last), home(s.rng, s.key, Stream::Demography, 1, last);
    for (std::size_t h = h0; h != h1; ++h) dwelling(static_cast<std::uint32_t>(h), person, home);
  });
  for (std::uint32_t h = 0; h < dwellings; ++h)
    if (busy_[h]) apply(s, t, h);
  std::sort(left_.begin(), left_.end());
  left_.erase(std::unique(left_.begin(), left_.end()), left_.end());
}

void Demography::apply(const Step& s, const Tables& t, std::uint32_t h) {
  Population& pop = s.pop;
  const Params& p = s.p;
  const std::uint32_t b = pop.household_begin[h], e = pop.household_begin[h + 1];
  auto count = [&](double WeekCounters::*field) {
    if (s.counters) s.counters->*field += 1;
  };
  auto present_adult = [&](std::uint32_t k) { return pop.present(k) && pop.age_years(k) >= kAdultAge; };
  int eldest = -1;
  std::uint32_t empty = 0;
  for (std::uint32_t k = b; k < e; ++k) {
    if (present_adult(k)) eldest = std::max(eldest, pop.age_years(k));
    empty += !pop.present(k);
  }
  const auto v = s.rng.uniforms(b, s.key, Stream::Demography, 1);
  // The household moves out of the wijk (children left without an adult go with family elsewhere).
  if (eldest < 0 || v[0] < t.moving(eldest, empty, e - b)) {
    for (std::uint32_t k = b; k < e; ++k)
      if (pop.present(k)) {
        vacate(s, k);
        count(&WeekCounters::moves_out);
      }
    relet(s, h);
    return;
  }
  // Deaths; the survivors are bereaved (widowhood when the partner dies).
  bool died = false;
  for (std::uint32_t k = b; k < e; ++k)
    if (pop.present(k) && s.rng.uniforms(k, s.key, Stream::Demography, 0)[0] < t.death[age_index(pop, k)]) {
      vacate(s, k);
      count(&WeekCounters::deaths);
      died = true;
    }
  if (died && s.net)
    for (std::uint32_t k = b; k < e; ++k)
      if (pop.present(k)) {
        detail::raise_need(pop.need[Social][k], static_cast<float>(p.demography_bereavement));
        detail::raise_need(pop.need[Mental][k], 0.5f * static_cast<float>(p.demography_bereavement));
        pop.shocks[k] |= static_cast<std::uint8_t>((1u << Social) | (1u << Mental));
      }
  // Adult children leave home (and the wijk).
  for (std::uint32_t k = b; k < e; ++k)
    if (present_adult(k) && has_parent(pop, b, e, k) && s.rng.uniforms(k, s.key, Stream::Demography, 0)[1] < t.leave) {
      vacate(s, k);
      count(&WeekCounters::moves_out);
    }
  // The partners: adults without a parent in the dwelling.
  std::uint32_t younger = kNone, older = kNone, partners = 0, vacant = kNone;
  for (std::uint32_t k = b; k < e; ++k) {
    if (!pop.present(k)) {
      if (vacant == kNone) vacant = k;
      continue;
    }
    if (pop.age_years(k) < kAdultAge || has_parent(pop, b, e, k)) continue;
    ++partners;
    if (older == kNone || pop.age_years(k) > pop.age_years(older)) older = k;
    if (younger == kNone || pop.age_years(k) <= pop.age_years(younger)) younger = k;
  }
  IncomeGroup income = IncomeGroup::Middle;
  for (std::uint32_t k = b; k < e; ++k)
    if (pop.present(k)) income = pop.income[k];
  const auto w = s.rng.uniforms(b, s.key, Stream::Demography, 2);
  if (partners >= 2 && pop.age_years(older) < kElderlyAge && v[1] < t.split) {
    // A couple splits up: the younger partner moves out; the one who stays carries the strain.
    vacate(s, younger);
    count(&WeekCounters::moves_out);
    if (s.net) {
      detail::raise_need(pop.need[Mental][older], static_cast<float>(p.demography_separation));
      detail::raise_need(pop.need[HouseholdCare][older], static_cast<float>(p.demography_separation));
      pop.shocks[older] |= static_cast<std::uint8_t>((1u << Mental) | (1u << HouseholdCare));
    }
    if (vacant == kNone || younger < vacant) vacant = younger;
  } else if (partners == 1 && vacant != kNone && pop.age_years(older) >= 20 && pop.age_years(older) < kElderlyAge && v[2] < t.partner) {
    // A partner of about the same age moves in.
    const int age = std::max(kAdultAge, pop.age_years(older) - 3 + static_cast<int>(7.0 * w[0]));
    arrive(s, vacant, age, income);
    count(&WeekCounters::moves_in);
    vacant = kNone;
    for (std::uint32_t k = b; k < e && vacant == kNone; ++k)
      if (!pop.present(k)) vacant = k;
  }
  // A birth, where an adult of 20-44 lives and there is room.
  bool fertile = false;
  for (std::uint32_t k = b; k < e; ++k) fertile |= present_adult(k) && !has_parent(pop, b, e, k) && pop.age_years(k) >= 20 && pop.age_years(k) < 45;
  if (fertile && vacant != kNone && v[3] < t.birth) {
    arrive(s, vacant, 0, income);
    pop.arrived[vacant] = -1;  // born here: not a newcomer
    count(&WeekCounters::births);
  }
  bool adult = false, anyone = false;
  for (std::uint32_t k = b; k < e; ++k) adult |= present_adult(k), anyone |= pop.present(k);
  if (anyone && !adult)
    for (std::uint32_t k = b; k < e; ++k)
      if (pop.present(k)) {
        vacate(s, k);
        count(&WeekCounters::moves_out);
      }
  if (!adult) {
    relet(s, h);
    return;
  }
  set_household_type(pop, h);
}

void Demography::vacate(const Step& s, std::uint32_t i) {
  if (s.net) s.net->remove(i);
  clear_resident(s.pop, i);
  s.pop.arrived[i] = -1;
  if (s.counters) left_.push_back(i);
}

void Demography::arrive(const Step& s, std::uint32_t i, int age_years, IncomeGroup income, bool alone) {
  Population& pop = s.pop;
  const auto birthday = static_cast<int>(52.0 * s.rng.uniforms(i, s.key, Stream::Demography, 3)[0]);
  pop.age_weeks[i] = static_cast<std::uint16_t>(52 * age_years + (age_years > 0 ? birthday : 0));
  pop.income[i] = income;
  init_resident(pop, s.p, s.rng, i, s.key);
  pop.arrived[i] = s.arrival;
  if (s.counters) left_.push_back(i);  // a new resident in this place: modules forget the old one
  if (!s.net) return;
  const std::uint32_t h = pop.household[i];
  for (std::uint32_t k = pop.household_begin[h]; k < pop.household_begin[h + 1]; ++k)
    if (k != i && pop.present(k)) s.net->add(i, k, TieKind::Household, 1.0f, -1);
  if (age_years == 0) return;
  // Someone moving in alone is isolated (no kin in the wijk either) as often as residents living alone
  // were at the start, so the isolated share stays what population.share_isolated set.
  if (alone && Rng::to_unit(s.rng.words(i, s.key, Stream::Ties, 99)[0]) < pop.isolate_prob) {
    pop.flags[i] |= kIsolated;
    return;
  }
  // Kin in the wijk (demography.newcomer_kin); neighbours and friends come later, if at all.
  const double f = income == IncomeGroup::Middle ? 1.0 : s.p.network_low_income_tie_factor;
  const int kin = poisson_from_uniform(s.p.network_kin_ties * s.p.demography_newcomer_kin * f, s.rng.uniforms(i, s.key, Stream::Ties, 0)[0]);
  const auto n = static_cast<std::uint64_t>(pop.size);
  for (int k = 0; k < kin; ++k) {
    const auto j =
        static_cast<std::uint32_t>((static_cast<std::uint64_t>(s.rng.words(i, s.key, Stream::Ties, 1 + static_cast<std::uint32_t>(k))[0]) * n) >> 32);
    if (pop.present(j) && pop.household[j] != h) s.net->add(i, j, TieKind::Kin, 0.7f, -1);
  }
}

// A dwelling left empty is let at once to a newcomer household that fits its places (assumption: the
// housing stock is fixed and full; newcomers are drawn from the wijk's own mix of incomes).
void Demography::relet(const Step& s, std::uint32_t h) {
  Population& pop = s.pop;
  const Params& p = s.p;
  const std::uint32_t b = pop.household_begin[h], e = pop.household_begin[h + 1];
  const std::uint32_t places = e - b;
  const auto r = s.rng.uniforms(b, s.key, Stream::Household, 1);
  const IncomeGroup income = r[0] < p.population_share_on_benefits                                   ? IncomeGroup::Benefits
                             : r[0] < p.population_share_on_benefits + p.population_share_low_income ? IncomeGroup::Low
                                                                                                     : IncomeGroup::Middle;
  std::vector<int> ages;
  const bool elderly = places <= 2 && r[1] < p.demography_newcomer_elderly;
  const int first = elderly       ? 65 + static_cast<int>(20.0 * r[2])
                    : places == 1 ? 20 + static_cast<int>(25.0 * std::pow(r[2], 1.5))
                                  : 24 + static_cast<int>(20.0 * r[2]);
  ages.push_back(first);
  const auto q = s.rng.uniforms(b, s.key, Stream::Household, 2);
  if (places == 2) {
    const bool single_parent = !elderly && r[3] < 0.2;  // assumption: a fifth of two-person newcomers are a parent and child
    ages.push_back(single_parent ? static_cast<int>(13.0 * q[0]) : std::max(kAdultAge, first - 3 + static_cast<int>(7.0 * q[0])));
  } else if (places >= 3) {
    ages.push_back(std::max(kAdultAge, first - 3 + static_cast<int>(7.0 * q[0])));
    // A family moving in fills the home, or leaves room for one more child (half of them).
    const auto children = places - 2 - (q[1] < 0.5 ? 1u : 0u);
    for (std::uint32_t c = 2; c < 2 + children; ++c) {
      const double u = s.rng.uniforms(b + c, s.key, Stream::Household, 2)[0];
      ages.push_back(static_cast<int>(std::min(15.0, first - 18.0) * u));
    }
  }
  for (std::uint32_t k = 0; k < ages.size(); ++k) {
    arrive(s, b + k, ages[k], income, ages.size() == 1);
    if (s.counters) s.counters->moves_in += 1;
  }
  set_household_type(pop, h);
}

}  // namespace buurt
