#include "buurt/population/Population.h"

#include <algorithm>
#include <cmath>

#include "buurt/core/Rng.h"

namespace buurt {
namespace {

float clamp01(double v) { return static_cast<float>(std::clamp(v, 0.0, 1.0)); }

template <class T>
void resize_all(std::size_t n, std::vector<T>& v) {
  v.assign(n, T{});
}

}  // namespace

double Population::bytes_per_resident() const {
  // Sum of element sizes of every per-resident array (street tables are per street, ignored).
  double b = sizeof(std::uint32_t) * 2 + sizeof(HouseholdType) + sizeof(AgeGroup) + sizeof(IncomeGroup) + sizeof(float) * 2;
  b += kDomains * (sizeof(float) * 2 + sizeof(std::uint8_t));
  b += sizeof(float) * 15 + sizeof(std::uint16_t) * 5 + sizeof(std::uint8_t) * 6 + sizeof(std::int32_t) * 2;
  b += sizeof(WorkStatus) + sizeof(std::int8_t) + sizeof(float) * 8 + sizeof(std::uint32_t) * 2 + sizeof(std::uint64_t) + sizeof(std::uint8_t);
  return b;
}

Population build_population(const Params& p, std::uint32_t run) {
  const Rng rng(static_cast<std::uint64_t>(p.run_seed), run);
  const std::size_t n = static_cast<std::size_t>(p.population_residents);
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
    for (int m = 0; m < size && pop.household.size() < n; ++m) {
      pop.household.push_back(hh);
      pop.street.push_back(street);
      pop.household_type.push_back(type);
      AgeGroup age = type == HouseholdType::Elderly ? AgeGroup::Elderly : (type == HouseholdType::Family && m >= 2) ? AgeGroup::Child : AgeGroup::Adult;
      pop.age.push_back(age);
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

  // share_isolated is a share of all residents; only residents living alone can be isolated.
  const double alone_share = (p.population_share_single + 0.5 * p.population_share_elderly) / std::max(1.0, mean_hh_size);
  const double isolate_prob = std::min(1.0, p.population_share_isolated / std::max(1e-9, alone_share));
  double time_sum = 0, willing_count = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto id = static_cast<std::uint32_t>(i);
    auto u = rng.uniforms(id, kInitWeek, Stream::Init, 0);
    auto v = rng.uniforms(id, kInitWeek, Stream::Init, 1);
    auto w = rng.uniforms(id, kInitWeek, Stream::Init, 2);
    const bool poor = pop.income[i] != IncomeGroup::Middle;
    const bool elderly = pop.age[i] == AgeGroup::Elderly;
    const bool child = pop.age[i] == AgeGroup::Child;
    pop.self_reliance[i] = clamp01(p.selfhelp_self_reliance_mean - (poor ? p.selfhelp_self_reliance_low_income : 0.0) + 0.3 * (u[0] - 0.5));
    pop.self_direction[i] = clamp01(0.5 + 0.4 * (u[1] - 0.5));
    pop.threshold[i] = clamp01(p.asking_threshold_mean + 0.3 * (u[2] - 0.5));
    pop.shame[i] = clamp01(p.asking_shame_mean + (elderly ? p.asking_shame_elderly_extra : 0.0) + 0.4 * (u[3] - 0.5));
    pop.trust_neighbours[i] = clamp01(0.5 + 0.4 * (v[0] - 0.5));
    pop.trust_professionals[i] = clamp01(0.5 + 0.4 * (v[1] - 0.5));
    pop.self_direction_trait[i] = pop.self_direction[i];
    pop.trust_neighbours_trait[i] = pop.trust_neighbours[i];
    pop.shame_trait[i] = pop.shame[i];
    pop.self_reliance_trait[i] = pop.self_reliance[i];
    // Sociability: skewed, many residents are seldom in touch, a few very often (mean 1).
    const double soc_u = Rng::to_unit(rng.words(id, kInitWeek, Stream::Init, 5)[0]);
    pop.sociability[i] = static_cast<float>(std::pow(soc_u, p.network_sociability_skew) * (p.network_sociability_skew + 1.0));
    // Work status: children none, 65+ retired, adults on benefits not employed, other adults employed
    // with population.employed_share (CBS).
    if (child)
      pop.work[i] = WorkStatus::None;
    else if (elderly)
      pop.work[i] = WorkStatus::Retired;
    else if (pop.income[i] == IncomeGroup::Benefits)
      pop.work[i] = WorkStatus::NotEmployed;
    else
      pop.work[i] = Rng::to_unit(rng.words(id, kInitWeek, Stream::Init, 6)[0]) < p.population_employed_share ? WorkStatus::Employed : WorkStatus::NotEmployed;
    const bool willing = !child && v[2] < p.helping_share_willing;
    if (willing) pop.flags[i] |= kWilling;
    // Exponential spread of weekly hours around the mean: many give a little, a few give a lot.
    // Residents without paid work have more time (helping.free_time_factor); rescaled below so the mean stays.
    pop.budget[i] = willing ? static_cast<float>(-std::log(v[3]) * p.helping_budget_mean) * free_time(p, pop.work[i]) : 0.0f;
    if (willing) time_sum += free_time(p, pop.work[i]), willing_count += 1;
    if (!child && Rng::to_unit(rng.words(id, kInitWeek, Stream::Volunteer)[0]) < p.volunteers_share) pop.flags[i] |= kVolunteer | kWilling;
    for (int d = 0; d < kDomains; ++d) {
      const double s = d < 4 ? (d == 0 ? w[0] : d == 1 ? w[1] : d == 2 ? w[2] : w[3]) : Rng::to_unit(rng.words(id, kInitWeek, Stream::Init, 3)[0]);
      // Quantised to the base's 1/255 so the initial skill is exactly the base it fades back to.
      pop.skill_base[d][i] = child ? 0 : static_cast<std::uint8_t>(std::lround(255.0 * (0.1 + 0.5 * s)));
      pop.skill[d][i] = static_cast<float>(pop.skill_base[d][i]) / 255.0f;
    }
    if (pop.has(i, kVolunteer) && p.volunteers_training) pop.train(i, static_cast<float>(p.volunteers_training_bonus));
    if (pop.household_type[i] == HouseholdType::Single || pop.household_type[i] == HouseholdType::Elderly) {
      const bool alone = (i == 0 || pop.household[i - 1] != pop.household[i]) && (i + 1 == n || pop.household[i + 1] != pop.household[i]);
      if (alone && Rng::to_unit(rng.words(id, kInitWeek, Stream::Init, 4)[0]) < isolate_prob) pop.flags[i] |= kIsolated;
    }
  }
  // The helping budget keeps its mean over willing residents; volunteers give at least their hours.
  const float scale = willing_count > 0 ? static_cast<float>(willing_count / time_sum) : 1.0f;
  for (std::size_t i = 0; i < n; ++i) {
    pop.budget[i] = std::min(pop.budget[i] * scale, 40.0f);
    if (pop.has(i, kVolunteer)) pop.budget[i] = std::max(pop.budget[i], static_cast<float>(p.volunteers_hours) * free_time(p, pop.work[i]));
  }
  return pop;
}

}  // namespace buurt
