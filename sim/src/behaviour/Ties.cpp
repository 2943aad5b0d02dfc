#include "buurt/behaviour/Ties.h"

#include <algorithm>
#include <cmath>

#include "buurt/core/detail/Phase.h"

namespace buurt::phase {

using detail::for_each_index;

namespace {

struct DecayRates {
  float decay, floor_break, limit, gain;
  double contact, imbalance_break;
  std::int32_t tick;
};

/// One tie's week: contact, or decay and perhaps its end. Returns 1 when it ended.
/// `draws` gives the tie's TieBreak draw.
std::size_t decay_one(WeekContext& ctx, std::uint32_t e, const DecayRates& r, DrawCursor& draws) {
  Network& net = ctx.net;
  if (!net.active(e) || net.kind[e] == TieKind::Household || net.last_help[e] == r.tick) return 0;
  const auto u = draws.uniforms(e);
  float& s = net.strength[e];
  // In touch this week: more often between sociable residents.
  if (u[0] < r.contact * std::sqrt(ctx.pop.sociability[net.a[e]] * ctx.pop.sociability[net.b[e]])) {
    s += r.gain * (1.0f - s);
    return 0;
  }
  s *= (1.0f - r.decay);
  if (net.kind[e] == TieKind::Kin) {
    s = std::max(s, 0.1f);  // kin stays, dormant
    return 0;
  }
  bool ends = s < r.floor_break;
  if (!ends && net.kind[e] == TieKind::Neighbour && std::abs(net.balance[e]) > r.limit) ends = u[1] < r.imbalance_break;
  if (!ends) return 0;
  s = 0.0f;
  return 1;
}

/// Contact, decay and breaking of every non-household tie not used for help this week, and the fading of
/// every balance (fade_balances, in the same pass over the ties); returns the number of ties that ended.
std::size_t decay_and_break(WeekContext& ctx) {
  const Params& p = ctx.p;
  Network& net = ctx.net;
  const DecayRates r{static_cast<float>(p.ties_decay),
                     static_cast<float>(p.ties_break_below),
                     static_cast<float>(p.ties_imbalance_limit),
                     static_cast<float>(p.ties_contact_gain),
                     p.ties_contact_rate,
                     p.ties_imbalance_break,
                     static_cast<std::int32_t>(ctx.tick)};
  const float keep = 1.0f - static_cast<float>(p.reciprocity_fade);
  return par::sum_chunks(net.edges(), detail::kGrain, [&](std::size_t begin, std::size_t end) {
    std::size_t broken = 0;
    DrawCursor draws(ctx.rng, ctx.tick, Stream::TieBreak, 0, end);
    for (std::size_t e = begin; e != end; ++e) {
      broken += decay_one(ctx, static_cast<std::uint32_t>(e), r, draws);
      if (keep < 1.0f) net.balance[e] *= keep;  // after the tie's own look at its balance, as fade_balances did
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
  if (p.ties_dynamics) {
    ctx.counters.ties_broken = static_cast<double>(decay_and_break(ctx));
    // Meetings: proposals drawn in parallel, applied in index order so the result is thread-independent.
    const double rate = p.ties_meeting_rate, sat = p.ties_saturation;
    using Meeting = std::pair<std::uint32_t, std::uint32_t>;
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
        // Limited time: residents with many ties take on fewer new ones (ties.saturation).
        if (sat > 0.0) {
          const double room = std::max(0.0, 1.0 - pop.active_ties[i] / sat) * std::max(0.0, 1.0 - pop.active_ties[j] / sat);
          if (u[2] >= room) continue;
        }
        out.emplace_back(static_cast<std::uint32_t>(i), j);
      }
    });
    std::size_t formed = 0;
    for (const auto& [i, j] : meetings)
      if (net.add(i, j, TieKind::Neighbour, 0.35f, static_cast<std::int32_t>(ctx.tick)) != kNone) ++formed;
    ctx.counters.meeting_ties = static_cast<double>(formed);
  }
  if (!p.ties_dynamics) fade_balances(ctx);  // with tie dynamics, in the pass over the ties above
  loneliness_from_contact(ctx);              // counts the active ties first, in the same pass
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
void loneliness_from_contact(WeekContext& ctx) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  const auto protective = static_cast<float>(p.ties_protective_ties);
  const float isolated = static_cast<float>(p.loneliness_isolated_level), onset = static_cast<float>(p.loneliness_onset_rate);
  const float recovery = static_cast<float>(p.loneliness_recovery_rate), money = static_cast<float>(p.loneliness_money_gradient);
  const float health = static_cast<float>(p.loneliness_health_gradient);
  const bool contact = p.loneliness_from_contact;
  const float active = static_cast<float>(p.ties_active_strength);
  // The active ties first (each resident's row), then the level and the move toward it array by array, in
  // loops the compiler turns into vector code (each resident's value sees the same operations as one by one).
  par::for_chunks(pop.size, detail::kGrain, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i != end; ++i) pop.active_ties[i] = active_ties_of(pop, ctx.net, i, active);
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
