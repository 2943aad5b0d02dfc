#include "buurt/policy/SecondLine.h"

#include <algorithm>
#include <cmath>

#include "buurt/week/Phase.h"

namespace buurt {

void SecondLine::refer(WeekContext& ctx, std::uint32_t i) {
  Population& pop = ctx.pop;
  // Taken in by the second line at referral; the application is the resident's to the team (its week, as ticks).
  const int applied = ctx.week - (static_cast<std::int32_t>(ctx.tick) - pop.team_since[i]);
  ctx.cases.open(Service::SecondLine, i, applied, ctx.week, detail::practical_need(pop, i));
  pop.team_state[i] = TeamStage::Referred;
  pop.team_since[i] = static_cast<std::int32_t>(ctx.tick);
  pop.referrals[i] = static_cast<std::uint8_t>(std::min(255, pop.referrals[i] + 1));
  counters_.referrals += 1;
  cases_.push_back(i);
}

// Its own waiting time, then treatment at a much higher cost per hour.
void SecondLine::week(WeekContext& ctx, Policies&) {
  const Params& p = ctx.p;
  Population& pop = ctx.pop;
  // Referrals come through the team, and so far the second line works in the team's week: with the
  // team switched off its clients stay where they are (as before the policy modules were split).
  if (!p.team_enabled) return;
  const auto week = static_cast<std::int32_t>(ctx.tick);
  const float closure = detail::closure_need(p);
  // Places: the hours available this week (this week's capacity plus the fraction of a place carried over) over the
  // hours a treatment-week takes. Treatments under way are paid first; where the hours fall short of them (a
  // neighbourhood whose capacity is less than one place) each gets the same share. Whole places unused this week
  // lapse; a fraction of a place carries over, so a small neighbourhood's capacity adds up to places over weeks.
  const double h = p.secondline_hours_per_week;
  const double hours = p.secondline_limited ? carry_ + detail::secondline_capacity_hours(p) : 1e300;
  const double under_way =
      h * static_cast<double>(std::count_if(cases_.begin(), cases_.end(), [&](std::uint32_t i) { return pop.team_state[i] == TeamStage::Treatment; }));
  const double intensity = under_way > hours ? hours / under_way : 1.0;
  double free = hours - std::min(hours, under_way);
  for (auto i : cases_) {
    auto& st = pop.team_state[i];
    if (st == TeamStage::Referred) {
      const std::int32_t waited = week - pop.team_since[i];
      // In order of referral: the first whose indication is done takes the next free place.
      if (waited >= static_cast<std::int32_t>(p.secondline_wait_weeks) && free >= h) {
        free -= h;
        st = TeamStage::Treatment;
        pop.team_since[i] = week;
      }
      counters_.wait_sum += waited;
      counters_.waits += 1;
      if (st == TeamStage::Referred && detail::top_team_need(pop, i) < closure) {  // solved while waiting
        st = TeamStage::None;
        pop.team_closed[i] = week;
        ctx.cases.close(i, ctx.week, detail::practical_need(pop, i));
        continue;
      }
    }
    if (st == TeamStage::Treatment) {
      // A treatment started this week was paid from the free hours in full; those under way get their share.
      const double given = pop.team_since[i] == week ? h : h * intensity;
      counters_.hours += given;
      detail::relieve(pop, i, static_cast<float>(p.secondline_relief * given));
      if (pop.help_source[i] == 0) pop.help_source[i] = static_cast<std::uint8_t>(HelpSource::SecondLine);
      if (detail::top_team_need(pop, i) < closure || week - pop.team_since[i] >= static_cast<std::int32_t>(p.secondline_treatment_weeks)) {
        st = TeamStage::None;
        pop.team_closed[i] = week;
        ctx.cases.close(i, ctx.week, detail::practical_need(pop, i));
      }
    }
  }
  std::erase_if(cases_, [&](std::uint32_t i) { return pop.team_state[i] == TeamStage::None; });
  carry_ = p.secondline_limited && h > 0.0 ? free - h * std::floor(free / h) : 0.0;
}

std::size_t SecondLine::waiting(const Population& pop) const {
  return static_cast<std::size_t>(std::count_if(cases_.begin(), cases_.end(), [&](std::uint32_t i) { return pop.team_state[i] == TeamStage::Referred; }));
}

void SecondLine::forget(const std::vector<std::uint32_t>& left, const WeekContext&) {
  std::erase_if(cases_, [&](std::uint32_t i) { return std::binary_search(left.begin(), left.end(), i); });
}

void SecondLine::outcomes(WeekOutcomes& o, const Population& pop, const Params& p) const {
  const Counters& c = counters_;
  o[Outcome::secondline_hours] = c.hours;
  // Paid capacity, used or not: a municipality pays the second-line hours it contracts.
  o[Outcome::secondline_paid_hours] = p.secondline_limited ? detail::secondline_capacity_hours(p) : c.hours;
  o[Outcome::secondline_utilisation] = detail::ratio(c.hours, o[Outcome::secondline_paid_hours]);
  o[Outcome::secondline_mean_wait] = detail::ratio(c.wait_sum, c.waits);
  o[Outcome::referrals] = c.referrals;
  o[Outcome::secondline_waiting] = static_cast<double>(waiting(pop));
  o[Outcome::cost_secondline] = o[Outcome::secondline_paid_hours] * p.costs_secondline_hour;
}

}  // namespace buurt
