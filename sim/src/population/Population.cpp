#include "buurt/population/Population.h"

#include <algorithm>
#include <cmath>

#include "buurt/base/Rng.h"

namespace buurt {
namespace {

float clamp01(double v) { return static_cast<float>(std::clamp(v, 0.0, 1.0)); }

template <class T>
void resize_all(std::size_t n, std::vector<T>& v) {
  v.assign(n, T{});
}

/// Age in years of member m of a household of this type at the start (assumption: a plausible spread; the
/// life-course spin-up replaces every initial resident, so only its rough shape matters).
int initial_age(HouseholdType type, int m, double u) {
  switch (type) {
    case HouseholdType::Single: return 20 + static_cast<int>(45.0 * u);
    case HouseholdType::Couple: return 25 + static_cast<int>(40.0 * u);
    case HouseholdType::Family: return m < 2 ? 28 + static_cast<int>(22.0 * u) : static_cast<int>(18.0 * u);
    case HouseholdType::Elderly: return 65 + static_cast<int>(30.0 * u * u);
  }
  return 40;
}

}  // namespace

double Population::bytes_per_resident() const {
  // Sum of element sizes of every per-resident array (street tables are per street, ignored).
  double b = sizeof(std::uint32_t) * 2 + sizeof(HouseholdType) + sizeof(AgeGroup) + sizeof(IncomeGroup) + sizeof(float) * 2;
  b += kDomains * (sizeof(float) * 2 + sizeof(std::uint8_t));
  b += sizeof(float) * 15 + sizeof(std::uint16_t) * 5 + sizeof(std::uint8_t) * 6 + sizeof(std::int32_t) * 2;
  b += sizeof(std::uint16_t) + sizeof(std::int32_t);  // age, arrival
  b += sizeof(WorkStatus) + sizeof(std::int8_t) + sizeof(float) * 8 + sizeof(std::uint32_t) * 2 + sizeof(std::uint64_t) + sizeof(std::uint8_t);
  return b;
}

namespace {
/// Helping budget: the drawn hours times the population's scale, capped; volunteers give at least their hours.
void scale_budget(Population& pop, const Params& p, std::size_t i) {
  pop.budget[i] = std::min(pop.budget[i] * pop.budget_scale, 40.0f);
  if (pop.has(i, kVolunteer)) pop.budget[i] = std::max(pop.budget[i], static_cast<float>(p.volunteers_hours) * free_time(p, pop.work[i]));
}
}  // namespace

void clear_resident(Population& pop, std::size_t i) {
  pop.age_weeks[i] = kVacantAge;
  pop.age[i] = AgeGroup::Child;  // an empty place takes part in nothing an adult does
  pop.flags[i] = 0;
  pop.budget[i] = 0.0f;
  pop.work[i] = WorkStatus::None;
  for (int d = 0; d < kDomains; ++d) pop.need[d][i] = 0.0f;
  pop.need_mask[i] = 0;
  pop.active_ties[i] = 0;
  pop.shocks[i] = 0;
  pop.fatigue[i] = pop.satisfaction[i] = pop.dependency[i] = 0.0f;
  pop.poverty_weeks[i] = pop.help_streak[i] = pop.team_wait[i] = 0;
  pop.referrals[i] = 0;
  pop.team_state[i] = TeamStage::None;
  pop.team_since[i] = 0;
  pop.team_closed[i] = -1;
  pop.member_of[i] = 0;
}

HouseholdType household_type_of(const Population& pop, std::size_t h) {
  int members = 0, elderly = 0;
  bool child = false;
  for (std::uint32_t k = pop.household_begin[h]; k < pop.household_begin[h + 1]; ++k) {
    if (!pop.present(k)) continue;
    ++members;
    child |= pop.age[k] == AgeGroup::Child;
    elderly += pop.age[k] == AgeGroup::Elderly;
  }
  if (child) return HouseholdType::Family;
  if (members > 0 && elderly == members) return HouseholdType::Elderly;
  return members <= 1 ? HouseholdType::Single : HouseholdType::Couple;
}

void init_resident(Population& pop, const Params& p, const Rng& rng, std::size_t i, std::uint32_t week) {
  const auto id = static_cast<std::uint32_t>(i);
  const std::uint16_t age = pop.age_weeks[i];
  clear_resident(pop, i);
  pop.age_weeks[i] = age;
  pop.age[i] = age_group(age / 52);
  auto u = rng.uniforms(id, week, Stream::Init, 0);
  auto v = rng.uniforms(id, week, Stream::Init, 1);
  const bool poor = pop.income[i] != IncomeGroup::Middle;
  const bool elderly = pop.age[i] == AgeGroup::Elderly;
  pop.self_reliance[i] = clamp01(p.selfhelp_self_reliance_mean - (poor ? p.selfhelp_self_reliance_low_income : 0.0) + 0.3 * (u[0] - 0.5));
  pop.self_direction[i] = clamp01(0.5 + 0.4 * (u[1] - 0.5));
  pop.threshold[i] = clamp01(p.asking_threshold_mean + 0.3 * (u[2] - 0.5));
  pop.shame[i] = clamp01(p.asking_shame_mean + (elderly ? p.asking_shame_elderly_extra : 0.0) + 0.4 * (u[3] - 0.5));
  pop.trust_neighbours[i] = clamp01(0.5 + 0.4 * (v[0] - 0.5));
  pop.trust_professionals[i] = clamp01(0.5 + 0.4 * (v[1] - 0.5));
  pop.self_direction_trait[i] = pop.self_direction[i];
  pop.trust_neighbours_trait[i] = pop.trust_neighbours[i];
  pop.trust_professionals_trait[i] = pop.trust_professionals[i];
  pop.shame_trait[i] = pop.shame[i];
  pop.self_reliance_trait[i] = pop.self_reliance[i];
  // Sociability: skewed, many residents are seldom in touch, a few very often (mean 1).
  const double soc_u = Rng::to_unit(rng.words(id, week, Stream::Init, 5)[0]);
  pop.sociability[i] = static_cast<float>(std::pow(soc_u, p.network_sociability_skew) * (p.network_sociability_skew + 1.0));
  for (int d = 0; d < kDomains; ++d) {
    pop.skill_base[d][i] = 0;
    pop.skill[d][i] = 0.0f;
  }
  if (pop.age[i] != AgeGroup::Child) come_of_age(pop, p, rng, i, week);
}

void come_of_age(Population& pop, const Params& p, const Rng& rng, std::size_t i, std::uint32_t week) {
  const auto id = static_cast<std::uint32_t>(i);
  const auto v = rng.uniforms(id, week, Stream::Init, 1);
  const auto w = rng.uniforms(id, week, Stream::Init, 2);
  pop.age[i] = age_group(pop.age_years(i));
  // Work status: 65+ retired, adults on benefits not employed, other adults employed with
  // population.employed_share (CBS).
  if (pop.age[i] == AgeGroup::Elderly)
    pop.work[i] = WorkStatus::Retired;
  else if (pop.income[i] == IncomeGroup::Benefits)
    pop.work[i] = WorkStatus::NotEmployed;
  else
    pop.work[i] = Rng::to_unit(rng.words(id, week, Stream::Init, 6)[0]) < p.population_employed_share ? WorkStatus::Employed : WorkStatus::NotEmployed;
  const bool willing = v[2] < p.helping_share_willing;
  if (willing) pop.flags[i] |= kWilling;
  // Exponential spread of weekly hours around the mean: many give a little, a few give a lot.
  // Residents without paid work have more time (helping.free_time_factor); scale_budget keeps the mean.
  pop.budget[i] = willing ? static_cast<float>(-std::log(v[3]) * p.helping_budget_mean) * free_time(p, pop.work[i]) : 0.0f;
  if (Rng::to_unit(rng.words(id, week, Stream::Volunteer)[0]) < p.volunteers_share) pop.flags[i] |= kVolunteer | kWilling;
  for (int d = 0; d < kDomains; ++d) {
    const double s = d < 4 ? w[static_cast<std::size_t>(d)] : Rng::to_unit(rng.words(id, week, Stream::Init, 3)[0]);
    // Quantised to the base's 1/255 so the initial skill is exactly the base it fades back to.
    pop.skill_base[d][i] = static_cast<std::uint8_t>(std::lround(255.0 * (0.1 + 0.5 * s)));
    pop.skill[d][i] = std::max(pop.skill[d][i], static_cast<float>(pop.skill_base[d][i]) / 255.0f);
  }
  if (pop.has(i, kVolunteer) && p.volunteers_training) pop.train(i, static_cast<float>(p.volunteers_training_bonus));
  if (pop.budget_scale > 0.0f) scale_budget(pop, p, i);
}

namespace {
/// The neighbourhood with n places in its dwellings.
Population build_places(const Params& p, std::uint32_t run, std::size_t n, Spinup spinup) {
  const Rng rng(static_cast<std::uint64_t>(p.run_seed), run);
  Population pop;
  pop.size = n;
  pop.household.reserve(n);
  pop.street.reserve(n);
  pop.household_type.reserve(n);
  pop.age.reserve(n);
  pop.income.reserve(n);
  pop.x.reserve(n);
  pop.y.reserve(n);

  const std::uint32_t hh_per_street = static_cast<std::uint32_t>(p.population_households_per_street);
  const std::uint32_t streets_per_block = static_cast<std::uint32_t>(p.population_streets_per_block);
  // Households are created street by street, so each street is a contiguous index range.
  const double c1 = p.population_share_single, c2 = c1 + p.population_share_couple, c3 = c2 + p.population_share_family;
  // Layout: blocks on a near-square grid; streets are rows of houses inside a block.
  const double mean_hh_size = p.population_share_single + 2 * p.population_share_couple + 3.8 * p.population_share_family + 1.5 * p.population_share_elderly;
  const double est_streets = std::ceil(static_cast<double>(n) / std::max(1.0, mean_hh_size * hh_per_street));
  const double est_blocks = std::ceil(est_streets / streets_per_block);
  pop.blocks_x = static_cast<std::size_t>(std::max(1.0, std::ceil(std::sqrt(est_blocks * 2.0 * streets_per_block / hh_per_street))));
  const float block_w = static_cast<float>(hh_per_street + 3), block_h = static_cast<float>(2 * streets_per_block + 2);

  std::uint32_t hh = 0;
  std::uint32_t street = 0;
  std::uint32_t pos_in_street = 0;
  pop.street_begin.push_back(0);
  while (pop.household.size() < n) {
    auto u = rng.uniforms(hh, kInitWeek, Stream::Household);
    HouseholdType type = u[0] < c1 ? HouseholdType::Single : u[0] < c2 ? HouseholdType::Couple : u[0] < c3 ? HouseholdType::Family : HouseholdType::Elderly;
    int size = 1;
    if (type == HouseholdType::Couple) size = 2;
    if (type == HouseholdType::Family) size = 3 + static_cast<int>(u[1] * 3.0);
    if (type == HouseholdType::Elderly) size = u[1] < 0.5 ? 1 : 2;
    IncomeGroup inc = u[2] < p.population_share_on_benefits                                   ? IncomeGroup::Benefits
                      : u[2] < p.population_share_on_benefits + p.population_share_low_income ? IncomeGroup::Low
                                                                                              : IncomeGroup::Middle;
    const std::uint32_t block = street / streets_per_block;
    const float bx = static_cast<float>(block % pop.blocks_x) * block_w;
    const float by = static_cast<float>(block / pop.blocks_x) * block_h;
    const float hx = bx + 1.0f + static_cast<float>(pos_in_street);
    const float hy = by + 1.0f + 2.0f * static_cast<float>(street % streets_per_block);
    pop.household_begin.push_back(static_cast<std::uint32_t>(pop.household.size()));
    // With the life course, a couple's home has room for one more (a child to be born).
    const int places = size + (p.demography_enabled && type == HouseholdType::Couple ? 1 : 0);
    for (int m = 0; m < places && pop.household.size() < n; ++m) {
      const int age = initial_age(type, m, rng.uniforms(hh, kInitWeek, Stream::Household, 1 + static_cast<std::uint32_t>(m))[0]);
      pop.age_weeks.push_back(m < size ? static_cast<std::uint16_t>(52 * age) : kVacantAge);
      pop.household.push_back(hh);
      pop.street.push_back(street);
      pop.household_type.push_back(type);
      pop.age.push_back(age_group(pop.age_weeks.back() / 52));
      pop.income.push_back(inc);
      // Members of one household share the house; spread them a little so each is visible.
      pop.x.push_back(hx + 0.18f * static_cast<float>(m % 3) - 0.18f);
      pop.y.push_back(hy + 0.25f * static_cast<float>(m / 3));
    }
    ++hh;
    if (++pos_in_street == hh_per_street) {
      pos_in_street = 0;
      ++street;
      pop.street_begin.push_back(static_cast<std::uint32_t>(pop.household.size()));
    }
  }
  pop.household_begin.push_back(static_cast<std::uint32_t>(n));
  pop.arrived.assign(n, -1);
  if (pop.street_begin.back() != n) {
    pop.street_begin.push_back(static_cast<std::uint32_t>(n));
    ++street;
  }
  pop.streets = street;
  pop.blocks = (street + streets_per_block - 1) / streets_per_block;

  for (int d = 0; d < kDomains; ++d) {
    resize_all(n, pop.need[d]);
    resize_all(n, pop.skill[d]);
    resize_all(n, pop.skill_base[d]);
  }
  for (auto* v : {&pop.self_reliance,
                  &pop.self_direction,
                  &pop.threshold,
                  &pop.shame,
                  &pop.trust_neighbours,
                  &pop.trust_professionals,
                  &pop.dependency,
                  &pop.self_direction_trait,
                  &pop.shame_trait,
                  &pop.self_reliance_trait,
                  &pop.trust_neighbours_trait,
                  &pop.trust_professionals_trait,
                  &pop.budget,
                  &pop.fatigue,
                  &pop.satisfaction,
                  &pop.sociability,
                  &pop.ask_hours,
                  &pop.hours_received,
                  &pop.hours_given,
                  &pop.hours_returned,
                  &pop.budget_used,
                  &pop.remaining,
                  &pop.household_remaining})
    resize_all(n, *v);
  resize_all(n, pop.work);
  resize_all(n, pop.poverty_weeks);
  resize_all(n, pop.help_streak);
  resize_all(n, pop.flags);
  resize_all(n, pop.need_mask);
  resize_all(n, pop.active_ties);
  resize_all(n, pop.shocks);
  resize_all(n, pop.team_wait);
  resize_all(n, pop.referrals);
  resize_all(n, pop.team_state);
  resize_all(n, pop.team_since);
  pop.team_closed.assign(n, -1);
  resize_all(n, pop.member_of);
  resize_all(n, pop.ask_channel);
  pop.ask_domain.assign(n, -1);
  pop.helper.assign(n, kNone);
  pop.help_entry.assign(n, kNone);
  resize_all(n, pop.tried);
  resize_all(n, pop.help_source);

  pop.budget_scale = 0.0f;  // budgets stay as drawn until the scale is known (below)
  for (std::size_t i = 0; i < n; ++i)
    if (pop.present(i))
      init_resident(pop, p, rng, i, kInitWeek);
    else
      clear_resident(pop, i);
  // The life course runs before the ties are drawn, so the neighbourhood starts with a stationary age and
  // household structure (and some places empty: a widow's, a child's who left home).
  if (p.demography_enabled) spinup(pop, p, rng);

  // share_isolated is a share of all residents; only residents living alone can be isolated.
  std::size_t alone = 0, present = 0;
  auto lives_alone = [&](std::size_t i) {
    const std::uint32_t h = pop.household[i];
    for (std::uint32_t k = pop.household_begin[h]; k < pop.household_begin[h + 1]; ++k)
      if (k != i && pop.present(k)) return false;
    return true;
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (!pop.present(i)) continue;
    ++present;
    alone += pop.age[i] != AgeGroup::Child && lives_alone(i);
  }
  const double isolate_prob = std::min(1.0, p.population_share_isolated * static_cast<double>(present) / std::max<double>(1.0, static_cast<double>(alone)));
  pop.isolate_prob = isolate_prob;
  for (std::size_t i = 0; i < n; ++i)
    if (pop.present(i) && pop.age[i] != AgeGroup::Child && lives_alone(i) &&
        Rng::to_unit(rng.words(static_cast<std::uint32_t>(i), kInitWeek, Stream::Init, 4)[0]) < isolate_prob)
      pop.flags[i] |= kIsolated;
  // The helping budget keeps its mean over willing residents; newcomers later use the same scale.
  double time_sum = 0, willing_count = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (pop.present(i) && pop.has(i, kWilling)) time_sum += free_time(p, pop.work[i]), willing_count += 1;
  pop.budget_scale = willing_count > 0 ? static_cast<float>(willing_count / time_sum) : 1.0f;
  for (std::size_t i = 0; i < n; ++i)
    if (pop.present(i)) scale_budget(pop, p, i);
  return pop;
}
}  // namespace

// With the life course some places are empty (a child left home, a partner died), so the dwellings are
// sized in a second pass to hold population.residents on average (the first pass measures occupancy).
Population build_population(const Params& p, std::uint32_t run, Spinup spinup) {
  const auto target = static_cast<std::size_t>(p.population_residents);
  if (!p.demography_enabled) return build_places(p, run, target, spinup);
  Population first = build_places(p, run, target, spinup);
  std::size_t present = 0;
  for (std::size_t i = 0; i < first.size; ++i) present += first.present(i);
  const double occupancy = static_cast<double>(std::max<std::size_t>(present, 1)) / static_cast<double>(target);
  return build_places(p, run, static_cast<std::size_t>(std::llround(static_cast<double>(target) / occupancy)), spinup);
}

}  // namespace buurt
