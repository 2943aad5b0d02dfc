#include "buurt/experiment/Compare.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <mutex>
#include <stdexcept>

#include "buurt/base/Parallel.h"
#include "buurt/core/RunLoop.h"
#include "buurt/core/Simulation.h"
#include "buurt/experiment/Stats.h"

namespace buurt {

namespace {

/// Every scenario of the comparison starts from one burned-in neighbourhood per replicate.
bool common_start(const std::vector<Scenario>& scenarios) {
  return std::all_of(scenarios.begin(), scenarios.end(), [](const Scenario& s) { return s.params.run_common_start && s.params.run_burn_in > 0; });
}

}  // namespace

std::vector<std::vector<RunSummary>> run_comparison(const std::vector<Scenario>& scenarios, int replicates, const std::atomic<bool>* stop,
                                                    const std::function<void(long)>& progress, const CompareStart& start) {
  const std::size_t S = scenarios.size(), R = static_cast<std::size_t>(replicates);
  std::vector<std::vector<RunSummary>> out(S, std::vector<RunSummary>(R));
  std::atomic<long> done{0};
  std::atomic<bool> interrupted{false};
  // Common random numbers: scenario s, replicate r uses (seed of scenario 0, run r).
  const std::int64_t seed = scenarios.front().params.run_seed;
  auto params_of = [&](std::size_t s, std::size_t r) {
    Params p = start.params ? start.params(s, static_cast<std::uint32_t>(r)) : scenarios[s].params;
    p.run_seed = seed;
    return p;
  };
  const bool shared = common_start(scenarios);
  if ((start.load || start.save) && !shared)
    throw std::invalid_argument("saved neighbourhoods need a common start (run.common_start = true and run.burn_in > 0 in every scenario)");

  // A common start: each replicate's neighbourhood is burned in once, under the first scenario's settings
  // (or loaded), and kept as a saved state in memory; every scenario of that replicate starts from it.
  std::vector<std::vector<std::byte>> neighbourhoods(shared ? R : 0);
  if (shared) {
    std::mutex saving;
    auto keep = [&](std::size_t r, Simulation& sim) {
      neighbourhoods[r] = save_state(sim);
      if (start.save) {
        const std::lock_guard<std::mutex> lock(saving);
        start.save(sim);
      }
    };
    if (start.load) {
      for (std::size_t r = 0; r < R; ++r) keep(r, *start.load(params_of(0, r), static_cast<std::uint32_t>(r)));  // files are read one at a time
    } else {
      par::for_each_job(R, [&](std::size_t r) {
        if (stop && stop->load()) return;
        Simulation sim(params_of(0, r), static_cast<std::uint32_t>(r), stop);
        if (stop && stop->load()) return;  // interrupted during the burn-in
        keep(r, sim);
      });
      if (stop && stop->load()) throw Interrupted();
    }
  }

  par::for_each_job(S * R, [&](std::size_t job) {
    if (interrupted.load() || (stop && stop->load())) {
      interrupted = true;
      return;
    }
    const std::size_t s = job / R, r = job % R;
    const Params p = params_of(s, r);
    const auto run = static_cast<std::uint32_t>(r);
    Simulation sim = shared ? restore_state(p, run, neighbourhoods[r]) : Simulation(p, run);
    RunSummary& rs = out[s][r];
    const auto initial_ties = sim.population().active_ties;
    const auto initial_sr = sim.population().self_reliance;
    const auto initial_age = sim.population().age_weeks;
    rs.rows.reserve(static_cast<std::size_t>(p.run_weeks) + 1);
    rs.rows.push_back(sim.outcomes());
    if (!run_weeks(sim, p.run_weeks, stop, [&](const Simulation& at) { rs.rows.push_back(at.outcomes()); })) {
      interrupted = true;
      return;
    }
    rs.groups = group_outcomes(sim, initial_ties, initial_sr, initial_age);
    const long d = ++done;
    if (progress) progress(d);
  });
  if (interrupted.load()) throw Interrupted();
  return out;
}

CompareSummary summarise(const std::vector<std::vector<RunSummary>>& runs) {
  CompareSummary cs;
  const std::size_t S = runs.size(), R = runs.front().size(), K = kNumOutcomes;
  cs.scenarios = S;
  cs.replicates = R;
  cs.final_values.assign(S * R * K, 0.0);
  cs.last_year.assign(S * R * K, 0.0);
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t r = 0; r < R; ++r) {
      const auto& rows = runs[s][r].rows;
      const std::size_t span = std::min<std::size_t>(52, rows.size() - 1 > 0 ? rows.size() - 1 : 1);
      for (std::size_t k = 0; k < K; ++k) {
        double sum = 0.0;
        for (std::size_t w = rows.size() - span; w < rows.size(); ++w) sum += rows[w].v[k];  // fixed order
        cs.final_values[(s * R + r) * K + k] = rows.back().v[k];
        // What is compared (Outcomes.def `window`): the mean over the last 52 weeks, or for per-client outcomes the
        // value at the end of the run (pooled over the intake cohorts reported by then).
        cs.last_year[(s * R + r) * K + k] = kOutcomeSpecs[k].window == OutcomeWindow::end ? rows.back().v[k] : sum / static_cast<double>(span);
      }
    }
  for (auto* v : {&cs.mean, &cs.diff_mean, &cs.diff_lo, &cs.diff_hi, &cs.rel_mean, &cs.rel_lo, &cs.rel_hi}) v->assign(S * K, 0.0);
  cs.p_better.assign(S * K, std::nan(""));
  std::vector<double> diff(R);
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t k = 0; k < K; ++k) {
      double m = 0.0, m0 = 0.0;
      for (std::size_t r = 0; r < R; ++r) {
        m += cs.last_year[(s * R + r) * K + k];
        m0 += cs.last_year[r * K + k];
        diff[r] = cs.last_year[(s * R + r) * K + k] - cs.last_year[r * K + k];
      }
      m /= static_cast<double>(R);
      m0 /= static_cast<double>(R);
      // Paired differences with the reference (common random numbers): their mean and t-interval.
      const MeanInterval di = mean_interval(diff);
      const double d = di.mean, half = di.half;
      const std::size_t idx = s * K + k;
      cs.mean[idx] = m;
      cs.diff_mean[idx] = d;
      cs.diff_lo[idx] = d - half;
      cs.diff_hi[idx] = d + half;
      const double base = std::abs(m0) > 1e-12 ? std::abs(m0) : std::nan("");
      cs.rel_mean[idx] = d / base;
      cs.rel_lo[idx] = (d - half) / base;
      cs.rel_hi[idx] = (d + half) / base;
      const Direction dir = kOutcomeSpecs[k].direction;
      if (s > 0 && dir != Direction::neither) {
        double better = 0.0;
        for (std::size_t r = 0; r < R; ++r) {
          const double x = cs.last_year[(s * R + r) * K + k] - cs.last_year[r * K + k];
          better += std::isnan(x) ? std::nan("") : x == 0.0 ? 0.5 : ((dir == Direction::up) == (x > 0.0) ? 1.0 : 0.0);
        }
        cs.p_better[idx] = better / static_cast<double>(R);
      }
    }
  return cs;
}

