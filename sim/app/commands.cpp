#include "commands.h"

#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <memory>
#include <optional>
#include <sstream>
#include <spdlog/spdlog.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include "Preflight.h"
#include "buurt/core/Simulation.h"
#include "buurt/output/Recorder.h"
#include "buurt/scenario/Scenario.h"

namespace buurt::cli {
namespace {

struct RunArgs {
  std::string scenario;
  std::string out;
  std::optional<std::int64_t> seed, weeks;
  int threads = 0;
  std::vector<std::string> sets;
  bool quiet = false, force = false;
};
struct ValidateArgs {
  std::string scenario;
  std::vector<std::string> sets;
};
struct DescribeArgs {
  std::string key;
  bool markdown = false;
};
struct BenchArgs {
  std::vector<std::int64_t> sizes{10000, 100000, 1000000};
  std::vector<int> threads{1, 2};
  int weeks = 52;
  std::int64_t burn_in = 26;
  std::string scenario;
};

RunArgs g_run;
ValidateArgs g_validate;
DescribeArgs g_describe;
BenchArgs g_bench;

std::unique_ptr<tbb::global_control> limit_threads(int threads) {
  if (threads <= 0) return nullptr;
  return std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
}

Scenario load_with(const std::string& file, std::vector<std::string> sets, const std::optional<std::int64_t>& seed, const std::optional<std::int64_t>& weeks) {
  if (seed) sets.push_back(fmt::format("run.seed={}", *seed));
  if (weeks) sets.push_back(fmt::format("run.weeks={}", *weeks));
  return load_scenario(file, sets);
}

std::string default_out(const Scenario& s) { return fmt::format("{}_seed{}.h5", s.name, s.params.run_seed); }

void print_outcomes(const Scenario& s, const WeekOutcomes& o, const WeekOutcomes& start) {
  struct Row {
    Outcome o;
    const char* label;
    bool percent;
  };
  const Row rows[] = {{Outcome::unmet_need_share, "residents with unmet need", true},
                      {Outcome::severely_lonely_share, "severely lonely", true},
                      {Outcome::no_active_tie_share, "without any active tie", true},
                      {Outcome::self_reliant_share, "self-reliant (>= 0.5)", true},
                      {Outcome::mean_self_reliance, "mean self-reliance (0..1)", false},
                      {Outcome::ties_per_resident, "active ties per resident", false},
                      {Outcome::informal_hours, "informal help hours this week", false},
                      {Outcome::helper_share_adults, "adults helping this week", true},
                      {Outcome::intensive_carer_share_adults, "adults giving long/intensive help", true},
                      {Outcome::intensive_carer_hours, "  their hours per week", false},
                      {Outcome::informal_share_of_hours, "informal share of help hours", true},
                      {Outcome::team_mean_wait, "team: mean wait at intake (weeks)", false},
                      {Outcome::cost_total, "public cost per week (euro)", false},
                      {Outcome::burdened_helper_share, "helpers heavily burdened", true}};
  fmt::print("\nScenario '{}' - {} residents, {} weeks, seed {}\n", s.name, s.params.population_residents, s.params.run_weeks, s.params.run_seed);
  fmt::print("{:<34} {:>10} {:>10}\n", "outcome", "week 0", "end");
  for (const auto& r : rows) {
    if (r.percent) fmt::print("{:<34} {:>9.1f}% {:>9.1f}%\n", r.label, 100 * start[r.o], 100 * o[r.o]);
    else fmt::print("{:<34} {:>10.2f} {:>10.2f}\n", r.label, start[r.o], o[r.o]);
  }
}

int cmd_run() {
  const Scenario s = load_with(g_run.scenario, g_run.sets, g_run.seed, g_run.weeks);
  const std::string out = g_run.out.empty() ? default_out(s) : g_run.out;
  check_output_path(out, g_run.force);  // before any work: never touch an existing file
  check_memory(s);                      // clear error before allocating a too-large neighbourhood
  auto ctl = limit_threads(g_run.threads);
  const int threads = g_run.threads > 0 ? g_run.threads : tbb::info::default_concurrency();
  const auto t0 = std::chrono::steady_clock::now();
  ResultFile file(out, g_run.force);
  Simulation sim(s.params, 0);
  RunRecorder rec(file.root(), s, sim);
  const WeekOutcomes start = sim.outcomes();
  Progress progress("run " + s.name, s.params.run_weeks, g_run.quiet);
  run_recorded(sim, &rec, static_cast<int>(s.params.run_weeks), &stop_flag(), [&](int w) { progress.update(w); });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  write_runtime(file.root(), secs, threads);
  file.commit();
  if (!g_run.quiet) print_outcomes(s, sim.outcomes(), start);
  fmt::print("\nwrote {} ({:.1f} s, {} threads)\n", out, secs, threads);
  return kExitOk;
}

int cmd_validate() {
  const Scenario s = load_scenario(g_validate.scenario, g_validate.sets);
  fmt::print("{}", s.resolved_toml());
  fmt::print(stderr, "{}: valid\n", g_validate.scenario);
  return kExitOk;
}

int cmd_describe() {
  if (g_describe.markdown) {
    fmt::print("{}", schema_markdown());
    return kExitOk;
  }
  if (!g_describe.key.empty()) {
    if (const auto* spec = find_param(g_describe.key)) {
      fmt::print("{}", describe_param(*spec));
      return kExitOk;
    }
    // A section name lists its keys.
    bool any = false;
    for (const auto& spec : schema())
      if (spec.section == g_describe.key) {
        fmt::print("{}\n", describe_param(spec));
        any = true;
      }
    if (any) return kExitOk;
    const auto sug = suggest_param(g_describe.key);
    throw UsageError(fmt::format("unknown key '{}'{}", g_describe.key, sug ? fmt::format("; did you mean '{}'?", *sug) : ""));
  }
  for (const auto& spec : schema()) fmt::print("{}\n", describe_param(spec));
  return kExitOk;
}

int cmd_bench() {
  Params base;
  if (!g_bench.scenario.empty()) base = load_scenario(g_bench.scenario).params;
  fmt::print("{:>10} {:>8} {:>6} {:>10} {:>16} {:>14} {:>14}\n", "residents", "threads", "weeks", "seconds", "resident-weeks/s", "bytes/resident", "tie bytes/res");
  for (auto n : g_bench.sizes) {
    for (int t : g_bench.threads) {
      auto ctl = limit_threads(t);
      Params p = base;
      p.population_residents = n;
      p.run_burn_in = g_bench.burn_in;  // a settled neighbourhood, without waiting two simulated years at 1M
      Simulation sim(p, 0);
      for (int w = 0; w < 2; ++w) sim.step();  // warm-up: first-touch of pages
      const auto t0 = std::chrono::steady_clock::now();
      for (int w = 0; w < g_bench.weeks; ++w) {
        if (stop_flag().load()) throw Interrupted();
        sim.step();
      }
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const double rw = static_cast<double>(n) * g_bench.weeks / secs;
      const double state = sim.population().bytes_per_resident() + 12.0;
      fmt::print("{:>10} {:>8} {:>6} {:>10.3f} {:>16.3e} {:>14.0f} {:>14.0f}\n", n, t, g_bench.weeks, secs, rw, state, sim.bytes_per_resident() - state);
      std::fflush(stdout);
    }
  }
  return kExitOk;
}

std::vector<CommandDef>& registry() {
  static std::vector<CommandDef> r;
  return r;
}
std::vector<std::function<int()>>& runners() {
  static std::vector<std::function<int()>> r;
  return r;
}

}  // namespace

Registrar::Registrar(CommandDef def) { registry().push_back(std::move(def)); }

void register_commands(CLI::App& app) {
  auto* run = app.add_subcommand("run", "Run one scenario and write an HDF5 result file");
  run->add_option("scenario", g_run.scenario, "Scenario TOML file")->required();
  run->add_option("--out,-o", g_run.out, "Result file (default: <name>_seed<seed>.h5)");
  run->add_option("--seed", g_run.seed, "Override run.seed");
  run->add_option("--weeks", g_run.weeks, "Override run.weeks");
  run->add_option("--threads", g_run.threads, "Worker threads (default: all cores); results do not depend on it");
  run->add_option("--set", g_run.sets, "Override a key: section.key=value (repeatable)")->take_all();
  run->add_flag("--quiet,-q", g_run.quiet, "No progress bar or outcome table");
  run->add_flag("--force", g_run.force, "Replace an existing result file");

  auto* val = app.add_subcommand("validate", "Check a scenario and print it fully resolved");
  val->add_option("scenario", g_validate.scenario, "Scenario TOML file")->required();
  val->add_option("--set", g_validate.sets, "Override a key: section.key=value (repeatable)")->take_all();

  auto* desc = app.add_subcommand("describe", "Parameter reference (all keys, one section, or one key)");
  desc->add_option("key", g_describe.key, "section or section.key");
  desc->add_flag("--markdown", g_describe.markdown, "Print the reference as a Markdown table (docs/scenarios.md)");

  auto* bench = app.add_subcommand("bench", "Benchmark: resident-weeks per second and bytes per resident");
  bench->add_option("--sizes", g_bench.sizes, "Residents (list)")->delimiter(',');
  bench->add_option("--threads", g_bench.threads, "Thread counts (list)")->delimiter(',');
  bench->add_option("--weeks", g_bench.weeks, "Timed weeks per case");
  bench->add_option("--scenario", g_bench.scenario, "Scenario to benchmark (default: built-in defaults)");
  bench->add_option("--burn-in", g_bench.burn_in, "Untimed weeks before timing starts");
  for (const auto& def : registry()) {
    auto runner = def.setup(app);
    runners().push_back(std::move(runner));
  }
}

int dispatch(CLI::App& app) {
  if (app.got_subcommand("run")) return cmd_run();
  if (app.got_subcommand("validate")) return cmd_validate();
  if (app.got_subcommand("describe")) return cmd_describe();
  if (app.got_subcommand("bench")) return cmd_bench();
  // Module commands: each runner returns -1 when its subcommand was not the one given.
  for (const auto& run : runners()) {
    const int rc = run();
    if (rc >= 0) return rc;
  }
  throw UsageError("unknown subcommand");
}

}  // namespace buurt::cli
