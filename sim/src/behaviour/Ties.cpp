#include "buurt/behaviour/Ties.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "buurt/week/Phase.h"

namespace buurt::phase {

using detail::for_each_index;

namespace {

struct DecayRates {
  float decay, floor_break, limit, gain, keep;
  double contact, imbalance_break;
  std::int32_t tick;
};

/// Ties [e0, e0 + m): contact, or decay and perhaps the tie's end, then the fading of its balance; returns the
/// number of ties that ended. w0 and w1 are the ties' TieBreak words 0 and 1 (a block). A tie not in play this
/// week (ended, a household tie, or used for help and warmed there) keeps its strength. Every outcome is
/// computed and one kept: selects instead of branches on the week's draws, in a loop that becomes vector code
/// (the arrays come as separate arguments: GCC 12 does not vectorize it when they come in a struct).
BUURT_VECTOR_CLONES
std::uint32_t decay_block(const TieKind* __restrict kinds, const std::int32_t* __restrict last_help, const std::uint32_t* __restrict a,
                          const std::uint32_t* __restrict b, const float* __restrict sociability, float* __restrict strength, float* __restrict balances,
                          std::size_t e0, std::size_t m, const std::uint32_t* __restrict w0, const std::uint32_t* __restrict w1, const DecayRates& rates) {
  const DecayRates r = rates;
  std::uint32_t broken = 0;
  for (std::size_t j = 0; j < m; ++j) {
    const std::size_t e = e0 + j;
    const TieKind kind = kinds[e];
    const float s = strength[e], balance = balances[e];
    const bool still = !(s > 0.0f) | (kind == TieKind::Household) | (last_help[e] == r.tick);
    // In touch this week: more often between sociable residents.
    const bool contact = Rng::to_unit(w0[j]) < r.contact * std::sqrt(sociability[a[e]] * sociability[b[e]]);
    const float warmer = s + r.gain * (1.0f - s);
    const float cooler = s * (1.0f - r.decay);
    const bool kin = kind == TieKind::Kin;  // kin stays, dormant
    const bool imbalanced = (kind == TieKind::Neighbour) & (std::abs(balance) > r.limit) & (Rng::to_unit(w1[j]) < r.imbalance_break);
    const bool ends = (!kin) & ((cooler < r.floor_break) | imbalanced);
    const float decayed = kin ? std::max(cooler, 0.1f) : ends ? 0.0f : cooler;
    strength[e] = still ? s : contact ? warmer : decayed;
    broken += static_cast<std::uint32_t>((!still) & (!contact) & ends);
    balances[e] = balance * r.keep;  // after the tie's own look at its balance (times 1 is exact: no fading)
  }
  return broken;
}

/// Contact, decay and breaking of every non-household tie not used for help this week, and the fading of
/// every balance (fade_balances, in the same pass over the ties); returns the number of ties that ended.
/// With `tally`, the pass also counts each resident's active ties (strength >= `active` after the week's
/// change: both ends of such a tie hold it in their rows), into the array of the thread that ran the chunk.
std::size_t decay_and_break(WeekContext& ctx, par::PerThread<std::vector<std::uint16_t>>* tally, float active) {
  const Params& p = ctx.p;
  Network& net = ctx.net;
  const DecayRates r{static_cast<float>(p.ties_decay),
                     static_cast<float>(p.ties_break_below),
                     static_cast<float>(p.ties_imbalance_limit),
                     static_cast<float>(p.ties_contact_gain),
                     1.0f - static_cast<float>(p.reciprocity_fade),
                     p.ties_contact_rate,
                     p.ties_imbalance_break,
                     static_cast<std::int32_t>(ctx.tick)};
  const std::size_t n = ctx.pop.size;
  return par::sum_chunks(net.edges(), detail::kGrain, [&](std::size_t begin, std::size_t end) {
    std::size_t broken = 0;
    std::uint16_t* count = nullptr;
    if (tally) {
      auto& mine = tally->local();
      if (mine.size() != n) mine.assign(n, 0);
      count = mine.data();
    }
    RngBlock draws;
    for (std::size_t e0 = begin; e0 < end; e0 += RngBlock::kSize) {
      const std::size_t m = std::min<std::size_t>(RngBlock::kSize, end - e0);
      ctx.rng.block(static_cast<std::uint32_t>(e0), m, ctx.tick, Stream::TieBreak, 0, draws);
      broken += decay_block(net.kind.data(), net.last_help.data(), net.a.data(), net.b.data(), ctx.pop.sociability.data(), net.strength.data(),
                            net.balance.data(), e0, m, draws.w[0].data(), draws.w[1].data(), r);
      if (count)
        for (std::size_t e = e0; e != e0 + m; ++e)
          if (net.strength[e] >= active) {
            ++count[net.a[e]];
            ++count[net.b[e]];
          }
    }
    return broken;
  });
}

}  // namespace

std::uint16_t active_ties_of(const Population&, const Network& net, std::size_t i, float active) {
  std::uint32_t count = 0;
  for (std::uint32_t k = net.row_begin[i]; k < net.row_begin[i + 1]; ++k)
    if (net.other[k] != kNone && net.strength[net.edge[k]] >= active) ++count;
  return static_cast<std::uint16_t>(std::min<std::uint32_t>(count, 65535));
}

void TieDynamics::week(WeekContext& ctx) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  Network& net = ctx.net;
  // Active ties are counted in the pass over the ties where there is one and an ended tie (strength 0) cannot
  // count; otherwise from each resident's row.
  const float active = static_cast<float>(p.ties_active_strength);
  const bool tallied = p.ties_dynamics && active > 0.0f;
  if (p.ties_dynamics) {
    ctx.counters.ties_broken = static_cast<double>(decay_and_break(ctx, tallied ? &tally_ : nullptr, active));
    // Meetings: proposals drawn in parallel, applied in index order so the result is thread-independent.
    const double rate = p.ties_meeting_rate, sat = p.ties_saturation;
    using Meeting = std::pair<std::uint32_t, std::uint32_t>;
    // Limited time: residents with many ties take on fewer new ones (ties.saturation): the odds that a meeting
    // of i and j becomes a tie (above 1 without a limit, so no draw can reach it).
    auto room = [&](std::uint32_t i, std::uint32_t j) {
      if (sat <= 0.0) return 2.0;
      return std::max(0.0, 1.0 - pop.active_ties[i] / sat) * std::max(0.0, 1.0 - pop.active_ties[j] / sat);
    };
    const auto meetings = detail::collect_chunks<Meeting>(pop.size, [&](std::size_t begin, std::size_t end, std::vector<Meeting>& out) {
      DrawCursor draws(ctx.rng, ctx.tick, Stream::Meeting, 0, end);
      for (std::size_t i = begin; i != end; ++i) {
        if (pop.age[i] == AgeGroup::Child) continue;  // children and empty places: no draw needed
        const auto u = draws.uniforms(i);
        // Poverty shrinks networks ([seed004]): low-income and benefit residents also make new ties less often.
        const double r = pop.income[i] == IncomeGroup::Middle ? rate : rate * p.network_low_income_tie_factor;
        if (u[0] >= r) continue;
        const std::uint32_t s = pop.street[i];
        const std::uint32_t lo = pop.street_begin[s], hi = pop.street_begin[s + 1];
        const auto j = lo + static_cast<std::uint32_t>(u[1] * (hi - lo));
        if (j >= hi || pop.household[j] == pop.household[i] || !pop.present(j)) continue;
        if (u[2] >= room(static_cast<std::uint32_t>(i), j)) continue;
        out.emplace_back(static_cast<std::uint32_t>(i), j);
      }
    });
    // Meeting through shared contacts (triadic closure, [kossinets2006]): an adult meets a contact of one of its
    // active contacts (household excluded), chosen at random; they become friends at the same saturation odds.
    // Proposed from the network as it stands before this week's meetings are added.
    const auto introductions = detail::collect_chunks<Meeting>(pop.size, [&](std::size_t begin, std::size_t end, std::vector<Meeting>& out) {
      if (p.ties_closure_rate <= 0.0) return;
      DrawCursor draws(ctx.rng, ctx.tick, Stream::Meeting, 1, end);
      const float act = static_cast<float>(p.ties_active_strength);
      // The n-th active contact of r outside r's household (n < count), or the count when n is kNone.
      auto contact = [&](std::uint32_t r, std::uint32_t n) {
        std::uint32_t seen = 0;
        for (std::uint32_t k = net.row_begin[r]; k < net.row_begin[r + 1]; ++k) {
          if (net.other[k] == kNone) continue;
          const std::uint32_t e = net.edge[k];
          if (net.kind[e] == TieKind::Household || net.strength[e] < act) continue;
          if (seen++ == n) return net.other[k];
        }
        return n == kNone ? seen : kNone;
      };
      for (std::size_t i = begin; i != end; ++i) {
        if (pop.age[i] == AgeGroup::Child) continue;
        const auto u = draws.uniforms(i);
        if (u[0] >= p.ties_closure_rate) continue;
        const auto me = static_cast<std::uint32_t>(i);
        const std::uint32_t n = contact(me, kNone);
        if (n == 0) continue;
        const std::uint32_t j = contact(me, std::min(n - 1, static_cast<std::uint32_t>(u[1] * n)));
        const std::uint32_t m = contact(j, kNone);
        if (m < 2) continue;  // i is its only contact
        const std::uint32_t k = contact(j, std::min(m - 1, static_cast<std::uint32_t>(u[2] * m)));
        if (k == me || k == kNone || pop.household[k] == pop.household[i] || !pop.present(k) || pop.age[k] == AgeGroup::Child) continue;
        if (u[3] >= room(me, k)) continue;
        out.emplace_back(me, k);
      }
    });
    std::size_t formed = 0;
    constexpr float kMet = 0.35f;  // strength of a tie formed at a meeting
    std::uint16_t* count = nullptr;
    if (tallied && kMet >= active) {
      auto& mine = tally_.local();
      if (mine.size() != pop.size) mine.assign(pop.size, 0);
      count = mine.data();
    }
    for (const auto& [i, j] : meetings)
      if (net.add(i, j, TieKind::Neighbour, kMet, static_cast<std::int32_t>(ctx.tick)) != kNone) {
        ++formed;
        if (count) ++count[i], ++count[j];
      }
    for (const auto& [i, k] : introductions)
      if (net.add(i, k, TieKind::Friend, kMet, static_cast<std::int32_t>(ctx.tick)) != kNone) {
        ++formed;
        if (count) ++count[i], ++count[k];
      }
    ctx.counters.meeting_ties = static_cast<double>(formed);
  }
  if (!p.ties_dynamics) fade_balances(ctx);  // with tie dynamics, in the pass over the ties above
  if (!tallied) {
    loneliness_from_contact(ctx);  // counts the active ties first, in the same pass
    return;
  }
  std::vector<std::uint16_t*> tallies;
  tally_.each([&](std::vector<std::uint16_t>& t) {
    if (t.size() == pop.size) tallies.push_back(t.data());
  });
  loneliness_from_contact(ctx, tallies);
}

