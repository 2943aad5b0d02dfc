#include "buurt/core/Simulation.h"

#include <algorithm>
#include <atomic>
#include <cmath>

#include "buurt/core/Parallel.h"

namespace buurt {
namespace {

constexpr std::size_t kGrain = 2048;
constexpr float kResolved = 0.02f;  // need below this is gone

template <class F>
void for_each_index(std::size_t n, F&& f) {
  par::for_each_index(n, kGrain, std::forward<F>(f));
}

/// Integer count over [0, n): integer sums are exact, so any reduction order gives the same result.
template <class F>
std::size_t count_if_index(std::size_t n, F&& f) {
  return par::count_if_index(n, kGrain, std::forward<F>(f));
}

HelpSource source_of(TieKind k) {
  switch (k) {
    case TieKind::Household: return HelpSource::Household;
    case TieKind::Kin: return HelpSource::Kin;
    case TieKind::Neighbour: return HelpSource::Neighbour;
    case TieKind::Friend: return HelpSource::Friend;
    case TieKind::Brokered: return HelpSource::Brokered;
  }
  return HelpSource::None;
}

void atomic_max(std::uint64_t& slot, std::uint64_t value) {
  std::atomic_ref<std::uint64_t> a(slot);
  std::uint64_t cur = a.load(std::memory_order_relaxed);
  while (cur < value && !a.compare_exchange_weak(cur, value, std::memory_order_relaxed)) {
  }
}

std::uint32_t mix32(std::uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

}  // namespace

Simulation::Simulation(const Params& params, std::uint32_t run)
    : p_(params), run_(run), rng_(static_cast<std::uint64_t>(params.run_seed), run), pop_(build_population(params, run)), net_(build_network(params, pop_, run)) {
  offer_.assign(pop_.size, 0);
  meet_.assign(pop_.size, kNone);
  care_weight_.assign(pop_.size, 0.0f);
  care_flag_.assign(pop_.size, 0);
  apply_.assign(pop_.size, 0);
  if (pop_.size > 0) {  // the team's office sits in the middle of the neighbourhood
    const auto [x0, x1] = std::minmax_element(pop_.x.begin(), pop_.x.end());
    const auto [y0, y1] = std::minmax_element(pop_.y.begin(), pop_.y.end());
    team_.x = 0.5f * (*x0 + *x1);
    team_.y = 0.5f * (*y0 + *y1);
  }
  count_active_ties();
  accounting();  // need mask, active ties and outcomes before anything happens
  // Burn-in: run until needs, ties and loneliness have settled; week 0 is the state after it.
  burn_in_ = static_cast<int>(p_.run_burn_in);
  week_ = -burn_in_;
  while (week_ < 0) step();
}

void Simulation::refresh() {
  count_active_ties();
  accounting();
}

void Simulation::steer(const Params& p) {
  Params q = p;
  // Run and structure keys (Params.def role) cannot change once the neighbourhood is built.
  for (const auto& spec : schema())
    if (!spec.steerable()) std::visit([&](auto m) { q.*m = p_.*m; }, spec.member);
  p_ = q;
}

double Simulation::bytes_per_resident() const {
  const double n = static_cast<double>(pop_.size);
  const double ties = static_cast<double>(net_.other.size()) * 8.0 + static_cast<double>(net_.a.capacity()) * (net_.bytes_per_tie() - 16.0);
  const double care = static_cast<double>(care_to_a_.capacity() + care_to_b_.capacity()) * 4.0;
  return pop_.bytes_per_resident() + 8.0 /*offer*/ + 4.0 /*meet*/ + 5.0 /*care weight, flag*/ + (ties + care) / n;
}

void Simulation::step() {
  cur_ = static_cast<std::uint32_t>(week_ + burn_in_);
  life_events();
  self_help();
  asking();
  care_circles();
  matching();
  helping();
  team_phase();
  community_phase();
  tie_dynamics();
  adaptation();
  ++week_;
  accounting();
}

// Phase 1. Needs arise (new episodes in domains not in need), end by themselves, and cascade.
void Simulation::life_events() {
  if (!p_.events_enabled) return;
  const std::array<double, kDomains> onset = {p_.events_income_onset, p_.events_health_onset, p_.events_mental_onset, p_.events_social_onset,
                                              p_.events_household_onset};
  const std::array<double, kDomains> recovery = {p_.events_income_recovery, p_.events_health_recovery, p_.events_mental_recovery,
                                                 p_.events_social_recovery, p_.events_household_recovery};
  const float thr = static_cast<float>(p_.events_in_need_threshold);
  const float shock = static_cast<float>(p_.events_shock_size);
  const float spill = p_.events_cascades ? static_cast<float>(p_.events_cascade_strength * p_.events_shock_size) : 0.0f;
  for_each_index(pop_.size, [&](std::size_t i) {
    const auto id = static_cast<std::uint32_t>(i);
    const auto u = rng_.uniforms(id, cur_, Stream::Events, 0);
    const auto v = rng_.uniforms(id, cur_, Stream::Events, 1);
    const std::array<double, kDomains> uo = {u[0], u[1], u[2], u[3], v[0]};
    // Recovery draws are only read for domains in need; most residents have none, so skip the draw.
    bool any_in_need = false;
    for (int d = 0; d < kDomains; ++d) any_in_need |= pop_.need[d][i] >= thr;
    const auto r = any_in_need ? rng_.uniforms(id, cur_, Stream::Recovery, 0) : std::array<double, 4>{1.0, 1.0, 1.0, 1.0};
    const std::array<double, kDomains> ur = {r[0], r[1], r[2], r[3], v[1]};
    const bool poor = pop_.income[i] != IncomeGroup::Middle;
    const bool elderly = pop_.age[i] == AgeGroup::Elderly;
    const double child = pop_.age[i] == AgeGroup::Child ? 0.3 : 1.0;  // assumption: children carry fewer own shocks
    std::array<float, kDomains> add{};
    for (int d = 0; d < kDomains; ++d) {
      float& need = pop_.need[d][i];
      if (need >= thr) {
        // Loneliness does not pass by itself without anyone to be in touch with.
        const double rec = elderly && (d == Health || d == HouseholdCare) ? recovery[d] * p_.events_elderly_recovery_factor : recovery[d];
        if (ur[d] < rec && (d != Social || pop_.active_ties[i] > 0)) {
          need = 0.0f;
          pop_.skill[d][i] = std::max(pop_.skill[d][i], static_cast<float>(p_.helping_skill_lived_experience));
        }
        continue;
      }
      double rate = onset[d] * child;
      if (poor && (d == Income || d == Mental)) rate *= p_.events_low_income_multiplier;
      if (elderly && (d == Health || d == Social)) rate *= p_.events_elderly_multiplier;
      if (uo[d] < rate) {
        add[d] += shock;
        switch (d) {
          case Income: add[Mental] += spill; add[HouseholdCare] += spill; break;
          case Health: add[HouseholdCare] += spill; add[Mental] += 0.5f * spill; break;
          case Social: add[Mental] += spill; break;
          case HouseholdCare: add[Income] += spill; add[Social] += spill; break;
          default: break;
        }
      }
    }
    std::uint8_t hit = 0;
    for (int d = 0; d < kDomains; ++d) {
      pop_.need[d][i] = std::min(1.0f, pop_.need[d][i] + add[d]);
      if (add[d] > 0.0f) hit |= static_cast<std::uint8_t>(1u << d);
    }
    pop_.shocks[i] = hit;
    // Lasting poverty isolates (seed 004).
    if (pop_.need[Income][i] >= thr) pop_.poverty_weeks[i] = static_cast<std::uint16_t>(std::min(60000, pop_.poverty_weeks[i] + 1));
    else pop_.poverty_weeks[i] = 0;
    if (p_.events_poverty_loneliness && pop_.poverty_weeks[i] >= p_.events_poverty_weeks)
      pop_.need[Social][i] = std::min(1.0f, pop_.need[Social][i] + static_cast<float>(p_.events_poverty_loneliness_rate));
  });
}

// Phase 2. Residents solve part of their own needs according to self-reliance (less when they have
// come to depend on professionals).
void Simulation::self_help() {
  if (!p_.selfhelp_enabled) return;
  const float rate = static_cast<float>(p_.selfhelp_rate), care = static_cast<float>(p_.selfhelp_care_factor);
  if (rate <= 0.0f) return;
  for_each_index(pop_.size, [&](std::size_t i) {
    const float gain = rate * pop_.self_reliance[i] * (1.0f - 0.5f * pop_.dependency[i]);
    for (int d = 0; d < kDomains; ++d) {
      if (d == Social) continue;  // loneliness is relieved by contact (phase 8), not alone
      float& need = pop_.need[d][i];
      const float g = (d == Health || d == HouseholdCare) ? gain * care : gain;  // chronic conditions stay
      if (need > 0.0f) need = need - g < kResolved ? 0.0f : need - g;
    }
  });
}

// Phase 3. Care needs are met by household and kin without asking; for other needs, residents
// whose top need exceeds their threshold decide whether to ask their ties (and volunteers), or
// only a low-threshold volunteer when shame keeps them from their ties.
void Simulation::asking() {
  const bool enabled = p_.asking_enabled;
  build_volunteer_pool();
  for_each_index(pop_.size, [&](std::size_t i) {
    pop_.ask_domain[i] = -1;
    pop_.ask_channel[i] = 0;
    pop_.helper[i] = kNone;
    pop_.help_entry[i] = kNone;
    pop_.hours_received[i] = 0.0f;
    pop_.hours_given[i] = 0.0f;
    pop_.tried[i] = 0;
    pop_.help_source[i] = 0;
    pop_.remaining[i] = pop_.has(i, kWilling) ? pop_.budget[i] * (1.0f - pop_.fatigue[i]) : 0.0f;
    pop_.household_remaining[i] = pop_.age[i] == AgeGroup::Child ? 0.0f : static_cast<float>(p_.helping_household_hours) * (1.0f - pop_.fatigue[i]);
    if (!enabled || pop_.age[i] == AgeGroup::Child) return;
    // Care needs (health, household care) are met by household and kin week after week without
    // asking: informal care (mantelzorg) is given, not requested, so shame plays no part.
    const int care_domain = pop_.need[Health][i] >= pop_.need[HouseholdCare][i] ? Health : HouseholdCare;
    int top = 0;
    for (int d = 1; d < kDomains; ++d)
      if (pop_.need[d][i] > pop_.need[top][i]) top = d;
    // With the care circle, care starts at `care.threshold` (given, not asked); without it, at the
    // resident's own asking threshold.
    const float care_from = p_.care_circle ? static_cast<float>(p_.care_threshold) : pop_.threshold[i];
    if (pop_.need[care_domain][i] >= care_from) {
      pop_.ask_channel[i] = 3;
      top = care_domain;
    } else {
      const float need = pop_.need[top][i];
      if (need < pop_.threshold[i]) return;
      // Dependency on professionals makes residents less inclined to turn to their own network.
      const double drive = p_.asking_base_probability * (0.5 + 0.5 * pop_.self_direction[i]);
      const double p_ties = drive * (1.0 - pop_.shame[i]) * (1.0 - 0.5 * pop_.dependency[i]);
      // A volunteer with lived experience nearby is a lower threshold (seed 000).
      const bool volunteers_near = vol_begin_.size() > 1 && vol_begin_[block_of(i) + 1] > vol_begin_[block_of(i)];
      const double p_vol = volunteers_near ? drive * (1.0 - pop_.shame[i] * (1.0 - p_.volunteers_reluctance_reduction)) : 0.0;
      const double u = rng_.uniforms(static_cast<std::uint32_t>(i), cur_, Stream::Ask)[0];
      if (u < p_ties) pop_.ask_channel[i] = 1;
      else if (u < p_vol) pop_.ask_channel[i] = 2;
      else return;
    }
    const float need = pop_.need[top][i];
    pop_.ask_domain[i] = static_cast<std::int8_t>(top);
    const double care = (top == Health || top == HouseholdCare) ? p_.asking_care_hours_factor : 1.0;
    pop_.ask_hours[i] = need * static_cast<float>(p_.asking_hours_per_need * care);
  });
}

// Phase 4. Requests meet helpers in rounds. Each round every unmatched asker proposes to its best
// untried candidate (a tie, or the block's volunteer for this round); a helper takes the proposal
// with the highest key (need, then a keyed hash), which an atomic max finds whatever the thread
// order. Winners take hours; losers try their next candidate in the next round.
// Phase 3b. Informal care (mantelzorg) by the care circle. A resident whose health or household-care
// need is above its threshold (ask channel 3) is cared for week after week by every adult of its
// household and kin with an active tie; each carer takes a share of the hours by weight (household
// members `care.household_weight`, relatives 1), from its care hours first and then its helping
// budget, and gives nothing below `care.min_share`. Carers write only their own hours and their own
// direction of each tie; receivers then sum their carers in row order, so no two threads write the
// same value and the sums do not depend on the thread count.
void Simulation::care_circles() {
  if (!p_.asking_enabled || !p_.care_circle) return;
  const float w_home = static_cast<float>(p_.care_household_weight), min_share = static_cast<float>(p_.care_min_share);
  const float effect = static_cast<float>(p_.helping_effect * p_.helping_care_effect_factor);
  const float gain = p_.ties_dynamics ? static_cast<float>(p_.ties_contact_gain) : 0.0f;
  auto weight = [&](std::uint32_t e) { return net_.kind[e] == TieKind::Household ? w_home : net_.kind[e] == TieKind::Kin ? 1.0f : 0.0f; };
  auto carer = [&](std::uint32_t k) {  // the tie entry k leads to an adult of the circle
    const std::uint32_t j = net_.other[k];
    return j != kNone && net_.active(net_.edge[k]) && pop_.age[j] != AgeGroup::Child && weight(net_.edge[k]) > 0.0f;
  };
  const std::size_t edges = net_.edges();
  care_to_a_.reserve(net_.a.capacity());  // as the tie arrays grow, not geometrically
  care_to_b_.reserve(net_.a.capacity());
  care_to_a_.resize(edges, 0.0f);  // zero: step 4 clears what it used, ties formed since are new
  care_to_b_.resize(edges, 0.0f);
  // 1. Each receiver's circle; its carers are flagged (every writer writes 1, so the order of the
  //    writes does not matter).
  for_each_index(pop_.size, [&](std::size_t i) {
    care_weight_[i] = 0.0f;
    if (pop_.ask_channel[i] != 3) return;
    for (std::uint32_t k = net_.row_begin[i]; k < net_.row_begin[i + 1]; ++k)
      if (carer(k)) {
        care_weight_[i] += weight(net_.edge[k]);
        std::atomic_ref<std::uint8_t>(care_flag_[net_.other[k]]).store(1, std::memory_order_relaxed);
      }
  });
  // 2. Each flagged carer gives its shares, in the order of its row, while its hours last.
  for_each_index(pop_.size, [&](std::size_t jj) {
    const auto j = static_cast<std::uint32_t>(jj);
    if (!care_flag_[j]) return;
    care_flag_[j] = 0;
    for (std::uint32_t k = net_.row_begin[j]; k < net_.row_begin[j + 1]; ++k) {
      const std::uint32_t i = net_.other[k];
      if (i == kNone || pop_.ask_channel[i] != 3 || !net_.active(net_.edge[k])) continue;
      const std::uint32_t e = net_.edge[k];
      const float w = weight(e);
      if (w <= 0.0f || care_weight_[i] <= 0.0f) continue;
      const float want = pop_.ask_hours[i] * w / care_weight_[i];
      const float from_care = std::min(want, pop_.household_remaining[j]);
      const float from_budget = std::min(want - from_care, pop_.remaining[j]);
      if (from_care + from_budget < min_share) continue;
      pop_.household_remaining[j] -= from_care;
      pop_.remaining[j] -= from_budget;
      (net_.a[e] == j ? care_to_b_ : care_to_a_)[e] = from_care + from_budget;
    }
  });
  // 3. Receivers: hours and their effect summed over the circle; the main carer is recorded.
  for_each_index(pop_.size, [&](std::size_t i) {
    if (pop_.ask_channel[i] != 3) return;
    const int d = pop_.ask_domain[i];
    float hours = 0.0f, skilled = 0.0f, most = 0.0f;
    for (std::uint32_t k = net_.row_begin[i]; k < net_.row_begin[i + 1]; ++k) {
      const std::uint32_t j = net_.other[k];
      if (j == kNone) continue;
      const std::uint32_t e = net_.edge[k];
      const float g = net_.a[e] == i ? care_to_a_[e] : care_to_b_[e];
      if (g <= 0.0f) continue;
      hours += g;
      skilled += g * pop_.skill[d][j];
      if (g > most) {
        most = g;
        pop_.helper[i] = j;
        pop_.help_entry[i] = k;
      }
    }
    pop_.hours_received[i] = hours;
    if (hours <= 0.0f) return;
    float& need = pop_.need[d][i];
    need = std::max(0.0f, need - effect * skilled);
    if (need < kResolved) need = 0.0f;
    pop_.help_source[i] = static_cast<std::uint8_t>(source_of(net_.kind[net_.edge[pop_.help_entry[i]]]));
  });
  // 4. The ties: care counts in the reciprocity balance and keeps the tie warm.
  for_each_index(edges, [&](std::size_t e) {
    const float to_b = care_to_b_[e], to_a = care_to_a_[e];
    if (to_b <= 0.0f && to_a <= 0.0f) return;
    care_to_b_[e] = care_to_a_[e] = 0.0f;
    net_.balance[e] += to_b - to_a;  // balance: hours given by a
    net_.strength[e] += gain * (1.0f - net_.strength[e]);
    net_.last_help[e] = static_cast<std::int32_t>(cur_);
  });
}

void Simulation::matching() {
  if (!p_.asking_enabled) return;
  constexpr std::uint32_t kVolunteerSlot = 63;  // bit of `tried` for the volunteer candidate
  const int rounds = static_cast<int>(p_.asking_rounds);
  const double owe_scale = p_.asking_owe_scale;
  const bool circle = p_.care_circle;  // care receivers were served by their circle (care_circles)
  std::vector<std::uint32_t> prop_helper(pop_.size, kNone), prop_entry(pop_.size, kNone);
  for (int round = 0; round < rounds; ++round) {
    const std::uint64_t stamp = static_cast<std::uint64_t>(cur_) * static_cast<std::uint64_t>(rounds) + static_cast<std::uint64_t>(round) + 1;
    const std::uint32_t salt = mix32(cur_ * 977u + static_cast<std::uint32_t>(round) * 131u + static_cast<std::uint32_t>(run_) + 1u);
    for_each_index(pop_.size, [&](std::size_t i) {
      prop_helper[i] = kNone;
      const int d = pop_.ask_domain[i];
      if (d < 0 || pop_.helper[i] != kNone || (circle && pop_.ask_channel[i] == 3)) return;
      double best = 0.0;
      std::uint32_t best_k = kNone, best_j = kNone;
      if (pop_.ask_channel[i] == 1 || pop_.ask_channel[i] == 3) {
        const std::uint32_t begin = net_.row_begin[i], end = net_.row_begin[i + 1];
        for (std::uint32_t k = begin; k < end; ++k) {
          const std::uint32_t j = net_.other[k];
          if (j == kNone || !net_.active(net_.edge[k])) continue;
          const std::uint32_t slot = k - begin;
          if (slot < kVolunteerSlot && (pop_.tried[i] >> slot & 1u)) continue;
          const std::uint32_t e = net_.edge[k];
          const bool home = net_.kind[e] == TieKind::Household;
          if (pop_.ask_channel[i] == 3 && !home && net_.kind[e] != TieKind::Kin) continue;  // care: household and kin
          if (pop_.remaining[j] + (home ? pop_.household_remaining[j] : 0.0f) < 0.25f) continue;
          // Residents avoid asking where they already owe much (seed 001).
          // Beyond ten times less attractive (owed > owe_scale * ln 10) they do not ask at all.
          const double owed = std::max(0.0f, -net_.balance_of(e, static_cast<std::uint32_t>(i)));
          const double reluctance = owed > 0.0 ? std::exp(-owed / owe_scale) : 1.0;
          if (reluctance < 0.1) continue;
          const double score = (0.2 + pop_.skill[d][j]) * (0.5 + net_.strength[e]) * reluctance;
          if (score > best) {
            best = score;
            best_k = k;
            best_j = j;
          }
        }
      }
      // The block's volunteers: one candidate per round, picked by a keyed hash.
      const std::uint32_t blk = block_of(i);
      if (pop_.ask_channel[i] != 3 && !(pop_.tried[i] >> kVolunteerSlot & 1u) && vol_begin_.size() > blk + 1 && vol_begin_[blk + 1] > vol_begin_[blk]) {
        const std::uint32_t count = vol_begin_[blk + 1] - vol_begin_[blk];
        const std::uint32_t v = vol_list_[vol_begin_[blk] + mix32(static_cast<std::uint32_t>(i) ^ salt) % count];
        if (v != i && pop_.remaining[v] >= 0.25f && net_.find(static_cast<std::uint32_t>(i), v) == kNone) {
          const double score = (0.2 + pop_.skill[d][v]) * 1.0;
          if (score > best) {
            best = score;
            best_k = kNone;
            best_j = v;
          }
        }
      }
      if (best_j == kNone) return;
      prop_helper[i] = best_j;
      prop_entry[i] = best_k;
      const std::uint64_t q = static_cast<std::uint64_t>(pop_.need[d][i] * 32767.0f);
      const std::uint64_t key = (stamp << 47) | (q << 32) | (static_cast<std::uint32_t>(i) ^ salt);
      atomic_max(offer_[best_j], key);
    });
    for_each_index(pop_.size, [&](std::size_t i) {
      const std::uint32_t j = prop_helper[i];
      if (j == kNone) return;
      const std::uint64_t won = offer_[j];
      if ((won >> 47) == stamp && static_cast<std::uint32_t>(won) == (static_cast<std::uint32_t>(i) ^ salt)) {
        // Unique winner for helper j this round: the only writer of j's remaining hours.
        // Help within the household draws first on the household hours (mantelzorg at home).
        const bool home = pop_.household[i] == pop_.household[j];
        const float home_hours = home ? std::min(pop_.ask_hours[i], pop_.household_remaining[j]) : 0.0f;
        const float hours = home_hours + std::min(pop_.ask_hours[i] - home_hours, pop_.remaining[j]);
        pop_.household_remaining[j] -= home_hours;
        pop_.remaining[j] -= hours - home_hours;
        pop_.hours_received[i] = hours;
        pop_.helper[i] = j;
        pop_.help_entry[i] = prop_entry[i];
      } else {
        const std::uint32_t k = prop_entry[i];
        const std::uint32_t slot = k == kNone ? kVolunteerSlot : k - net_.row_begin[i];
        if (slot <= kVolunteerSlot) pop_.tried[i] |= (std::uint64_t{1} << slot);
      }
    });
  }
}

/// Volunteers and active community managers of each block, in index order (deterministic).
void Simulation::build_volunteer_pool() {
  const std::size_t blocks = pop_.blocks;
  vol_begin_.assign(blocks + 1, 0);
  vol_list_.clear();
  std::vector<std::uint32_t> count(blocks, 0);
  for (std::size_t i = 0; i < pop_.size; ++i)
    if (pop_.has(i, kVolunteer) || pop_.has(i, kCommunityManager)) ++count[block_of(i)];
  for (std::size_t b = 0; b < blocks; ++b) vol_begin_[b + 1] = vol_begin_[b] + count[b];
  if (vol_begin_[blocks] == 0) {
    vol_begin_.clear();
    return;
  }
  vol_list_.resize(vol_begin_[blocks]);
  std::vector<std::uint32_t> fill(vol_begin_.begin(), vol_begin_.end() - 1);
  for (std::size_t i = 0; i < pop_.size; ++i)
    if (pop_.has(i, kVolunteer) || pop_.has(i, kCommunityManager)) vol_list_[fill[block_of(i)]++] = static_cast<std::uint32_t>(i);
}

// Phase 5. Hours flow: need falls by skill x hours, balances move, ties strengthen, helpers tire.
void Simulation::helping() {
  if (!p_.asking_enabled) return;
  const float effect = static_cast<float>(p_.helping_effect);
  const float gain = p_.ties_dynamics ? static_cast<float>(p_.ties_contact_gain) : 0.0f;
  const bool circle = p_.care_circle;  // circle care was given, and its ties updated, in care_circles()
  for_each_index(pop_.size, [&](std::size_t i) {
    const std::uint32_t j = pop_.helper[i];
    if (j == kNone || (circle && pop_.ask_channel[i] == 3)) return;
    const int d = pop_.ask_domain[i];
    float& need = pop_.need[d][i];
    const float care = (d == Health || d == HouseholdCare) ? static_cast<float>(p_.helping_care_effect_factor) : 1.0f;
    need = std::max(0.0f, need - effect * care * pop_.skill[d][j] * pop_.hours_received[i]);
    if (need < kResolved) need = 0.0f;
    const std::uint32_t k = pop_.help_entry[i];
    const HelpSource src = k != kNone ? source_of(net_.kind[net_.edge[k]]) : pop_.has(j, kCommunityManager) ? HelpSource::CommunityManager : HelpSource::Volunteer;
    pop_.help_source[i] = static_cast<std::uint8_t>(src);
  });
  // A tie is used at most once per direction per week (one request per asker), so updating first
  // the ties where the asker has the lower index and then the others never writes one tie twice at once.
  for (int pass = 0; pass < 2; ++pass) {
    for_each_index(pop_.size, [&](std::size_t i) {
      const std::uint32_t j = pop_.helper[i];
      if (j == kNone || pop_.help_entry[i] == kNone || ((i < j) != (pass == 0)) || (circle && pop_.ask_channel[i] == 3)) return;
      const std::uint32_t e = net_.edge[pop_.help_entry[i]];
      const float h = pop_.hours_received[i];
      net_.balance[e] += (net_.a[e] == j) ? h : -h;  // balance: hours given by a
      net_.strength[e] += gain * (1.0f - net_.strength[e]);
      net_.last_help[e] = static_cast<std::int32_t>(cur_);
    });
  }
  const float per_hour = static_cast<float>(p_.helping_fatigue_per_hour), rec = static_cast<float>(p_.helping_fatigue_recovery);
  for_each_index(pop_.size, [&](std::size_t i) {
    const float budget = pop_.has(i, kWilling) ? pop_.budget[i] * (1.0f - pop_.fatigue[i]) - pop_.remaining[i] : 0.0f;
    const float home = pop_.age[i] == AgeGroup::Child ? 0.0f : static_cast<float>(p_.helping_household_hours) * (1.0f - pop_.fatigue[i]) - pop_.household_remaining[i];
    const float given = budget + home;
    pop_.hours_given[i] = given;
    pop_.help_streak[i] = given > 0.01f ? static_cast<std::uint16_t>(std::min(60000, pop_.help_streak[i] + 1)) : std::uint16_t{0};
    pop_.fatigue[i] = std::min(0.95f, pop_.fatigue[i] * (1.0f - rec) + per_hour * given);
  });
}

// Phase 8. Ties decay without contact, break when weak or (neighbours) lastingly imbalanced, form
// when street neighbours meet. Active ties relieve loneliness up to a protective number.
void Simulation::tie_dynamics() {
  const bool dyn = p_.ties_dynamics;
  if (dyn) {
    const float decay = static_cast<float>(p_.ties_decay), floor_break = static_cast<float>(p_.ties_break_below);
    const float limit = static_cast<float>(p_.ties_imbalance_limit), gain = static_cast<float>(p_.ties_contact_gain);
    const double contact = p_.ties_contact_rate;
    ties_broken_ = count_if_index(net_.edges(), [&](std::size_t e) {
      if (!net_.active(static_cast<std::uint32_t>(e)) || net_.kind[e] == TieKind::Household) return false;
      if (net_.last_help[e] == static_cast<std::int32_t>(cur_)) return false;
      const auto u = rng_.uniforms(static_cast<std::uint32_t>(e), cur_, Stream::TieBreak);
      float& s = net_.strength[e];
      // In touch this week: more often between sociable residents.
      if (u[0] < contact * std::sqrt(pop_.sociability[net_.a[e]] * pop_.sociability[net_.b[e]])) {
        s += gain * (1.0f - s);
        return false;
      }
      s *= (1.0f - decay);
      if (net_.kind[e] == TieKind::Kin) {
        s = std::max(s, 0.1f);  // kin stays, dormant
        return false;
      }
      bool end = s < floor_break;
      if (!end && net_.kind[e] == TieKind::Neighbour && std::abs(net_.balance[e]) > limit)
        end = u[1] < p_.ties_imbalance_break;
      if (end) s = 0.0f;
      return end;
    });
    // Meetings: proposals in parallel, applied in index order so the result is thread-independent.
    const double rate = p_.ties_meeting_rate;
    for_each_index(pop_.size, [&](std::size_t i) {
      meet_[i] = kNone;
      const auto u = rng_.uniforms(static_cast<std::uint32_t>(i), cur_, Stream::Meeting);
      if (u[0] >= rate || pop_.age[i] == AgeGroup::Child) return;
      const std::uint32_t s = pop_.street[i];
      const std::uint32_t lo = pop_.street_begin[s], hi = pop_.street_begin[s + 1];
      const auto j = lo + static_cast<std::uint32_t>(u[1] * (hi - lo));
      if (j < hi && pop_.household[j] != pop_.household[i]) meet_[i] = j;
    });
    ties_formed_ = 0;
    for (std::size_t i = 0; i < pop_.size; ++i)
      if (meet_[i] != kNone && net_.add(static_cast<std::uint32_t>(i), meet_[i], TieKind::Neighbour, 0.35f, static_cast<std::int32_t>(cur_)) != kNone)
        ++ties_formed_;
  } else {
    ties_broken_ = ties_formed_ = 0;
  }
  count_active_ties();
  const float relief = static_cast<float>(p_.ties_contact_relief), drift = static_cast<float>(p_.ties_isolation_drift);
  const auto protective = static_cast<std::uint32_t>(p_.ties_protective_ties);
  // Loneliness follows contact: with no active tie it rises by the drift, with the protective
  // number or more it falls by the relief, in between it moves linearly between the two.
  for_each_index(pop_.size, [&](std::size_t i) {
    const float k = static_cast<float>(std::min<std::uint32_t>(pop_.active_ties[i], protective)) / static_cast<float>(protective);
    const float change = drift * (1.0f - k) - relief * k;
    float& social = pop_.need[Social][i];
    if (change > 0.0f) social = std::min(1.0f, social + change);
    else if (change < 0.0f && social > 0.0f) {
      social += change;
      if (social < kResolved) social = 0.0f;
    }
  });
}

void Simulation::count_active_ties() {
  const float active = static_cast<float>(p_.ties_active_strength);
  for_each_index(pop_.size, [&](std::size_t i) {
    std::uint32_t count = 0;
    for (std::uint32_t k = net_.row_begin[i]; k < net_.row_begin[i + 1]; ++k)
      if (net_.other[k] != kNone && net_.strength[net_.edge[k]] >= active) ++count;
    pop_.active_ties[i] = static_cast<std::uint16_t>(std::min<std::uint32_t>(count, 65535));
  });
}

// Phase 9. Solving needs oneself or with one's network builds self-reliance; unmet need erodes it.
void Simulation::adaptation() {
  if (!p_.adaptation_enabled) return;
  const float thr = static_cast<float>(p_.events_in_need_threshold);
  const float growth = static_cast<float>(p_.adaptation_growth), erosion = static_cast<float>(p_.adaptation_erosion);
  const float trust_gain = static_cast<float>(p_.adaptation_trust_gain);
  for_each_index(pop_.size, [&](std::size_t i) {
    const auto src = static_cast<HelpSource>(pop_.help_source[i]);
    const bool informal = src != HelpSource::None && src <= HelpSource::Brokered;
    float& sr = pop_.self_reliance[i];
    bool in_need = false;
    for (int d = 0; d < kDomains; ++d) {
      const bool was = (pop_.need_mask[i] >> d) & 1u;
      const bool now = pop_.need[d][i] >= thr;
      in_need |= now;
      if (was && !now) {
        pop_.skill[d][i] = std::max(pop_.skill[d][i], static_cast<float>(p_.helping_skill_lived_experience));
        if (src == HelpSource::None || informal) sr += growth * (1.0f - sr);
      }
    }
    if (informal) pop_.trust_neighbours[i] += trust_gain * (1.0f - pop_.trust_neighbours[i]);
    if (in_need && src == HelpSource::None) sr = std::max(0.0f, sr - erosion);
  });
}

// Phase 10. Outcomes, reduced in a fixed order (deterministic reduce over fixed ranges).
void Simulation::accounting() {
  enum S { InNeed, Dom0, Depth = Dom0 + kDomains, NeedSum, Severe, NoTie, SelfReliant, SR, SD, TrustN, TrustP, Dep, Requests, Informal, Unanswered,
           InformalHours, VolunteerHours, Volunteers, Adults, HelperAdults, Intensive, IntensiveHours, CarerHours, Burdened, ActiveTies, N };
  using Sums = std::array<double, N>;
  const float thr = static_cast<float>(p_.events_in_need_threshold);
  const Sums s = par::deterministic_reduce(
      pop_.size, kGrain, Sums{},
      [&](std::size_t begin, std::size_t end, Sums acc) {
        for (std::size_t i = begin; i != end; ++i) {
          std::uint8_t mask = 0;
          float depth = 0.0f, total = 0.0f;
          for (int d = 0; d < kDomains; ++d) {
            const float nd = pop_.need[d][i];
            total += nd;
            if (nd >= thr) {
              mask |= static_cast<std::uint8_t>(1u << d);
              depth += nd;
              acc[Dom0 + d] += 1;
            }
          }
          pop_.need_mask[i] = mask;
          if (mask) {
            acc[InNeed] += 1;
            acc[Depth] += depth;
          }
          acc[NeedSum] += total;
          acc[Severe] += pop_.need[Social][i] >= 0.6f;
          acc[NoTie] += pop_.active_ties[i] == 0;
          acc[SelfReliant] += pop_.self_reliance[i] >= 0.5f;
          acc[SR] += pop_.self_reliance[i];
          acc[SD] += pop_.self_direction[i];
          acc[TrustN] += pop_.trust_neighbours[i];
          acc[TrustP] += pop_.trust_professionals[i];
          acc[Dep] += pop_.dependency[i];
          acc[ActiveTies] += pop_.active_ties[i];
          if (pop_.ask_domain[i] >= 0) {
            acc[Requests] += 1;
            const auto src = static_cast<HelpSource>(pop_.help_source[i]);
            if (src != HelpSource::None && src <= HelpSource::Brokered) {
              acc[Informal] += 1;
              acc[InformalHours] += pop_.hours_received[i];
            }
            if (src == HelpSource::None) acc[Unanswered] += 1;
          }
          const auto src = static_cast<HelpSource>(pop_.help_source[i]);
          if (src == HelpSource::Volunteer || src == HelpSource::CommunityManager) acc[VolunteerHours] += pop_.hours_received[i];
          acc[Volunteers] += pop_.has(i, kVolunteer) && !pop_.has(i, kCommunityManager);
          if (pop_.age[i] != AgeGroup::Child) {
            acc[Adults] += 1;
            const float given = pop_.hours_given[i];
            if (given > 0.01f) {
              acc[HelperAdults] += 1;
              acc[CarerHours] += given;
              // CBS: long (3 months or more) or intensive (8 hours a week or more) informal care.
              const bool long_or_intensive = given >= 8.0f || pop_.help_streak[i] >= 13;
              acc[Intensive] += long_or_intensive;
              acc[IntensiveHours] += long_or_intensive ? given : 0.0f;
              acc[Burdened] += pop_.fatigue[i] >= 0.5f;  // CBS: heavily burdened carers
            }
          }
        }
        return acc;
      },
      [](Sums a, const Sums& b) {
        for (int k = 0; k < N; ++k) a[k] += b[k];
        return a;
      });
  const double n = static_cast<double>(pop_.size);
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  WeekOutcomes o;
  o[Outcome::unmet_need_share] = s[InNeed] / n;
  for (int d = 0; d < kDomains; ++d) o.v[static_cast<int>(Outcome::need_income) + d] = s[Dom0 + d] / n;
  o[Outcome::need_depth] = ratio(s[Depth], s[InNeed]);
  o[Outcome::mean_need] = s[NeedSum] / (n * kDomains);
  o[Outcome::severely_lonely_share] = s[Severe] / n;
  o[Outcome::no_active_tie_share] = s[NoTie] / n;
  o[Outcome::self_reliant_share] = s[SelfReliant] / n;
  o[Outcome::mean_self_reliance] = s[SR] / n;
  o[Outcome::mean_self_direction] = s[SD] / n;
  o[Outcome::mean_trust_neighbours] = s[TrustN] / n;
  o[Outcome::mean_trust_professionals] = s[TrustP] / n;
  o[Outcome::mean_dependency] = s[Dep] / n;
  o[Outcome::requests] = s[Requests];
  o[Outcome::informal_matched] = s[Informal];
  o[Outcome::unanswered] = s[Unanswered];
  o[Outcome::informal_hours] = s[InformalHours];
  o[Outcome::volunteer_hours] = s[VolunteerHours];
  o[Outcome::professional_hours] = pc_.professional_hours;
  o[Outcome::secondline_hours] = pc_.secondline_hours;
  const double all_hours = s[InformalHours] + s[VolunteerHours] + pc_.professional_hours + pc_.secondline_hours;
  o[Outcome::team_queue] = static_cast<double>(queue_.size());
  o[Outcome::team_caseload] = static_cast<double>(caseload_.size());
  o[Outcome::team_mean_wait] = ratio(pc_.wait_sum, pc_.intakes);
  o[Outcome::team_intakes] = pc_.intakes;
  o[Outcome::referrals] = pc_.referrals;
  o[Outcome::secondline_waiting] = static_cast<double>(std::count_if(secondline_.begin(), secondline_.end(), [&](std::uint32_t i) {
    return pop_.team_state[i] == static_cast<std::uint8_t>(TeamStage::Referred);
  }));
  o[Outcome::reentries] = pc_.reentries;
  o[Outcome::cm_active] = pc_.cm_active;
  o[Outcome::cm_burned_out] = pc_.cm_burned_out;
  o[Outcome::volunteers_active] = s[Volunteers];
  o[Outcome::initiative_members] = pc_.initiative_members;
  o[Outcome::initiative_ownership] = pc_.ownership;
  // Costs (euro per week) and the social cost-benefit balance (MKBA, seed 002).
  const double cms_paid = pc_.cm_active + pc_.cm_burned_out;
  o[Outcome::cost_professional] = p_.team_enabled ? p_.team_fte * p_.team_hours_per_fte * p_.costs_professional_hour : 0.0;
  o[Outcome::cost_secondline] = pc_.secondline_hours * p_.costs_secondline_hour;
  o[Outcome::cost_allowances] = cms_paid * (p_.community_allowance + (p_.community_training ? p_.costs_cm_training : 0.0)) +
                                (p_.volunteers_training ? s[Volunteers] * p_.costs_volunteer_training : 0.0) +
                                static_cast<double>(std::count_if(initiatives_.begin(), initiatives_.end(), [](const Initiative& x) { return x.active; })) * p_.initiatives_support;
  o[Outcome::cost_total] = o[Outcome::cost_professional] + o[Outcome::cost_secondline] + o[Outcome::cost_allowances];
  o[Outcome::mkba_balance] = p_.costs_volunteer_hour_value * s[VolunteerHours] - p_.costs_loneliness_week * s[Severe] - p_.costs_debt_week * s[Dom0] -
                             o[Outcome::cost_total];
  o[Outcome::informal_share_of_hours] = ratio(s[InformalHours], all_hours);
  o[Outcome::helper_share_adults] = ratio(s[HelperAdults], s[Adults]);
  o[Outcome::intensive_carer_share_adults] = ratio(s[Intensive], s[Adults]);
  o[Outcome::mean_carer_hours] = ratio(s[CarerHours], s[HelperAdults]);
  o[Outcome::intensive_carer_hours] = ratio(s[IntensiveHours], s[Intensive]);
  o[Outcome::burdened_helper_share] = ratio(s[Burdened], s[HelperAdults]);
  o[Outcome::ties_per_resident] = s[ActiveTies] / n;
  o[Outcome::ties_formed] = static_cast<double>(ties_formed_) + pc_.ties_formed;
  o[Outcome::ties_broken] = static_cast<double>(ties_broken_);
  // Imbalance over ties: a separate deterministic reduce over edges.
  using Pair = std::array<double, 3>;
  const float limit = static_cast<float>(p_.ties_imbalance_limit);
  const Pair imb = par::deterministic_reduce(
      net_.edges(), kGrain, Pair{},
      [&](std::size_t begin, std::size_t end, Pair acc) {
        for (std::size_t e = begin; e != end; ++e)
          if (net_.strength[e] > 0.0f && net_.kind[e] != TieKind::Household) {
            acc[0] += std::abs(net_.balance[e]);
            acc[1] += 1;
            acc[2] += std::abs(net_.balance[e]) > limit;
          }
        return acc;
      },
      [](Pair a, const Pair& b) { return Pair{a[0] + b[0], a[1] + b[1], a[2] + b[2]}; });
  o[Outcome::mean_abs_imbalance] = ratio(imb[0], imb[1]);
  o[Outcome::imbalanced_tie_share] = ratio(imb[2], imb[1]);
  out_ = o;
}

}  // namespace buurt
