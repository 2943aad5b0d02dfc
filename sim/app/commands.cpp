#include "commands.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>

#include "Preflight.h"
#include "buurt/core/RunLoop.h"
#include "buurt/core/Simulation.h"
#include "buurt/output/Format.h"
#include "buurt/output/Recorder.h"
#include "buurt/output/StateFile.h"
#include "buurt/scenario/Scenario.h"
#include "buurt/scenario/SchemaJson.h"
#include "buurt/schema/Outcomes.h"

namespace buurt::cli {
namespace {

constexpr long kMaxLong = std::numeric_limits<long>::max();

struct RunArgs {
  std::string scenario;
  std::string out, save_state, from_state;
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
  bool json = false;
};
struct BenchArgs {
  std::vector<std::int64_t> sizes{10000, 100000, 1000000};
  std::vector<int> threads{1, 2};
  int weeks = 52;
  std::int64_t burn_in = 26;
  std::string scenario;
  bool phases = false;
};

/// A check that a whole number (or each of a list) lies in [min, max]; the hints say why or what to do instead.
CLI::Validator whole_number(long min, long max, std::string below_hint = {}, std::string above_hint = {}) {
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        long v = 0;
        if (!CLI::detail::lexical_cast(text, v)) return fmt::format("'{}' is not a whole number", text);
        if (v < min) return fmt::format("{} is below {}{}", text, min, below_hint);
        if (v > max) return fmt::format("{} is above {}{}", text, max, above_hint);
        return {};
      },
      max == kMaxLong ? fmt::format("INT>={}", min) : fmt::format("INT in [{}, {}]", min, max));
}

/// The same check with the bounds of a scenario key, for options that set it directly.
CLI::Validator schema_bounds(const char* key) {
  const auto* p = find_param(key);
  return whole_number(static_cast<long>(p->min), static_cast<long>(p->max), fmt::format(", the minimum of {}", key), fmt::format(", the maximum of {}", key));
}

Scenario load_with(const std::string& file, std::vector<std::string> sets, const std::optional<std::int64_t>& seed, const std::optional<std::int64_t>& weeks) {
  if (seed) sets.push_back(fmt::format("run.seed={}", *seed));
  if (weeks) sets.push_back(fmt::format("run.weeks={}", *weeks));
  return load_scenario(file, sets);
}

std::string default_out(const Scenario& s) { return fmt::format("{}_seed{}.h5", s.name, s.params.run_seed); }

void print_outcomes(const Scenario& s, const WeekOutcomes& o, const WeekOutcomes& start) {
  std::size_t width = 7;
  for (Outcome h : kHeadlines) width = std::max(width, outcome_label(h).size());
  fmt::print("\nScenario '{}' - {} residents, {} weeks, seed {}\n", s.name, s.params.population_residents, s.params.run_weeks, s.params.run_seed);
  fmt::print("{:<{}} {:>10} {:>10}\n", "outcome", width, "week 0", "end");
  for (Outcome h : kHeadlines) fmt::print("{:<{}} {:>10} {:>10}\n", outcome_label(h), width, format_outcome(h, start[h]), format_outcome(h, o[h]));
}

/// A neighbourhood saved before (--from-state): checked against the scenario before any work.
std::optional<StateFile> open_state(const std::string& from, Scenario& s) {
  if (from.empty()) return std::nullopt;
  if (!s.params.run_common_start)
    throw UsageError("--from-state starts from a neighbourhood burned in under the reference policy: it needs run.common_start = true");
  std::optional<StateFile> f(std::in_place, from);
  f->check(s.params);
  s.params.run_burn_in = f->burn_in();  // the neighbourhood's own burn-in, recorded in the results
  return f;
}

int cmd_run(const RunArgs& a) {
  Scenario s = load_with(a.scenario, a.sets, a.seed, a.weeks);
  const std::string out = a.out.empty() ? default_out(s) : a.out;
  const auto from = open_state(a.from_state, s);
  check_output_path(out, a.force);  // before any work: never touch an existing file
  if (!a.save_state.empty()) {
    if (a.save_state == out) throw UsageError("--save-state and --out name the same file");
    if (!s.params.run_common_start || s.params.run_burn_in == 0)
      throw UsageError("--save-state needs a common start (run.common_start = true, run.burn_in > 0)");
    check_output_path(a.save_state, a.force);
  }
  check_memory(s);  // clear error before allocating a too-large neighbourhood
  auto ctl = limit_threads(a.threads);
  const int threads = threads_in_use(a.threads);
  const auto t0 = std::chrono::steady_clock::now();
  ResultFile file(out, a.force);
  std::unique_ptr<Simulation> sim_ptr = from ? from->load(s.params, 0) : std::make_unique<Simulation>(s.params, 0, &stop_flag());
  if (stop_flag().load()) throw Interrupted();  // Ctrl-C during the burn-in
  Simulation& sim = *sim_ptr;
  if (!a.save_state.empty()) {
    StateWriter w(a.save_state, s, fmt::format("buurt run {} --save-state {}", a.scenario, a.save_state), a.force);
    w.add(sim);
    w.commit();
    fmt::print(stderr, "saved the burned-in neighbourhood (week 0, {} weeks of burn-in) to {}\n", s.params.run_burn_in, a.save_state);
  }
  RunRecorder rec(file.root(), s, sim);
  const WeekOutcomes start = sim.outcomes();
  Progress progress("run " + s.name, "weeks", static_cast<long>(s.params.run_weeks), a.quiet);
  run_recorded(sim, &rec, static_cast<int>(s.params.run_weeks), &stop_flag(), [&](int w) { progress.update(w); });
  progress.finish();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  write_runtime(file.root(), secs, threads);
  file.commit();
  if (!a.quiet) print_outcomes(s, sim.outcomes(), start);
  fmt::print("\nwrote {} ({:.1f} s, {} threads)\n", out, secs, threads);
  return kExitOk;
}