// Old debts are forgotten or forgiven: every balance shrinks by the same share each week, so balances
// settle instead of growing without limit.
void fade_balances(WeekContext& ctx) {
  const float keep = 1.0f - static_cast<float>(ctx.p.reciprocity_fade);
  if (keep >= 1.0f) return;
  Network& net = ctx.net;
  for_each_index(net.edges(), [&](std::size_t e) { net.balance[e] *= keep; });
}

// Loneliness moves toward a level set by the resident's good contacts (active ties and membership of an
// initiative, saturating at ties.protective_ties), its money problems and its health. Onset and recovery are
// separate rates; life events add shocks on top (phase 1), which contact then works off. With
// loneliness.from_contact off everyone tends to the level of half the protective contacts (negative control).
void loneliness_from_contact(WeekContext& ctx) { loneliness_from_contact(ctx, {}); }

void loneliness_from_contact(WeekContext& ctx, std::span<std::uint16_t* const> tallies) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  const auto protective = static_cast<float>(p.ties_protective_ties);
  const float isolated = static_cast<float>(p.loneliness_isolated_level), onset = static_cast<float>(p.loneliness_onset_rate);
  const float recovery = static_cast<float>(p.loneliness_recovery_rate), money = static_cast<float>(p.loneliness_money_gradient);
  const float health = static_cast<float>(p.loneliness_health_gradient);
  const bool contact = p.loneliness_from_contact;
  const float active = static_cast<float>(p.ties_active_strength);
  // The active ties first (each resident's row, or the sum of the tallies), then the level and the move toward it array by array, in
  // loops the compiler turns into vector code (each resident's value sees the same operations as one by one).
  par::for_chunks(pop.size, detail::kGrain, [&](std::size_t begin, std::size_t end) {
    if (tallies.empty())
      for (std::size_t i = begin; i != end; ++i) pop.active_ties[i] = active_ties_of(pop, ctx.net, i, active);
    else
      for (std::size_t i = begin; i != end; ++i) {
        std::uint32_t count = 0;
        for (std::uint16_t* t : tallies) count += std::exchange(t[i], std::uint16_t{0});
        pop.active_ties[i] = static_cast<std::uint16_t>(std::min<std::uint32_t>(count, 65535));
      }
    const std::uint16_t* __restrict ties = pop.active_ties.data();
    const std::uint16_t* __restrict member = pop.member_of.data();
    const std::uint16_t* __restrict age = pop.age_weeks.data();
    const float* __restrict poor = pop.need[Income].data();
    const float* __restrict ill = pop.need[Health].data();
    float* __restrict lonely = pop.need[Social].data();
    for (std::size_t i = begin; i != end; ++i) {
      // Every candidate is computed and one kept (selects, no branches: the loop becomes vector code).
      const float good = static_cast<float>(ties[i]) + (member[i] != 0 ? 1.0f : 0.0f);
      const float share = std::min(good, protective) / protective;
      const float k = contact ? share : 0.5f;
      const float level = std::min(1.0f, isolated * (1.0f - k) + money * poor[i] + health * ill[i]);
      const float social = lonely[i];
      const float worse = social + onset * (level - social), better = social + recovery * (level - social);
      const float recovered = better < detail::kResolved ? 0.0f : better;  // below kResolved: gone
      const float next = level >= social ? worse : recovered;
      lonely[i] = age[i] != kVacantAge ? next : social;  // nothing in an empty place
    }
  });
}

void count_active_ties(Population& pop, const Network& net, const Params& p) {
  const float active = static_cast<float>(p.ties_active_strength);
  for_each_index(pop.size, [&](std::size_t i) { pop.active_ties[i] = active_ties_of(pop, net, i, active); });
}

}  // namespace buurt::phase
