#pragma once
// The `buurt` subcommands. Each module registers its own in its own file (cmd_<name>.cpp);
// errors are thrown and mapped to exit codes in main().
#include <tbb/global_control.h>
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "buurt/core/Simulation.h"
#include "buurt/schema/Outcomes.h"

namespace buurt::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitOutput = 3;
inline constexpr int kExitInterrupted = 130;

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::atomic<bool>& stop_flag();

/// Progress of counted work on stderr: a bar with rate and ETA on a terminal, a line per tenth otherwise.
///
/// `unit` names what is counted ("weeks", "runs"); `already` is work done before this session (a
/// resumed sweep): it fills the bar but not the rate. update() may be called from several threads and
/// with counts out of order; the total grows when the count passes it (adaptive replicates add runs).
class Progress {
 public:
  Progress(std::string label, std::string unit, long total, bool quiet, long already = 0);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  /// `done`: units finished in this session; `force` draws even if the last drawing was moments ago.
  void update(long done, bool force = false);
  /// Draws the final state and ends the bar's line (also done by the destructor, e.g. when interrupted).
  void finish();

 private:
  void draw(long done, bool force);
  void end_line();
  std::mutex mu_;
  std::string label_, unit_;
  long total_, already_, latest_ = 0, printed_ = -1, printed_tenth_ = -1;
  bool quiet_, tty_, open_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

/// An outcome's row label in tables: the schema's label, with its unit unless it is a share.
std::string outcome_label(Outcome o);

/// `--threads N` with the same meaning and check in every subcommand: at least 1; left out, all cores.
CLI::Option* add_threads_option(CLI::App& cmd, int& threads, const std::string& help);
/// Threads to report for a `--threads` value (0: not given, all cores).
int threads_in_use(int threads);
/// Caps TBB's parallelism for the lifetime of the result (nothing when `threads` is 0).
std::unique_ptr<tbb::global_control> limit_threads(int threads);

/// A subcommand: `setup` adds it to the app (options bound to its own state) and returns the
/// function that runs it.
struct CommandDef {
  std::function<std::function<int()>(CLI::App&)> setup;
};
/// Registers a subcommand at static-initialisation time: `static Registrar r{{...}};` in cmd_<name>.cpp.
struct Registrar {
  explicit Registrar(CommandDef def);
};

/// The interpreter that sees the Debian packages (numpy, h5py, scikit-learn): not the first python3 on PATH.
inline constexpr const char* kPython = "/usr/bin/python3";
/// Runs `/usr/bin/python3 -m analysis ARGS...` with the package on PYTHONPATH and BUURT_EXE set to this
/// binary (plus `extra_env`, "NAME=value"); returns its exit code (130 is thrown as Interrupted).
int run_analysis(const std::vector<std::string>& analysis_args, const std::vector<std::string>& extra_env = {});

/// Memory bandwidth of a STREAM triad with the current thread limit (bytes per second).
double stream_triad_bandwidth();
/// `buurt bench --phases`: run `weeks` more weeks of `sim` timing each phase; print the phase table, the
/// state's bytes per array and the ratio to streaming the state once at `bandwidth`.
void print_phases(Simulation& sim, int weeks, double bandwidth);

void register_commands(CLI::App& app);
int dispatch(CLI::App& app);

}  // namespace buurt::cli
