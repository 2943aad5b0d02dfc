// `buurt compare A.toml B.toml [C.toml...]`: scenarios side by side with common random numbers.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include "Preflight.h"
#include "buurt/experiment/Compare.h"
#include "buurt/experiment/Ensemble.h"
#include "buurt/experiment/Mkba.h"
#include "buurt/output/Format.h"
#include "buurt/output/StateFile.h"
#include "commands.h"

namespace buurt::cli {
namespace {

struct CompareArgs {
  std::vector<std::string> scenarios;
  int replicates = 10;
  std::optional<std::int64_t> weeks, seed;
  std::vector<std::string> sets;
  std::string out = "compare.h5";
  std::string save_state, from_state, ensemble;
  int threads = 0;
  bool force = false, quiet = false;
};

/// The change of one outcome against the reference, in one convention per kind of outcome (docs/output.md):
/// shares in percentage points, counts, hours and weeks in their own unit, money in euros. Never a percentage of
/// a level: a level can be zero or negative, and a relative change of a share hides its size.
struct Change {
  double mid, lo, hi;
};

Change change(const CompareSummary& cs, std::size_t s, Outcome o) { return {cs.at(cs.diff_mean, s, o), cs.at(cs.diff_lo, s, o), cs.at(cs.diff_hi, s, o)}; }

std::string show(Outcome o, double v) { return format_difference(o, v); }

/// "better", "worse" or "" (no direction) for a change of `d` in outcome o.
std::string_view verdict(Outcome o, double d) {
  const Direction dir = spec(o).direction;
  if (dir == Direction::neither || d == 0.0) return "";
  return (dir == Direction::up) == (d > 0.0) ? "better" : "worse";
}

void print_table(const std::vector<Scenario>& sc, const CompareSummary& cs, bool ensemble) {
  std::size_t width = 7;
  for (Outcome o : kHeadlines) width = std::max(width, outcome_label(o).size());
  fmt::print("\nComparison over {} replicates (common random numbers), mean of the last year; change vs '{}' with 95% interval\n", cs.replicates, sc[0].name);
  fmt::print("(changes as differences: shares in percentage points, counts and hours in their own unit, money in euros)\n\n");
  fmt::print("{:<{}}", "outcome", width);
  for (std::size_t s = 0; s < sc.size(); ++s) {
    fmt::print(" {:>12}", sc[s].name.substr(0, 12));
    if (s > 0) fmt::print(" {:<{}}", "  change (95% interval)", s + 1 < sc.size() ? 32 : 0);
  }
  fmt::print("\n");
  for (Outcome o : kHeadlines) {
    fmt::print("{:<{}}", outcome_label(o), width);
    for (std::size_t s = 0; s < sc.size(); ++s) {
      fmt::print(" {:>12}", format_outcome(o, cs.at(cs.mean, s, o)));
      if (s == 0) continue;
      const Change c = change(cs, s, o);
      const std::string ci = cs.replicates > 1 && std::isfinite(c.lo) ? fmt::format("({} to {})", show(o, c.lo), show(o, c.hi)) : "";
      fmt::print(" {:>9} {:<{}}", show(o, c.mid), ci, s + 1 < sc.size() ? 22 : 0);  // no trailing blanks
    }
    fmt::print("\n");
  }
  fmt::print("\nIn words, against '{}':\n", sc[0].name);
  for (std::size_t s = 1; s < sc.size(); ++s) {
    std::vector<std::string> parts, unclear;
    for (Outcome o : kHeadlines) {
      const Change c = change(cs, s, o);
      const std::string mid = show(o, c.mid);
      // No clear change if and only if the 95% interval, at full precision, includes 0 (clear_change); the
      // figures are printed with enough digits that a clear change never reads 0 (format_difference).
      if (cs.replicates < 2 || !clear_change(c.lo, c.hi)) {
        unclear.push_back(outcome_label(o));
        continue;
      }
      const std::string_view v = verdict(o, c.mid);
      parts.push_back(fmt::format("{} {} ({} to {}){}", outcome_label(o), mid, show(o, c.lo), show(o, c.hi), v.empty() ? "" : fmt::format(", {}", v)));
    }
    fmt::print("- {}: {}\n", sc[s].name, parts.empty() ? "no difference beyond chance" : fmt::format("{}", fmt::join(parts, "; ")));
    if (!unclear.empty() && !parts.empty()) fmt::print("  no clear change: {}\n", fmt::join(unclear, "; "));
  }
  if (cs.replicates < 2) return;
  fmt::print("\nProbability of doing better than '{}' (share of paired replicates{}):\n", sc[0].name, ensemble ? ", over the calibrated ensemble" : "");
  for (std::size_t s = 1; s < sc.size(); ++s) {
    std::vector<std::string> parts;
    for (Outcome o : kHeadlines) {
      const double p = cs.at(cs.p_better, s, o);
      if (std::isfinite(p)) parts.push_back(fmt::format("{} {:.0f}%", outcome_label(o), 100 * p));
    }
    fmt::print("- {}: {}\n", sc[s].name, fmt::join(parts, "; "));
  }
}

/// The MKBA against the reference (docs/mkba.md): present values with intervals, the ratio, who bears what,
/// the effects in natural units, what is unpriced, and the widest bars of the sensitivity analysis.
void print_mkba(const std::vector<Scenario>& sc, const MkbaResult& m) {
  const auto& items = mkba_items();
  const std::size_t S = m.scenarios, I = items.size();
  const double years = static_cast<double>(m.weeks) / 52.0;
  fmt::print("\nSocial cost-benefit analysis (MKBA) against '{}': {:.4g} years after week 0, discounted at {:.2f}% a year, euros of {}\n", sc[0].name, years,
             100.0 * m.config.discount_rate, m.config.price_year);
  if (years + 1e-9 < m.config.horizon_years)
    fmt::print("(the horizon is shorter than mkba.horizon_years = {}: effects after the run are missing; run with --weeks {})\n", m.config.horizon_years,
               m.config.horizon_years * 52);
  fmt::print("(present values; mean over {} replicates with 95% interval; the reference's NPV is 0 by construction)\n", m.replicates);
  auto with_ci = [&](double mid, double lo, double hi) {
    return std::isfinite(lo) ? fmt::format("{} ({} to {})", format_euros(mid, true), format_euros(lo, true), format_euros(hi, true)) : format_euros(mid, true);
  };
  std::size_t time_item = 0;
  for (std::size_t i = 0; i < I; ++i)
    if (items[i].kind == ItemKind::cost && items[i].bearer == Bearer::residents) time_item = i;
  for (std::size_t s = 1; s < S; ++s) {
    fmt::print("\n{}:\n", sc[s].name);
    fmt::print("  costs                {}\n", with_ci(m.costs_mean[s], m.costs_lo[s], m.costs_hi[s]));
    fmt::print("    of which residents' time (informal and volunteer hours at replacement value) {}\n", format_euros(m.pv_mean[s * I + time_item], true));
    fmt::print("  benefits             {}\n", with_ci(m.benefits_mean[s], m.benefits_lo[s], m.benefits_hi[s]));
    fmt::print("  net present value    {}\n", with_ci(m.npv_mean[s], m.npv_lo[s], m.npv_hi[s]));
    fmt::print("  benefit/cost ratio   {}\n",
               std::isfinite(m.bcr_of_means[s]) ? fmt::format("{:.2f}", m.bcr_of_means[s]) : "n/a (the policy does not cost more than the reference)");
    fmt::print("  NPV without residents' time {}\n", format_euros(m.npv_without_time_mean[s], true));
    std::vector<std::string> who;
    for (std::size_t b = 0; b < 4; ++b) who.push_back(fmt::format("{} {}", bearer_name(static_cast<Bearer>(b)), format_euros(m.bearer_npv[s * 4 + b], true)));
    fmt::print("  net by bearer:       {}\n", fmt::join(who, "; "));
    fmt::print("  effects over the horizon (policy minus reference, natural units; priced where a price exists):\n");
    for (std::size_t i = 0; i < I; ++i) {
      if (items[i].kind == ItemKind::cost && items[i].price_key.empty()) continue;  // counted in euros only
      const double e = m.effect_mean[s * I + i], lo = m.effect_lo[s * I + i], hi = m.effect_hi[s * I + i];
      const std::string eff =
          std::isfinite(lo) ? fmt::format("{} ({} to {})", format_quantity(e), format_quantity(lo), format_quantity(hi)) : format_quantity(e);
      const std::string value = items[i].kind == ItemKind::effect
                                    ? "unpriced"
                                    : fmt::format("{} {}", items[i].kind == ItemKind::cost ? "cost" : "benefit", format_euros(m.pv_mean[s * I + i], true));
      fmt::print("    {:<52} {:>32} {:<22} {}\n", items[i].name, eff, items[i].unit, value);
    }
    const auto& bars = m.tornado[s];
    std::vector<std::string> widest;
    for (std::size_t f = 0; f < std::min<std::size_t>(3, bars.size()); ++f)
      widest.push_back(fmt::format("{} {:g} to {:g}: {} to {}", bars[f].key, bars[f].low, bars[f].high, format_euros(bars[f].npv_low, true),
                                   format_euros(bars[f].npv_high, true)));
    fmt::print("  sensitivity (NPV at each end, widest first): {}\n", fmt::join(widest, "; "));
    if (!m.break_even_key[s].empty())
      fmt::print("  break-even {}: {}\n", m.break_even_key[s],
                 std::isfinite(m.break_even_price[s]) ? fmt::format("NPV = 0 at {:.4g} (now {:.4g})", m.break_even_price[s], m.break_even_current[s])
                                                      : "none: the NPV keeps its sign at every price of 0 or more");
  }
}

int run(const CompareArgs& a) {
  if (a.scenarios.size() < 2) throw UsageError("compare needs at least two scenarios");
  std::vector<std::string> sets = a.sets;
  if (a.weeks) sets.push_back(fmt::format("run.weeks={}", *a.weeks));
  if (a.seed) sets.push_back(fmt::format("run.seed={}", *a.seed));
  std::vector<Scenario> scenarios;
  for (const auto& f : a.scenarios) scenarios.push_back(load_scenario(f, sets));  // all checked before any work
  // Without --weeks a comparison runs the MKBA's horizon (mkba.horizon_years of the reference), not run.weeks.
  if (!a.weeks) {
    sets.push_back(fmt::format("run.weeks={}", scenarios[0].params.mkba_horizon_years * 52));
    scenarios.clear();
    for (const auto& f : a.scenarios) scenarios.push_back(load_scenario(f, sets));
  }
  try {
    check_mkba_keys(scenarios[0].params);
  } catch (const std::invalid_argument& e) {
    throw UsageError(fmt::format("{}: {}", a.scenarios[0], e.what()));
  }
  for (const auto& s : scenarios)
    if (s.params.run_weeks != scenarios[0].params.run_weeks)
      throw UsageError(fmt::format("scenario '{}' runs {} weeks, '{}' {}: use --weeks to compare over the same horizon", s.name, s.params.run_weeks,
                                   scenarios[0].name, scenarios[0].params.run_weeks));
  // A common start: every scenario's neighbourhood is burned in under the reference policy, so they
  // may differ in policy keys only.
  for (const auto& s : scenarios)
    if (auto key = first_non_policy_difference(scenarios[0].params, s.params))
      throw UsageError(
          fmt::format("scenario '{}' differs from '{}' in '{}', which is not a policy key: a comparison starts every scenario from one "
                      "burned-in neighbourhood and switches only policy keys on at week 0. Compare policies within each "
                      "neighbourhood (e.g. `buurt compare {} <policy>.toml` on a base of that neighbourhood)",
                      s.name, scenarios[0].name, *key, s.source_path.empty() ? s.name : s.source_path));
  for (const auto& s : scenarios)
    if (s.params.run_burn_in != scenarios[0].params.run_burn_in || s.params.run_common_start != scenarios[0].params.run_common_start)
      throw UsageError(
          fmt::format("scenario '{}' differs from '{}' in run.burn_in or run.common_start: one comparison has one burn-in", s.name, scenarios[0].name));
  CompareStart start;
  // An ensemble: replicate r runs with member r mod N's calibrated keys, in every scenario and its burn-in.
  std::optional<Ensemble> ens;
  std::vector<std::vector<Params>> member_params;  // [member][scenario]
  if (!a.ensemble.empty()) {
    if (!a.from_state.empty()) throw UsageError("--ensemble with --from-state: the saved neighbourhoods were burned in under other parameters");
    ens = load_ensemble(a.ensemble);
    check_ensemble_keys(*ens, scenarios);
    const std::size_t used = std::min<std::size_t>(ens->members.size(), static_cast<std::size_t>(a.replicates));
    for (std::size_t m = 0; m < used; ++m) {
      auto& row = member_params.emplace_back();
      for (auto s : scenarios) {
        apply_overrides(s, ens->overrides(m));
        row.push_back(s.params);
      }
    }
    start.params = [&](std::size_t s, std::uint32_t r) { return member_params[r % ens->members.size()][s]; };
  }
  std::optional<StateFile> from;
  if (!a.save_state.empty() || !a.from_state.empty()) {
    if (!scenarios[0].params.run_common_start || scenarios[0].params.run_burn_in == 0)
      throw UsageError("--save-state and --from-state need a common start (run.common_start = true, run.burn_in > 0)");
  }
  if (!a.from_state.empty()) {
    from.emplace(a.from_state);
    Params p0 = scenarios[0].params;
    from->check(p0);
    if (from->runs().size() < static_cast<std::size_t>(a.replicates))
      throw UsageError(
          fmt::format("'{}' holds {} neighbourhood(s), the comparison needs {} (--replicates): save them with `buurt compare "
                      "--replicates {} --save-state FILE`",
                      a.from_state, from->runs().size(), a.replicates, a.replicates));
    for (auto& s : scenarios) s.params.run_burn_in = from->burn_in();  // the neighbourhoods' own burn-in, recorded in the results
    start.load = [&](const Params& p, std::uint32_t r) { return from->load(p, r); };
  }
  check_output_path(a.out, a.force);
  std::optional<StateWriter> saver;
  if (!a.save_state.empty()) {
    if (a.save_state == a.out) throw UsageError("--save-state and --out name the same file");
    saver.emplace(a.save_state, scenarios[0],
                  fmt::format("buurt compare {} --replicates {} --save-state {}", fmt::join(a.scenarios, " "), a.replicates, a.save_state), a.force);
    start.save = [&](Simulation& sim) { saver->add(sim); };
  }
  auto ctl = limit_threads(a.threads);
  const int threads = threads_in_use(a.threads);
  for (const auto& s : scenarios) check_memory(s, std::min<int>(threads, static_cast<int>(scenarios.size()) * a.replicates));
  const auto t0 = std::chrono::steady_clock::now();
  Progress progress("compare", "runs", static_cast<long>(scenarios.size()) * a.replicates, a.quiet);
  const auto runs = run_comparison(
      scenarios, a.replicates, &stop_flag(), [&](long d) { progress.update(d); }, start);
  progress.finish();
  const CompareSummary cs = summarise(runs);
  const MkbaResult mk = mkba(runs, MkbaConfig::from(scenarios[0].params));
  std::string command = "buurt compare";
  for (const auto& f : a.scenarios) command += " " + f;
  command += fmt::format(" --replicates {}", a.replicates);
  for (const auto& s : sets) command += " --set " + s;
  ResultFile file(a.out, a.force);
  if (ens) command += " --ensemble " + a.ensemble;
  write_comparison(file.root(), scenarios, runs, cs, command);
  {
    ResultGroup cmp = file.root().open_group("compare");
    write_mkba(cmp, mk);
  }
  if (ens) {
    ResultGroup cmp = file.root().open_group("compare");
    cmp.set_attr("ensemble", ens->path);
    cmp.set_attr("ensemble_members", static_cast<std::int64_t>(ens->members.size()));
    cmp.set_attr("model_fingerprint", ens->fingerprint);
    cmp.set_attr("ensemble_keys", fmt::format("{}", fmt::join(ens->names, ",")));
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  write_runtime(file.root(), secs, threads);
  file.commit();
  if (saver) {
    saver->commit();
    fmt::print(stderr, "saved {} burned-in neighbourhood(s) to {}\n", a.replicates, a.save_state);
  }
  if (!a.quiet) {
    print_table(scenarios, cs, ens.has_value());
    print_mkba(scenarios, mk);
  }
  fmt::print("\nwrote {} ({} runs, {:.1f} s, {} threads)\n", a.out, scenarios.size() * static_cast<std::size_t>(a.replicates), secs, threads);
  return kExitOk;
}

const Registrar registrar{CommandDef{[](CLI::App& app) -> std::function<int()> {
  auto a = std::make_shared<CompareArgs>();
  auto* sub = app.add_subcommand("compare", "Run scenarios side by side (same seeds) and compare outcomes with 95% intervals");
  sub->add_option("scenarios", a->scenarios, "Scenario files; the first is the reference")->required()->expected(2, -1);
  sub->add_option("--replicates,-r", a->replicates, "Replicates per scenario")->check(CLI::Range(1, 10000));
  sub->add_option("--weeks", a->weeks, "Weeks after week 0 for all scenarios (default: the MKBA horizon, mkba.horizon_years x 52 = 520)");
  sub->add_option("--seed", a->seed, "Override run.seed (common to all scenarios)");
  sub->add_option("--set", a->sets, "Override a key in every scenario: section.key=value (repeatable)")->take_all();
  sub->add_option("--out,-o", a->out, "Result file");
  add_threads_option(*sub, a->threads, "Worker threads (default: all cores); results do not depend on it");
  sub->add_option("--save-state", a->save_state, "Also save each replicate's burned-in neighbourhood (week 0) to this state file");
  sub->add_option("--from-state", a->from_state, "Start every replicate from the neighbourhoods saved in this state file (no burn-in)");
  sub->add_option("--ensemble", a->ensemble,
                  "Compare over a calibrated ensemble (posterior.h5 of `buurt calibrate`): replicate r uses member r mod N in every scenario");
  sub->add_flag("--force", a->force, "Replace an existing result file");
  sub->add_flag("--quiet,-q", a->quiet, "No progress bar or table");
  return [sub, a]() { return sub->parsed() ? run(*a) : -1; };
}}};

}  // namespace
}  // namespace buurt::cli
