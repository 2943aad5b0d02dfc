#include "buurt/core/Simulation.h"

#include "buurt/base/State.h"
#include "buurt/behaviour/Adaptation.h"
#include "buurt/behaviour/Needs.h"
#include "buurt/core/Accounting.h"

#include <fmt/format.h>

namespace buurt {

Simulation::Simulation(const Params& params, std::uint32_t run, const std::atomic<bool>* stop)
    // Without a burn-in, or with run.common_start off, the scenario's own settings hold from initialisation.
    : p_(params.run_burn_in > 0 && params.run_common_start ? reference_policy(params) : params),
      run_(run),
      rng_(static_cast<std::uint64_t>(params.run_seed), run),
      pop_(build_population(p_, run)),
      net_(build_network(p_, pop_, run)) {
  care_.resize(pop_.size);
  matching_.resize(pop_.size);
  policies_.for_each([&](const char*, auto& policy) { policy.start(pop_); });
  phase::count_active_ties(pop_, net_, p_);
  accounting();  // need mask, active ties and outcomes before anything happens
  // Burn-in: run until needs, ties and loneliness have settled, under the reference policy (every policy
  // key at its default); week 0 is the state after it.
  burn_in_ = static_cast<int>(p_.run_burn_in);
  week_ = -burn_in_;
  while (week_ < 0 && !(stop && stop->load(std::memory_order_relaxed))) step();
  // Week 0: the scenario's policy keys switch on. The week-0 outcomes are those of the burned-in
  // neighbourhood under the reference policy, the same for every scenario of this neighbourhood.
  p_ = params;
}

Simulation::Simulation(const Params& params, std::uint32_t run, const std::function<void(Simulation&)>& load)
    : p_(params), run_(run), rng_(static_cast<std::uint64_t>(params.run_seed), run) {
  load(*this);
  p_ = params;
}

WeekContext Simulation::context() { return WeekContext{pop_, net_, p_, rng_, tick_, week_, counters_, cases_}; }

// The model's week, in the order of week/Week.def (docs/ODD.md, "Process overview and scheduling").
void Simulation::step() {
  tick_ = static_cast<std::uint32_t>(week_ + burn_in_);
  counters_ = WeekCounters{};
  policies_.for_each([](const char*, auto& policy) { policy.new_week(); });
  WeekContext ctx = context();
  Laps lap(profile_);  // times the groups of steps for `buurt bench --phases`; nothing without a profile
  for (const WeekStepSpec& s : kWeek) {
    run_step(s.id, ctx);
    lap(s.group);
  }
  if (profile_) ++profile_->weeks;
}

void Simulation::run_step(WeekStep step, WeekContext& ctx) {
  switch (step) {
    case WeekStep::demography: demography_.week(ctx); return;
    case WeekStep::forget: forget(demography_.left(), ctx); return;
    case WeekStep::life_events: phase::life_events(ctx); return;
    case WeekStep::self_help: phase::self_help(ctx); return;
    case WeekStep::volunteer_pool: volunteers_pool_.build(ctx); return;
    case WeekStep::asking: phase::asking(ctx, volunteers_pool_); return;
    case WeekStep::care: care_.week(ctx); return;
    case WeekStep::matching: matching_.week(ctx, volunteers_pool_); return;
    case WeekStep::helping: phase::helping(ctx); return;
    case WeekStep::reciprocity: reciprocity_.week(ctx); return;
    case WeekStep::tire: phase::tire(ctx); return;
#define POLICY(id, group, number, type, file, writes) \
  case WeekStep::id:                                  \
    policies_.id.week(ctx, policies_);                \
    return;
#define STEP(id, group, number, call, file, writes)
#define GROUP(id, label)
#include "buurt/week/Week.def"
#undef GROUP
#undef STEP
#undef POLICY
    case WeekStep::cases: cases_.report(week_); return;
    case WeekStep::ties: ties_.week(ctx); return;
    case WeekStep::adaptation: phase::adaptation(ctx); return;
    case WeekStep::accounting:
      ++week_;
      accounting();
      return;
  }
}

std::string week_markdown() {
  std::string out = "| # | call | file | writes |\n|---|---|---|---|\n";
  for (const WeekStepSpec& s : kWeek) out += fmt::format("| {} | `{}` | `{}` | {} |\n", s.number.empty() ? "–" : s.number, s.call, s.file, s.writes);
  return out;
}

void Simulation::forget(const std::vector<std::uint32_t>& left, const WeekContext& ctx) {
  if (left.empty()) return;
  policies_.for_each([&](const char*, auto& policy) { policy.forget(left, ctx); });
  cases_.forget(left, week_);
}

void Simulation::accounting() {
  out_ = account(pop_, net_, p_, counters_, cases_);
  policies_.for_each([&](const char*, const auto& policy) { policy.outcomes(out_, pop_, p_); });
  account_totals(out_);
}

void Simulation::refresh() {
  phase::count_active_ties(pop_, net_, p_);
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
  return pop_.bytes_per_resident() + matching_.bytes_per_resident() + care_.bytes_per_resident() + (ties + care_.tie_bytes() + reciprocity_.bytes()) / n;
}

std::vector<std::byte> save_state(Simulation& sim) {
  state::BufferWriter w;
  sim.state(w);
  return std::move(w.bytes);
}

Simulation restore_state(const Params& params, std::uint32_t run, const std::vector<std::byte>& bytes) {
  return Simulation(params, run, [&](Simulation& sim) {
    state::BufferReader in(bytes);
    sim.state(in);
    if (!in.done()) throw std::runtime_error("saved state has bytes left over (written by another layout)");
  });
}

}  // namespace buurt
