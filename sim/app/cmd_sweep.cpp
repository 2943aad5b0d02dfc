// `buurt sweep` and `buurt merge`: parameter sweeps (local threads, shards, MPI) into one HDF5 file.
// The MPI master/worker protocol is in sweep_mpi.cpp.
#include <fmt/format.h>
#include <chrono>
#include <memory>
#include <optional>

#include "buurt/output/Recorder.h"
#include "buurt/output/StateFile.h"
#include "buurt/sweep/Merge.h"
#include "buurt/sweep/Runner.h"
#include "buurt/sweep/Status.h"
#include "commands.h"
#include "sweep.h"
#include "sweep_mpi.h"

namespace buurt::cli {

namespace fs = std::filesystem;
using namespace buurt::sweep;

Plan make_plan(const SweepArgs& a) {
  SweepSpec spec = parse_sweep(a.file);
  if (a.max_replicates) spec.max_replicates = *a.max_replicates;
  TargetCi target;
  if (!a.target_ci.empty()) target = parse_target_ci(a.target_ci);
  Shard shard;
  if (!a.shard.empty()) shard = parse_shard(a.shard);
  if (spec.max_replicates > 0 && spec.max_replicates < spec.replicates)
    throw UsageError(fmt::format("--max-replicates {} is below the sweep's replicates ({})", spec.max_replicates, spec.replicates));
  std::optional<Ensemble> ensemble;
  if (!a.ensemble.empty()) {
    if (!a.from_state.empty()) throw UsageError("--ensemble with --from-state: the saved neighbourhoods were burned in under other parameters");
    ensemble = load_ensemble(a.ensemble);
  }
  Plan plan(std::move(spec), target, shard, std::move(ensemble));
  if (!a.from_state.empty()) {
    // Every design point must be the saved neighbourhood: the sweep may vary policy keys only.
    const StateFile state(a.from_state);
    for (std::int64_t pt = 0; pt < plan.points(); ++pt) {
      const Scenario s = plan.scenario(pt);
      try {
        state.check(s.params);
      } catch (const StateError& e) {
        throw StateError(fmt::format("design point {}: {} (a sweep from a saved neighbourhood varies policy keys only)", pt, e.what()));
      }
      if (s.params.run_burn_in != state.burn_in())
        throw StateError(fmt::format("'{}' was burned in for {} weeks, the sweep has run.burn_in = {} (the first differing key): set run.burn_in = {}",
                                     a.from_state, state.burn_in(), s.params.run_burn_in, state.burn_in()));
      if (!s.params.run_common_start) throw StateError("--from-state needs run.common_start = true");
    }
    if (static_cast<std::int64_t>(state.runs().size()) < plan.stride())
      throw StateError(
          fmt::format("'{}' holds {} neighbourhood(s), the sweep needs {} (replicates{}): save them with `buurt compare --replicates {} "
                      "--save-state FILE`",
                      a.from_state, state.runs().size(), plan.stride(), plan.adaptive() ? ", up to --max-replicates" : "", plan.stride()));
    std::vector<std::vector<std::byte>> saved;
    const Params p0 = plan.scenario(0).params;
    for (std::int64_t r = 0; r < plan.stride(); ++r) saved.push_back(save_state(*state.load(p0, static_cast<std::uint32_t>(r))));
    plan.start_from(std::move(saved));
  }
  return plan;
}

fs::path sweep_out(const SweepArgs& a, const Plan& plan) {
  if (!a.out.empty()) return a.out;
  if (a.shard.empty()) return plan.spec().name + ".h5";
  return fmt::format("{}.shard-{}-of-{}.h5", plan.spec().name, plan.shard().index, plan.shard().count);
}

std::int64_t planned(const Plan& plan, const PartialFile& f) { return f.done_count() + static_cast<std::int64_t>(pending(plan, f).size()); }

std::optional<PartialFile> open_working_file(const SweepArgs& a, const Plan& plan, const fs::path& out, const fs::path& partial) {
  std::error_code ec;
  if (fs::exists(out, ec) && !a.force) {
    if (a.resume) {  // nothing left to do, if it is this sweep's result
      ResultGroup f = ResultGroup::open_file(out, false);
      if (!f.exists("sweep"))
        throw OutputError(
            fmt::format("'{}' exists and is not a sweep result (no /sweep group): --resume will not touch it; choose another --out, "
                        "move the file away, or pass --force to replace it",
                        out.string()));
      const Header h = Header::read(f);
      if (h.fingerprint != plan.fingerprint())
        throw OutputError(fmt::format("'{}' is the result of a different sweep definition (fingerprint {} vs {}); choose another --out or pass --force",
                                      out.string(), h.fingerprint, plan.fingerprint()));
      return std::nullopt;
    }
    check_output_path(out, false);  // throws: exists
  }
  if (fs::exists(partial, ec)) {
    if (a.resume) return PartialFile::open(partial, plan);
    if (!a.force) throw OutputError(fmt::format("an unfinished sweep is in '{}'; pass --resume to continue it or --force to start over", partial.string()));
  } else if (a.resume && !a.quiet) {
    // Says so, then starts: a Slurm requeue or a kill-and-resume loop passes --resume from the first try on.
    fmt::print(stderr,
               "--resume: there is no working file '{}' (nor a finished '{}') for this --out, so there is nothing to continue and the "
               "sweep starts from its first run; to continue an interrupted sweep give its --out (`buurt sweep --status FILE` prints "
               "the full command)\n",
               partial.string(), out.string());
  }
  check_output_path(out, a.force);
  return PartialFile::create(partial, plan, a.force);
}

void print_intro(const SweepArgs& a, const Plan& plan, const PartialFile& f, const fs::path& out, int threads, const std::string& how) {
  if (a.quiet) return;
  const std::int64_t done = f.done_count();
  fmt::print(stderr, "sweep '{}': {} design, {} points x {} parameters, {} replicate(s){}{}\n", plan.spec().name, design_kind_name(plan.spec().kind),
             plan.points(), plan.design().cols, plan.replicates(), plan.adaptive() ? fmt::format(" (adaptive, at most {})", plan.stride()) : "",
             plan.shard().count > 1 || !a.shard.empty() ? fmt::format(", shard {}/{}", plan.shard().index, plan.shard().count) : "");
  fmt::print(stderr, "  {} runs planned, {} already done; {}, {} thread(s); writing {}\n", planned(plan, f), done, how, threads, out.string());
}

int finish_sweep(const SweepArgs& a, const Plan& plan, PartialFile& f, const fs::path& out, const fs::path& partial, std::int64_t ran, double wall,
                 double run_secs, int parallel) {
  if (!pending(plan, f).empty()) {
    f.close();
    fmt::print(stderr,
               "\ninterrupted: {} runs done in this session, {} in total; the working file '{}' keeps them.\n"
               "Continue with: buurt sweep {} --resume{}{}\n",
               ran, f.done_count(), partial.string(), a.file, " --out " + out.string(), a.shard.empty() ? "" : " --shard " + a.shard);
    return kExitInterrupted;
  }
  const std::int64_t total = f.done_count();
  f.close();
  finalize(plan, partial, out, a.force, !a.shard.empty());
  fmt::print("wrote {}: {} runs ({} in this session) in {:.2f} s wall, {:.2f} runs/s; summed run time {:.2f} s on {} parallel worker(s)\n", out.string(), total,
             ran, wall, wall > 0 ? static_cast<double>(ran) / wall : 0.0, run_secs, parallel);
  return kExitOk;
}

int run_sweep_local(const SweepArgs& a, Plan& plan, const fs::path& out, const fs::path& partial) {
  auto ctl = limit_threads(a.threads);
  const int threads = threads_in_use(a.threads);
  auto file = open_working_file(a, plan, out, partial);
  if (!file) {
    fmt::print("{} is already complete\n", out.string());
    return kExitOk;
  }
  if (!pending(plan, *file).empty()) {
    // Points that differ only in policy keys share each replicate's burned-in neighbourhood.
    if (const auto shared = share_burn_in(plan, &stop_flag()); shared > 0 && !a.quiet)
      fmt::print(stderr, "  the points differ only in policy keys: {} burned-in neighbourhood(s), one per replicate, shared by every point\n", shared);
  }
  print_intro(a, plan, *file, out, threads, "local");
  Progress progress("sweep " + plan.spec().name, "runs", planned(plan, *file), a.quiet, file->done_count());
  const auto t0 = std::chrono::steady_clock::now();
  std::int64_t ran = 0;
  double run_secs = 0;
  run_local(plan, *file, &stop_flag(), [&](const RunResult& r) {  // serialised by run_local
    ++ran;
    run_secs += r.seconds;
    progress.update(ran);
  });
  progress.finish();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return finish_sweep(a, plan, *file, out, partial, ran, wall, run_secs, threads);
}

namespace {

struct MergeArgs {
  std::vector<std::string> shards;
  std::string out;
  bool force = false;
};

int cmd_sweep(const SweepArgs& a) {
  if (!a.status.empty()) {
    fmt::print("{}", status_report(a.status, threads_in_use(a.threads)));
    return kExitOk;
  }
  if (a.file.empty()) throw UsageError("sweep: give a sweep file (SWEEP.toml), or --status FILE");
  if (a.resume && a.force) throw UsageError("sweep: --resume continues a sweep, --force starts it over: choose one");
#ifdef BUURT_HAVE_MPI
  if (launched_by_mpirun()) return run_sweep_mpi(a);
#endif
  Plan plan = make_plan(a);
  const fs::path out = sweep_out(a, plan);
  return run_sweep_local(a, plan, out, PartialFile::path_for(out));
}

int cmd_merge(const MergeArgs& a) {
  std::vector<fs::path> in(a.shards.begin(), a.shards.end());
  const auto t0 = std::chrono::steady_clock::now();
  const std::int64_t n = merge(in, a.out, a.force);
  fmt::print("merged {} shard files, {} runs, into {} ({:.2f} s)\n", in.size(), n, a.out,
             std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return kExitOk;
}

const Registrar sweep_registrar{CommandDef{[](CLI::App& app) -> std::function<int()> {
  auto a = std::make_shared<SweepArgs>();
  auto* c = app.add_subcommand("sweep", "Run a parameter sweep (grid, lhs, sobol, saltelli, morris) into one HDF5 file; see docs/sweeps.md");
  c->add_option("sweep", a->file, "Sweep TOML file");
  c->add_option("--out,-o", a->out, "Result file (default: <name>.h5, or <name>.shard-I-of-N.h5)");
  c->add_flag("--resume", a->resume, "Continue an interrupted sweep from <out>.partial (runs only what is missing)");
  add_threads_option(*c, a->threads, "Worker threads (default: all cores; per rank under MPI: cores / ranks); results do not depend on it");
  c->add_option("--from-state", a->from_state, "Start every run from the neighbourhoods saved in this state file (the sweep may vary policy keys only)");
  c->add_option("--ensemble", a->ensemble,
                "Run over a calibrated ensemble (posterior.h5 of `buurt calibrate`): replicate r of every point uses member r mod N");
  c->add_option("--shard", a->shard, "Run slice I of N (0-based, e.g. 2/8) into its own file; combine with `buurt merge`");
  c->add_option("--status", a->status, "Print what is done and missing in a sweep file (or its .partial) and an ETA");
  c->add_option("--target-ci", a->target_ci, "Adaptive replicates: OUTCOME=WIDTH, add replicates per point until the 95% interval is at most WIDTH wide");
  c->add_option("--max-replicates", a->max_replicates, "Cap on replicates per point with --target-ci (default: [design] max_replicates or 10 x replicates)");
  c->add_flag("--force", a->force, "Replace an existing result or working file (start over)");
  c->add_flag("--quiet,-q", a->quiet, "No progress bar");
  return [c, a]() { return c->parsed() ? cmd_sweep(*a) : -1; };
}}};

const Registrar merge_registrar{CommandDef{[](CLI::App& app) -> std::function<int()> {
  auto a = std::make_shared<MergeArgs>();
  auto* c = app.add_subcommand("merge", "Combine the shard files of `buurt sweep --shard I/N` into the file one run would have written");
  c->add_option("shards", a->shards, "Shard files (all N of them)")->required();
  c->add_option("--out,-o", a->out, "Merged result file")->required();
  c->add_flag("--force", a->force, "Replace an existing result file");
  return [c, a]() { return c->parsed() ? cmd_merge(*a) : -1; };
}}};

}  // namespace
}  // namespace buurt::cli