int cmd_validate(const ValidateArgs& a) {
  const Scenario s = load_scenario(a.scenario, a.sets);
  fmt::print("{}", s.resolved_toml());
  fmt::print(stderr, "{}: valid\n", a.scenario);
  return kExitOk;
}

int cmd_describe(const DescribeArgs& a) {
  if (a.json) {
    if (!a.key.empty()) throw UsageError("`buurt describe --json` prints the whole schema (parameters and outcomes); leave out the key");
    fmt::print("{}", schema_json());
    return kExitOk;
  }
  if (a.key == "week") {
    if (!a.markdown) throw UsageError("`buurt describe week` prints the week's schedule as Markdown: add --markdown");
    fmt::print("{}", week_markdown());
    return kExitOk;
  }
  if (a.key == "outcomes") {
    if (a.markdown) {
      fmt::print("{}", outcomes_markdown());
      return kExitOk;
    }
    for (const auto& o : kOutcomeSpecs) fmt::print("{}\n", describe_outcome(o));
    return kExitOk;
  }
  if (a.markdown) {
    fmt::print("{}", schema_markdown());
    return kExitOk;
  }
  if (!a.key.empty()) {
    if (const auto* spec = find_param(a.key)) {
      fmt::print("{}", describe_param(*spec));
      return kExitOk;
    }
    // A section name lists its keys.
    bool any = false;
    for (const auto& spec : schema())
      if (spec.section == a.key) {
        fmt::print("{}\n", describe_param(spec));
        any = true;
      }
    if (any) return kExitOk;
    if (const auto* o = find_outcome_spec(a.key)) {
      fmt::print("{}", describe_outcome(*o));
      return kExitOk;
    }
    const auto sug = a.key.find('.') == std::string::npos ? suggest_outcome(a.key) : suggest_param(a.key);
    throw UsageError(fmt::format("unknown key, section or outcome '{}'{} (`buurt describe` lists the keys, `buurt describe outcomes` the outcomes)", a.key,
                                 sug ? fmt::format("; did you mean '{}'?", *sug) : ""));
  }
  for (const auto& spec : schema()) fmt::print("{}\n", describe_param(spec));
  return kExitOk;
}

int cmd_bench(const BenchArgs& a) {
  Params base;
  if (!a.scenario.empty()) base = load_scenario(a.scenario).params;
  fmt::print("{:>10} {:>8} {:>6} {:>10} {:>16} {:>14} {:>14}\n", "residents", "threads", "weeks", "seconds", "resident-weeks/s", "bytes/resident",
             "tie bytes/res");
  for (auto n : a.sizes) {
    for (int t : a.threads) {
      auto ctl = limit_threads(t);
      Params p = base;
      p.population_residents = n;
      p.run_burn_in = a.burn_in;  // a settled neighbourhood, without waiting two simulated years at 1M
      Simulation sim(p, 0);
      for (int w = 0; w < 2; ++w) sim.step();  // warm-up: first-touch of pages
      const auto t0 = std::chrono::steady_clock::now();
      if (!run_weeks(sim, a.weeks, &stop_flag())) throw Interrupted();
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const double rw = static_cast<double>(n) * a.weeks / secs;
      // Per resident living there: the arrays hold places, some empty with the life course on.
      const double per_resident = static_cast<double>(sim.population().size) / std::max(1.0, sim.outcomes()[Outcome::residents]);
      const double state = (sim.population().bytes_per_resident() + 12.0) * per_resident;
      fmt::print("{:>10} {:>8} {:>6} {:>10.3f} {:>16.3e} {:>14.0f} {:>14.0f}\n", n, t, a.weeks, secs, rw, state,
                 sim.bytes_per_resident() * per_resident - state);
      if (a.phases) print_phases(sim, a.weeks, stream_triad_bandwidth());
      std::fflush(stdout);
    }
  }
  return kExitOk;
}

