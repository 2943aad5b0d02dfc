#include "buurt/sweep/Runner.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>

#include "buurt/base/Parallel.h"
#include "buurt/core/RunLoop.h"
#include "buurt/core/Simulation.h"
#include "buurt/schema/Schema.h"

namespace buurt::sweep {

bool run_one(const Plan& plan, std::int64_t slot, RunResult& out, const std::atomic<bool>* stop) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::int64_t run = plan.run_index(slot);
  const auto replicate = static_cast<std::uint32_t>(plan.replicate_of(run));
  const Scenario s = plan.scenario(plan.point_of(run), replicate);
  const auto* saved = plan.neighbourhood(replicate);
  if (saved && saved->empty()) saved = nullptr;  // not shared (an adaptive replicate, or interrupted)
  Simulation sim = saved ? restore_state(s.params, replicate, *saved) : Simulation(s.params, replicate);
  const auto& ts = plan.spec().timeseries;
  const int weeks = static_cast<int>(s.params.run_weeks);
  const auto w1 = static_cast<std::size_t>(plan.weeks() + 1);
  std::vector<double> series(ts.size() * w1, std::numeric_limits<double>::quiet_NaN());
  auto record = [&](const Simulation& at, int week) {
    for (std::size_t t = 0; t < ts.size(); ++t) series[t * w1 + static_cast<std::size_t>(week)] = at.outcomes().v[static_cast<std::size_t>(ts[t])];
  };
  int week = 0;
  WeekObserver observe;  // none without time series: nothing to record per week
  if (!ts.empty()) {
    record(sim, 0);
    observe = [&](const Simulation& at) { record(at, ++week); };
  }
  if (!run_weeks(sim, weeks, stop, observe)) return false;
  out.slot = slot;
  out.run_index = run;
  out.final.clear();
  for (int o : plan.spec().final_outcomes) out.final.push_back(sim.outcomes().v[static_cast<std::size_t>(o)]);
  out.series = std::move(series);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return true;
}

std::int64_t wanted_replicates(const std::vector<double>& x, double width, std::int64_t cap) {
  const auto n = static_cast<std::int64_t>(x.size());
  if (n < 2 || n >= cap) return n;
  double mean = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(n);
  double ss = 0;
  for (double v : x) ss += (v - mean) * (v - mean);
  const double sd = std::sqrt(ss / static_cast<double>(n - 1));
  const double w = 2 * t975(n - 1) * sd / std::sqrt(static_cast<double>(n));
  if (!(w > width)) return n;  // narrow enough (or undefined)
  const auto needed = static_cast<std::int64_t>(std::ceil(static_cast<double>(n) * (w / width) * (w / width)));
  return std::min(cap, std::min(2 * n, std::max(n + 1, needed)));
}

std::vector<std::int64_t> pending(const Plan& plan, const PartialFile& file) {
  std::vector<std::int64_t> out;
  if (!plan.adaptive()) {
    for (std::int64_t s = 0; s < file.slots(); ++s)
      if (!file.done(s)) out.push_back(s);
    return out;
  }
  const std::int64_t stride = plan.stride(), local_points = file.slots() / stride;
  const double width = plan.target().width;
  std::vector<double> x;
  for (std::int64_t lp = 0; lp < local_points; ++lp) {
    const std::int64_t s0 = lp * stride;
    std::int64_t n = plan.replicates();
    while (true) {
      bool missing = false;
      for (std::int64_t r = 0; r < n; ++r)
        if (!file.done(s0 + r)) {
          out.push_back(s0 + r);
          missing = true;
        }
      if (missing) break;
      x.clear();
      for (std::int64_t r = 0; r < n; ++r) x.push_back(file.target_value(s0 + r));
      const std::int64_t want = wanted_replicates(x, width, stride);
      if (want <= n) break;
      n = want;
    }
  }
  return out;
}

std::int64_t share_burn_in(Plan& plan, const std::atomic<bool>* stop) {
  if (plan.neighbourhood(0)) return 0;  // --from-state
  const Params p0 = plan.scenario(0, 0).params;
  if (!p0.run_common_start || p0.run_burn_in <= 0) return 0;
  for (std::int64_t p = 1; p < plan.points(); ++p)
    if (first_non_policy_difference(p0, plan.scenario(p, 0).params)) return 0;
  const std::int64_t R = plan.replicates();
  if (static_cast<double>(R) * static_cast<double>(p0.population_residents) * 1000.0 > 1e9) return 0;
  std::vector<std::vector<std::byte>> saved(static_cast<std::size_t>(plan.stride()));
  par::for_each_job(static_cast<std::size_t>(R), [&](std::size_t r) {
    if (stop && stop->load()) return;
    Simulation sim(plan.scenario(0, static_cast<std::int64_t>(r)).params, static_cast<std::uint32_t>(r), stop);
    if (stop && stop->load()) return;
    saved[r] = save_state(sim);
  });
  plan.start_from(std::move(saved));
  return R;
}

std::int64_t run_local(const Plan& plan, PartialFile& file, const std::atomic<bool>* stop, const std::function<void(const RunResult&)>& on_done) {
  std::int64_t total = 0;
  std::mutex mu;
  auto last_sync = std::chrono::steady_clock::now();
  while (!(stop && stop->load())) {
    const auto todo = pending(plan, file);
    if (todo.empty()) break;
    par::for_each_job(todo.size(), [&](std::size_t i) {
      if (stop && stop->load()) return;
      RunResult res;
      if (!run_one(plan, todo[i], res, stop)) return;
      file.write(res);
      std::lock_guard lock(mu);
      ++total;
      if (on_done) on_done(res);
      const auto now = std::chrono::steady_clock::now();
      if (now - last_sync > std::chrono::seconds(2)) {
        file.sync();
        last_sync = now;
      }
    });
  }
  file.sync();
  return total;
}

}  // namespace buurt::sweep
