#pragma once
// What `buurt sweep` does on any process, shared by the local path (cmd_sweep.cpp) and the MPI
// master/worker protocol (sweep_mpi.cpp): the options, the plan, the working file, the intro and the end.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "buurt/sweep/Plan.h"
#include "buurt/sweep/Store.h"

namespace buurt::cli {

/// The options of `buurt sweep`, owned by the command's setup closure.
struct SweepArgs {
  std::string file, out, status, target_ci, shard, from_state, ensemble;
  std::optional<std::int64_t> max_replicates;
  bool resume = false, force = false, quiet = false;
  int threads = 0;  ///< 0: not given
};

/// The plan from the sweep file and the options (every MPI rank builds the same one).
sweep::Plan make_plan(const SweepArgs& a);
/// --out, or <name>.h5 (<name>.shard-I-of-N.h5 for a shard).
std::filesystem::path sweep_out(const SweepArgs& a, const sweep::Plan& plan);
/// Runs planned now (adaptive sweeps may add more later).
std::int64_t planned(const sweep::Plan& plan, const sweep::PartialFile& f);

/// Open or create the working file according to --resume / --force; never touches a finished result.
/// Empty when the final file is this sweep's finished result and --resume was given.
std::optional<sweep::PartialFile> open_working_file(const SweepArgs& a, const sweep::Plan& plan, const std::filesystem::path& out,
                                                    const std::filesystem::path& partial);
/// The two lines on stderr before the runs start: design, runs planned and done, how it runs.
void print_intro(const SweepArgs& a, const sweep::Plan& plan, const sweep::PartialFile& f, const std::filesystem::path& out, int threads,
                 const std::string& how);
/// After the runs: the final file when nothing is pending (exit 0), otherwise how to resume (exit 130).
int finish_sweep(const SweepArgs& a, const sweep::Plan& plan, sweep::PartialFile& f, const std::filesystem::path& out, const std::filesystem::path& partial,
                 std::int64_t ran, double wall, double run_secs, int parallel);
/// The sweep on this process's threads.
int run_sweep_local(const SweepArgs& a, sweep::Plan& plan, const std::filesystem::path& out, const std::filesystem::path& partial);

}  // namespace buurt::cli