// The built-in subcommands, in the order `buurt --help` lists them (before the modules' own).
CommandDef run_command() {
  return {[](CLI::App& app) -> std::function<int()> {
    auto a = std::make_shared<RunArgs>();
    auto* c = app.add_subcommand("run", "Run one scenario and write an HDF5 result file");
    c->add_option("scenario", a->scenario, "Scenario TOML file")->required();
    c->add_option("--out,-o", a->out, "Result file (default: <name>_seed<seed>.h5)");
    c->add_option("--seed", a->seed, "Override run.seed");
    c->add_option("--weeks", a->weeks, "Override run.weeks");
    add_threads_option(*c, a->threads, "Worker threads (default: all cores); results do not depend on it");
    c->add_option("--set", a->sets, "Override a key: section.key=value (repeatable)")->take_all();
    c->add_flag("--quiet,-q", a->quiet, "No progress bar or outcome table");
    c->add_option("--save-state", a->save_state, "Also save the burned-in neighbourhood (week 0) to this state file");
    c->add_option("--from-state", a->from_state, "Start from the neighbourhood saved in this state file (no build, no burn-in)");
    c->add_flag("--force", a->force, "Replace an existing result file (and state file)");
    return [c, a] { return c->parsed() ? cmd_run(*a) : -1; };
  }};
}

CommandDef validate_command() {
  return {[](CLI::App& app) -> std::function<int()> {
    auto a = std::make_shared<ValidateArgs>();
    auto* c = app.add_subcommand("validate", "Check a scenario and print it fully resolved");
    c->add_option("scenario", a->scenario, "Scenario TOML file")->required();
    c->add_option("--set", a->sets, "Override a key: section.key=value (repeatable)")->take_all();
    return [c, a] { return c->parsed() ? cmd_validate(*a) : -1; };
  }};
}

CommandDef describe_command() {
  return {[](CLI::App& app) -> std::function<int()> {
    auto a = std::make_shared<DescribeArgs>();
    auto* c = app.add_subcommand("describe", "Reference of the parameters (all keys, one section, one key) and of the outcomes");
    c->add_option("key", a->key, "section, section.key, `outcomes`, an outcome name, or `week` (the schedule, with --markdown)");
    c->add_flag("--markdown", a->markdown, "Print the parameters (or, with `outcomes`, the outcomes) as a Markdown table (docs/scenarios.md, docs/output.md)");
    c->add_flag("--json", a->json, "Print the whole schema, every parameter and outcome with all its columns, as JSON (read by analysis/params.py)")
        ->excludes("--markdown");
    return [c, a] { return c->parsed() ? cmd_describe(*a) : -1; };
  }};
}

CommandDef bench_command() {
  return {[](CLI::App& app) -> std::function<int()> {
    auto a = std::make_shared<BenchArgs>();
    auto* c = app.add_subcommand("bench", "Benchmark: resident-weeks per second and bytes per resident");
    // These set Params directly, bypassing scenario validation, so the schema's bounds are checked here.
    c->add_option("--sizes", a->sizes, "Residents (list)")->delimiter(',')->check(schema_bounds("population.residents"));
    c->add_option("--threads", a->threads, "Thread counts (list)")->delimiter(',')->check(whole_number(1, kMaxLong));
    c->add_option("--weeks", a->weeks, "Timed weeks per case")->check(whole_number(1, kMaxLong));
    c->add_option("--scenario", a->scenario, "Scenario to benchmark (default: built-in defaults)");
    c->add_option("--burn-in", a->burn_in, "Untimed weeks before timing starts")->check(schema_bounds("run.burn_in"));
    c->add_flag("--phases", a->phases,
                "Also time each phase (as many weeks again), list the state's bytes per array and compare with a memory-bandwidth probe");
    return [c, a] { return c->parsed() ? cmd_bench(*a) : -1; };
  }};
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

std::string outcome_label(Outcome o) {
  const auto& sp = spec(o);
  std::string label(sp.label);
  // A share names its denominator ("share of adults": "% of adults"); a unit the label names itself ("active ties
  // per resident") is not repeated.
  constexpr std::string_view kShareOf = "share of ";
  if (sp.format == OutcomeFormat::pct && sp.unit.starts_with(kShareOf))
    label += fmt::format(" (% of {})", sp.unit.substr(kShareOf.size()));
  else if (sp.format != OutcomeFormat::pct && !sp.unit.empty() && label.find(sp.unit) == std::string::npos)
    label += fmt::format(" ({})", sp.unit);
  return label;
}

CLI::Option* add_threads_option(CLI::App& cmd, int& threads, const std::string& help) {
  return cmd.add_option("--threads", threads, help)->check(whole_number(1, kMaxLong, " (leave --threads out to use all cores)"))->default_str("all cores");
}

int threads_in_use(int threads) { return threads > 0 ? threads : tbb::info::default_concurrency(); }

std::unique_ptr<tbb::global_control> limit_threads(int threads) {
  if (threads <= 0) return nullptr;
  return std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
}

Registrar::Registrar(CommandDef def) { registry().push_back(std::move(def)); }

void register_commands(CLI::App& app) {
  for (const auto& def : {run_command(), validate_command(), describe_command(), bench_command()}) runners().push_back(def.setup(app));
  for (const auto& def : registry()) runners().push_back(def.setup(app));
}

int dispatch(CLI::App&) {
  // Each runner returns -1 when its subcommand was not the one given.
  for (const auto& run : runners()) {
    const int rc = run();
    if (rc >= 0) return rc;
  }
  throw UsageError("unknown subcommand");
}

}  // namespace buurt::cli
