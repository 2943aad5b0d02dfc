#include "buurt/behaviour/Care.h"

#include <algorithm>
#include <atomic>
#include <bit>

#include "buurt/week/Phase.h"

namespace buurt::phase {

using detail::for_each_of;

namespace {
constexpr std::uint32_t kMaskEntries = 64;  ///< row entries a receiver's carer bits cover
}

void CareCircle::resize(std::size_t residents) {
  weight_.assign(residents, 0.0f);
  flag_.assign(residents, 0);
}

// Carers write only their own hours and their own direction of each tie; receivers then sum their
// carers in row order, so no two threads write the same value and the sums do not depend on the
// thread count.
void CareCircle::week(WeekContext& ctx) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  Network& net = ctx.net;
  if (!p.asking_enabled || !p.care_circle) return;
  const float w_home = static_cast<float>(p.care_household_weight), min_share = static_cast<float>(p.care_min_share);
  const float effect = static_cast<float>(p.helping_effect * p.helping_care_effect_factor);
  const float gain = p.ties_dynamics ? static_cast<float>(p.ties_contact_gain) : 0.0f;
  auto receives = [&](std::size_t i) { return pop.ask_channel[i] == AskChannel::Care; };
  auto weight = [&](std::uint32_t e) { return net.kind[e] == TieKind::Household ? w_home : net.kind[e] == TieKind::Kin ? 1.0f : 0.0f; };
  // Kind first: it is one byte per tie and rules out most entries (neighbours, friends) before the strength
  // and the age are read (the same test either way).
  auto carer = [&](std::uint32_t k) {  // the tie entry k leads to an adult of the circle
    const std::uint32_t j = net.other[k];
    return j != kNone && weight(net.edge[k]) > 0.0f && net.active(net.edge[k]) && pop.age[j] != AgeGroup::Child;
  };
  const std::size_t edges = net.edges();
  to_a_.reserve(net.a.capacity());  // as the tie arrays grow, not geometrically
  to_b_.reserve(net.a.capacity());
  to_a_.resize(edges, 0.0f);  // zero: step 4 clears what it used, ties formed since are new
  to_b_.resize(edges, 0.0f);
  // 1. Each receiver's circle; its carers are flagged (every writer writes 1, so the order of the
  //    writes does not matter). The carers' places in the first 64 entries of the row are kept as bits:
  //    only there can care arrive (step 2 gives on the same tests from the other end), so steps 3 and 4
  //    visit those entries, in row order, and the rest of a longer row entry by entry as before.
  const std::vector<std::uint32_t> receivers = detail::those(pop.size, receives);
  circle_.resize(receivers.size());
  par::for_each_index(receivers.size(), detail::kGrain / 8, [&](std::size_t r) {
    const std::uint32_t i = receivers[r];
    const std::uint32_t begin = net.row_begin[i], end = net.row_begin[i + 1];
    float sum = 0.0f;
    std::uint64_t bits = 0;
    for (std::uint32_t k = begin; k < end; ++k)
      if (carer(k)) {
        sum += weight(net.edge[k]);
        if (k - begin < kMaskEntries) bits |= std::uint64_t{1} << (k - begin);
        std::atomic_ref<std::uint8_t>(flag_[net.other[k]]).store(1, std::memory_order_relaxed);
      }
    weight_[i] = sum;
    circle_[r] = bits;
  });
  // The entries of receiver r's row where care may have arrived, in row order.
  auto each_entry = [&](std::size_t r, std::uint32_t i, auto&& f) {
    const std::uint32_t begin = net.row_begin[i], end = net.row_begin[i + 1];
    for (std::uint64_t bits = circle_[r]; bits != 0; bits &= bits - 1) f(begin + static_cast<std::uint32_t>(std::countr_zero(bits)));
    for (std::uint32_t k = begin + kMaskEntries; k < end; ++k)
      if (net.other[k] != kNone) f(k);
  };
  // 2. Each flagged carer gives its shares, in the order of its row, while its hours last.
  const std::vector<std::uint32_t> carers = detail::those(pop.size, [&](std::size_t j) { return flag_[j] != 0; });
  for_each_of(carers, [&](std::uint32_t j) {
    flag_[j] = 0;
    for (std::uint32_t k = net.row_begin[j]; k < net.row_begin[j + 1]; ++k) {
      const std::uint32_t i = net.other[k];
      if (i == kNone || !receives(i)) continue;
      const std::uint32_t e = net.edge[k];
      const float w = weight(e);
      if (w <= 0.0f || !net.active(e) || weight_[i] <= 0.0f) continue;
      const float want = pop.ask_hours[i] * w / weight_[i];
      const float from_care = std::min(want, pop.household_remaining[j]);
      const float from_budget = std::min(want - from_care, pop.remaining[j]);
      if (from_care + from_budget < min_share) continue;
      pop.household_remaining[j] -= from_care;
      pop.remaining[j] -= from_budget;
      (j < i ? to_b_ : to_a_)[e] = from_care + from_budget;  // a is the lower-numbered end
    }
  });
  // 3. Receivers: hours and their effect summed over the circle; the main carer is recorded. Each tie
  //    with care on it is updated once, by its receiver (the one with the lower index when both received):
  //    care counts in the reciprocity balance and keeps the tie warm.
  const auto tick = static_cast<std::int32_t>(ctx.tick);
  par::for_each_index(receivers.size(), detail::kGrain / 8, [&](std::size_t r) {
    const std::uint32_t i = receivers[r];
    const int d = pop.ask_domain[i];
    float hours = 0.0f, skilled = 0.0f, most = 0.0f;
    each_entry(r, i, [&](std::uint32_t k) {
      const std::uint32_t j = net.other[k];
      const std::uint32_t e = net.edge[k];
      const bool is_a = i < j;
      const float g = is_a ? to_a_[e] : to_b_[e];
      if (g <= 0.0f) return;
      hours += g;
      skilled += g * pop.skill[d][j];
      if (g > most) {
        most = g;
        pop.helper[i] = j;
        pop.help_entry[i] = k;
      }
      const float back = is_a ? to_b_[e] : to_a_[e];  // care the other way: then the a side updates the tie
      if (back > 0.0f && !is_a) return;
      net.balance[e] += to_b_[e] - to_a_[e];  // balance: hours given by a
      net.strength[e] += gain * (1.0f - net.strength[e]);
      net.last_help[e] = tick;
    });
    pop.hours_received[i] = hours;
    if (hours <= 0.0f) return;
    detail::reduce_need(pop.need[d][i], effect * skilled);
    pop.help_source[i] = static_cast<std::uint8_t>(detail::source_of(net.kind[net.edge[pop.help_entry[i]]]));
  });
  // 4. Each receiver clears the hours given to it (its own direction of each tie), ready for next week;
  //    every nonzero entry of to_a_/to_b_ is some receiver's.
  par::for_each_index(receivers.size(), detail::kGrain / 8, [&](std::size_t r) {
    const std::uint32_t i = receivers[r];
    weight_[i] = 0.0f;  // every weight is zero between weeks
    each_entry(r, i, [&](std::uint32_t k) { (i < net.other[k] ? to_a_ : to_b_)[net.edge[k]] = 0.0f; });
  });
}

}  // namespace buurt::phase