void write_comparison(const ResultGroup& file, const std::vector<Scenario>& scenarios, const std::vector<std::vector<RunSummary>>& runs,
                      const CompareSummary& cs, const std::string& command) {
  const std::size_t S = cs.scenarios, R = cs.replicates, K = kNumOutcomes;
  file.set_attr("kind", std::string("compare"));
  {
    ResultGroup meta = file.create_group("meta");
    std::vector<std::string> names, given, resolved;
    for (const auto& s : scenarios) {
      names.push_back(s.name);
      given.push_back(s.given_text);
      resolved.push_back(s.resolved_toml());
    }
    meta.write_strings("scenario_names", names);
    meta.write_strings("scenarios_given", given);
    meta.write_strings("scenarios_resolved", resolved);
    meta.write_scalar<std::int64_t>("replicates", static_cast<std::int64_t>(R));
    std::vector<std::int64_t> seeds(R, scenarios.front().params.run_seed), run_index(R);
    for (std::size_t r = 0; r < R; ++r) run_index[r] = static_cast<std::int64_t>(r);
    meta.write<std::int64_t>("seeds", seeds);
    meta.write<std::int64_t>("run_index", run_index);
    meta.write_scalar<std::int64_t>("weeks", scenarios.front().params.run_weeks);
    meta.write_string("command", command);
    meta.write_string("program_version", Provenance::version());
    meta.write_string("git_commit", Provenance::commit());
    meta.write_scalar<std::int64_t>("schema_version", kSchemaVersion);
  }
  ResultGroup cmp = file.create_group("compare");
  std::vector<std::string> outcomes, units;
  for (const auto& spec : kOutcomeSpecs) {
    outcomes.emplace_back(spec.name);
    units.emplace_back(spec.unit);
  }
  cmp.write_strings("outcomes", outcomes);
  cmp.write_strings("units", units);
  write_outcome_columns(cmp, outcomes, "");  // label, format, kind, direction, headline... (docs/output.md)
  cmp.write<double>("final", cs.final_values, {S, R, K});
  cmp.write<double>("last_year_mean", cs.last_year, {S, R, K});
  ResultGroup sum = cmp.create_group("summary");
  sum.set_attr("note",
               std::string("[S, K]: mean over replicates of the last-year mean; paired difference against scenario 0 with a 95% t-interval; rel = relative to "
                           "scenario 0's mean"));
  sum.write<double>("mean", cs.mean, {S, K});
  sum.write<double>("diff_mean", cs.diff_mean, {S, K});
  sum.write<double>("diff_lo", cs.diff_lo, {S, K});
  sum.write<double>("diff_hi", cs.diff_hi, {S, K});
  sum.write<double>("rel_mean", cs.rel_mean, {S, K});
  sum.write<double>("rel_lo", cs.rel_lo, {S, K});
  sum.write<double>("p_better", cs.p_better, {S, K});
  sum.write<double>("rel_hi", cs.rel_hi, {S, K});
  // One group per run, in scenario then replicate order (a fixed order: the file does not depend on threads).
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t r = 0; r < R; ++r) {
      ResultGroup g = file.create_group(fmt::format("runs/s{:02}/r{:03}", s, r));
      g.set_attr("kind", std::string("run"));
      Scenario ran = scenarios[s];
      ran.params.run_seed = scenarios.front().params.run_seed;  // the seed it actually ran with
      write_meta(g, ran, static_cast<std::uint32_t>(r));
      write_outcomes(g, runs[s][r].rows, runs[s][r].groups);
    }
}

}  // namespace buurt
