// `buurt calibrate FILE --out posterior.h5`: history matching against reference figures (docs/calibration.md).
// The waves run on the simulator through `buurt sweep` (points designs, resumable); the emulators,
// implausibility and the posterior file are the Python package's (`analysis/calibrate/`, scikit-learn).
#include <fmt/format.h>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "buurt/experiment/Ensemble.h"
#include "buurt/output/Recorder.h"
#include "commands.h"

namespace buurt::cli {
namespace {
namespace fs = std::filesystem;

struct CalibrateArgs {
  std::string file, out, launcher;
  std::vector<std::string> drop;
  int threads = 0;
  bool quick = false, force = false, quiet = false;
};

int run_calibrate(const CalibrateArgs& a) {
  std::error_code ec;
  if (!fs::is_regular_file(a.file, ec)) throw UsageError(fmt::format("{}: no such calibration file", a.file));
  // Never replace an existing posterior without --force; whether an existing one is this very calibration
  // (the same command again: nothing to do) the analysis package decides from its calibration digest.
  if (!fs::exists(a.out, ec)) check_output_path(a.out, a.force);
  std::vector<std::string> args{"calibrate", a.file, "--out", a.out};
  if (a.quick) args.emplace_back("--quick");
  if (a.force) args.emplace_back("--force");
  if (a.quiet) args.emplace_back("--quiet");
  if (a.threads > 0) args.insert(args.end(), {"--threads", std::to_string(a.threads)});
  if (!a.launcher.empty()) args.insert(args.end(), {"--launcher", a.launcher});
  for (const auto& d : a.drop) args.insert(args.end(), {"--drop", d});
  // Deterministic emulators: single-threaded BLAS (the GP fits' sums in one order).
  return run_analysis(args, {"OPENBLAS_NUM_THREADS=1", "OMP_NUM_THREADS=1", "MKL_NUM_THREADS=1"});
}

const Registrar registrar{CommandDef{[](CLI::App& app) -> std::function<int()> {
  auto a = std::make_shared<CalibrateArgs>();
  auto* c = app.add_subcommand("calibrate", "History matching against reference figures: waves of runs, emulators, a posterior ensemble");
  c->add_option("file", a->file, "Calibration file (targets, priors, design), e.g. scenarios/calibration/netherlands.toml")->required();
  c->add_option("--out,-o", a->out, "Posterior file (.h5); finished runs are kept in <out>.work/ and reused on a rerun")->required();
  c->add_flag("--quick", a->quick, "Use the file's [quick] settings (a small neighbourhood, few waves: minutes)");
  c->add_option("--drop", a->drop, "Do not fit this target (repeatable); it is reported as not reproduced");
  c->add_flag("--force", a->force, "Replace an existing posterior and its working directory (start over)");
  c->add_option("--launcher", a->launcher, "Command prefix for every sweep, e.g. \"mpirun -np 4\" (MPI ranks share each wave's runs)");
  add_threads_option(*c, a->threads, "Threads per sweep (default: all cores); results do not depend on it");
  c->add_flag("--quiet,-q", a->quiet, "No progress bars");
  return [c, a] { return c->parsed() ? run_calibrate(*a) : -1; };
}}};

const Registrar fingerprint{CommandDef{[](CLI::App& app) -> std::function<int()> {
  auto* c = app.add_subcommand("fingerprint", "Print the model fingerprint (schema version, digest of a short reference run) a posterior is tied to");
  return [c] {
    if (!c->parsed()) return -1;
    fmt::print("{}\n", model_fingerprint());
    return kExitOk;
  };
}}};

}  // namespace
}  // namespace buurt::cli
