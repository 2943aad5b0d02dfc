// `buurt compare A.toml B.toml [C.toml...]`: scenarios side by side with common random numbers.
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <optional>
#include <tuple>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include "Preflight.h"
#include "buurt/experiment/Compare.h"
#include "commands.h"

namespace buurt::cli {
namespace {

struct CompareArgs {
  std::vector<std::string> scenarios;
  int replicates = 10;
  std::optional<std::int64_t> weeks, seed;
  std::vector<std::string> sets;
  std::string out = "compare.h5";
  int threads = 0;
  bool force = false, quiet = false;
} g;

/// How each key outcome reads in the table: label and whether it is a share (printed in %).
struct Row {
  Outcome o;
  const char* label;
  bool share;
  bool absolute = false;  ///< show the change in units, not in % (small or count-like baselines)
};
constexpr Row kRows[] = {
    {Outcome::unmet_need_share, "unmet need", true},
    {Outcome::severely_lonely_share, "severely lonely", true},
    {Outcome::mean_self_reliance, "self-reliance", false},
    {Outcome::ties_per_resident, "active ties per resident", false},
    {Outcome::informal_hours, "informal help hours/week", false},
    {Outcome::volunteer_hours, "volunteer hours/week", false},
    {Outcome::team_mean_wait, "team waiting time (weeks)", false, true},
    {Outcome::reentries, "re-entries per week", false, true},
    {Outcome::mean_dependency, "dependency on professionals", false},
    {Outcome::cost_total, "public cost (euro/week)", false},
    {Outcome::mkba_balance, "social balance MKBA (euro/week)", false},
};

std::string value(double v, bool share) { return share ? fmt::format("{:.1f}%", 100 * v) : std::abs(v) >= 1000 ? fmt::format("{:.0f}", v) : fmt::format("{:.2f}", v); }

std::string signed_abs(double v) {
  if (!std::isfinite(v)) return "n/a";
  return fmt::format("{}{:.2f}", v < -0.005 ? "\u2212" : v > 0.005 ? "+" : "", std::abs(v) < 0.005 ? 0.0 : std::abs(v));
}

std::string signed_pct(double v) {
  if (!std::isfinite(v)) return "n/a";
  const double p = 100 * v;
  return fmt::format("{}{:.0f}%", p < -0.5 ? "\u2212" : p > 0.5 ? "+" : "", std::abs(p) < 0.5 ? 0.0 : std::abs(p));
}

void print_table(const std::vector<Scenario>& sc, const CompareSummary& cs) {
  fmt::print("\nComparison over {} replicates (common random numbers), mean of the last year; change vs '{}' with 95% interval\n\n", cs.replicates, sc[0].name);
  fmt::print("{:<32}", "outcome");
  for (std::size_t s = 0; s < sc.size(); ++s) {
    fmt::print(" {:>12}", sc[s].name.substr(0, 12));
    if (s > 0) fmt::print(" {:<28}", "  change (95% interval)");
  }
  fmt::print("\n");
  for (const auto& row : kRows) {
    fmt::print("{:<32}", row.label);
    for (std::size_t s = 0; s < sc.size(); ++s) {
      fmt::print(" {:>12}", value(cs.at(cs.mean, s, row.o), row.share));
      if (s == 0) continue;
      const auto& [mid, low, high] = row.absolute ? std::tuple{&cs.diff_mean, &cs.diff_lo, &cs.diff_hi} : std::tuple{&cs.rel_mean, &cs.rel_lo, &cs.rel_hi};
      auto fmt_change = row.absolute ? signed_abs : signed_pct;
      const double lo = cs.at(*low, s, row.o), hi = cs.at(*high, s, row.o);
      const std::string ci = cs.replicates > 1 && std::isfinite(lo) ? fmt::format("({} to {})", fmt_change(lo), fmt_change(hi)) : "";
      fmt::print(" {:>7} {:<20}", fmt_change(cs.at(*mid, s, row.o)), ci);
    }
    fmt::print("\n");
  }
  fmt::print("\nIn words, against '{}':\n", sc[0].name);
  for (std::size_t s = 1; s < sc.size(); ++s) {
    std::vector<std::string> parts;
    for (const auto& row : kRows) {
      const auto& [mid, low, high] = row.absolute ? std::tuple{&cs.diff_mean, &cs.diff_lo, &cs.diff_hi} : std::tuple{&cs.rel_mean, &cs.rel_lo, &cs.rel_hi};
      auto fmt_change = row.absolute ? signed_abs : signed_pct;
      const double lo = cs.at(*low, s, row.o), hi = cs.at(*high, s, row.o);
      if (cs.replicates < 2 || !std::isfinite(lo) || (lo <= 0 && hi >= 0)) continue;  // not distinguishable from no change
      // Changes that round to zero are not worth a policymaker's attention.
      if (!row.absolute && std::abs(cs.at(*mid, s, row.o)) < 0.005) continue;
      parts.push_back(fmt::format("{} {} ({} to {})", row.label, fmt_change(cs.at(*mid, s, row.o)), fmt_change(lo), fmt_change(hi)));
    }
    fmt::print("- {}: {}\n", sc[s].name, parts.empty() ? "no difference beyond chance" : fmt::format("{}", fmt::join(parts, "; ")));
  }
}

int run() {
  if (g.scenarios.size() < 2) throw UsageError("compare needs at least two scenarios");
  std::vector<std::string> sets = g.sets;
  if (g.weeks) sets.push_back(fmt::format("run.weeks={}", *g.weeks));
  if (g.seed) sets.push_back(fmt::format("run.seed={}", *g.seed));
  std::vector<Scenario> scenarios;
  for (const auto& f : g.scenarios) scenarios.push_back(load_scenario(f, sets));  // all checked before any work
  for (const auto& s : scenarios)
    if (s.params.run_weeks != scenarios[0].params.run_weeks)
      throw UsageError(fmt::format("scenario '{}' runs {} weeks, '{}' {}: use --weeks to compare over the same horizon", s.name, s.params.run_weeks,
                                   scenarios[0].name, scenarios[0].params.run_weeks));
  check_output_path(g.out, g.force);
  std::unique_ptr<tbb::global_control> ctl;
  if (g.threads > 0) ctl = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(g.threads));
  const int threads = g.threads > 0 ? g.threads : tbb::info::default_concurrency();
  for (const auto& s : scenarios) check_memory(s, std::min<int>(threads, static_cast<int>(scenarios.size()) * g.replicates));
  const auto t0 = std::chrono::steady_clock::now();
  Progress progress("compare", static_cast<long>(scenarios.size()) * g.replicates, g.quiet);
  const auto runs = run_comparison(scenarios, g.replicates, &stop_flag(), [&](long d) { progress.update(d); });
  const CompareSummary cs = summarise(runs);
  std::string command = "buurt compare";
  for (const auto& f : g.scenarios) command += " " + f;
  command += fmt::format(" --replicates {}", g.replicates);
  for (const auto& s : sets) command += " --set " + s;
  ResultFile file(g.out, g.force);
  write_comparison(file.root(), scenarios, runs, cs, command);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  write_runtime(file.root(), secs, threads);
  file.commit();
  if (!g.quiet) print_table(scenarios, cs);
  fmt::print("\nwrote {} ({} runs, {:.1f} s, {} threads)\n", g.out, scenarios.size() * static_cast<std::size_t>(g.replicates), secs, threads);
  return kExitOk;
}

const Registrar registrar{CommandDef{[](CLI::App& app) -> std::function<int()> {
  auto* sub = app.add_subcommand("compare", "Run scenarios side by side (same seeds) and compare outcomes with 95% intervals");
  sub->add_option("scenarios", g.scenarios, "Scenario files; the first is the reference")->required()->expected(2, -1);
  sub->add_option("--replicates,-r", g.replicates, "Replicates per scenario")->check(CLI::Range(1, 10000));
  sub->add_option("--weeks", g.weeks, "Override run.weeks for all scenarios");
  sub->add_option("--seed", g.seed, "Override run.seed (common to all scenarios)");
  sub->add_option("--set", g.sets, "Override a key in every scenario: section.key=value (repeatable)")->take_all();
  sub->add_option("--out,-o", g.out, "Result file");
  sub->add_option("--threads", g.threads, "Worker threads (default: all cores); results do not depend on it");
  sub->add_flag("--force", g.force, "Replace an existing result file");
  sub->add_flag("--quiet,-q", g.quiet, "No progress bar or table");
  return [sub]() { return sub->parsed() ? run() : -1; };
}}};

}  // namespace
}  // namespace buurt::cli
