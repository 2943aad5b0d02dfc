// `buurt sweep` and `buurt merge`: parameter sweeps (local threads, shards, MPI) into one HDF5 file.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <fmt/format.h>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include "buurt/output/Recorder.h"
#include "buurt/sweep/Plan.h"
#include "buurt/sweep/Runner.h"
#include "buurt/sweep/Store.h"
#include "commands.h"

#ifdef BUURT_HAVE_MPI
#include <mpi.h>
#endif

namespace buurt::cli {
namespace {

namespace fs = std::filesystem;
using namespace buurt::sweep;

struct SweepArgs {
  std::string file, out, status, target_ci, shard;
  std::optional<std::int64_t> max_replicates;
  bool resume = false, force = false, quiet = false;
  int threads = 0;
};
struct MergeArgs {
  std::vector<std::string> shards;
  std::string out;
  bool force = false;
};
SweepArgs g_sweep;
MergeArgs g_merge;

/// Progress line for sweeps: runs done of planned, runs per second, ETA.
class SweepProgress {
 public:
  SweepProgress(std::string label, std::int64_t total, std::int64_t already, bool quiet)
      : label_(std::move(label)), total_(total), already_(already), quiet_(quiet), tty_(::isatty(STDERR_FILENO) != 0),
        start_(std::chrono::steady_clock::now()), last_(start_) {}
  void update(std::int64_t done_now, bool force = false) {
    if (quiet_) return;
    const auto now = std::chrono::steady_clock::now();
    const std::int64_t done = already_ + done_now;
    total_ = std::max(total_, done);  // adaptive replicates can add runs
    if (done == printed_ || (!force && now - last_ < std::chrono::milliseconds(tty_ ? 200 : 5000) && done < total_)) return;
    last_ = now;
    printed_ = done;
    const double secs = std::chrono::duration<double>(now - start_).count();
    const double rate = secs > 0 ? static_cast<double>(done_now) / secs : 0.0;
    const double eta = rate > 0 ? static_cast<double>(std::max<std::int64_t>(0, total_ - done)) / rate : 0.0;
    if (tty_) {
      const int width = 30;
      const int filled = total_ > 0 ? static_cast<int>(width * std::min(done, total_) / total_) : width;
      fmt::print(stderr, "\r{} [{}{}] {}/{} runs  {:.1f} runs/s  ETA {:.0f}s ", label_, std::string(static_cast<std::size_t>(filled), '#'),
                 std::string(static_cast<std::size_t>(width - filled), '.'), done, total_, rate, eta);
    } else {
      fmt::print(stderr, "{}: {}/{} runs, {:.1f} runs/s, ETA {:.0f}s\n", label_, done, total_, rate, eta);
    }
  }
  void finish() {
    if (!quiet_ && tty_) fmt::print(stderr, "\n");
  }

 private:
  std::string label_;
  std::int64_t total_, already_, printed_ = -1;
  bool quiet_, tty_;
  std::chrono::steady_clock::time_point start_, last_;
};

std::unique_ptr<tbb::global_control> limit_threads(int threads) {
  if (threads <= 0) return nullptr;
  return std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
}

/// Runs planned now (adaptive sweeps may add more later).
std::int64_t planned(const Plan& plan, const PartialFile& f) { return f.done_count() + static_cast<std::int64_t>(pending(plan, f).size()); }

struct Prepared {
  std::unique_ptr<Plan> plan;
  fs::path out, partial;
  bool complete = false;  ///< the final file already exists and --resume was given
};

Plan make_plan() {
  SweepSpec spec = parse_sweep(g_sweep.file);
  if (g_sweep.max_replicates) spec.max_replicates = *g_sweep.max_replicates;
  TargetCi target;
  if (!g_sweep.target_ci.empty()) target = parse_target_ci(g_sweep.target_ci);
  Shard shard;
  if (!g_sweep.shard.empty()) shard = parse_shard(g_sweep.shard);
  if (spec.max_replicates > 0 && spec.max_replicates < spec.replicates)
    throw UsageError(fmt::format("--max-replicates {} is below the sweep's replicates ({})", spec.max_replicates, spec.replicates));
  return Plan(std::move(spec), target, shard);
}

fs::path default_out(const Plan& plan) {
  if (g_sweep.shard.empty()) return plan.spec().name + ".h5";
  return fmt::format("{}.shard-{}-of-{}.h5", plan.spec().name, plan.shard().index, plan.shard().count);
}

/// Open or create the working file according to --resume / --force; never touches a finished result.
std::optional<PartialFile> open_working_file(const Plan& plan, const fs::path& out, const fs::path& partial) {
  std::error_code ec;
  if (fs::exists(out, ec) && !g_sweep.force) {
    if (g_sweep.resume) {  // nothing left to do, if it is this sweep's result
      h5::Handle f = h5::open_file(out, false);
      if (!h5::exists(f.id(), "sweep"))
        throw OutputError(fmt::format("'{}' exists and is not a sweep result (no /sweep group): --resume will not touch it; choose another --out, "
                                      "move the file away, or pass --force to replace it", out.string()));
      const Header h = Header::read(f.id());
      if (h.fingerprint != plan.fingerprint())
        throw OutputError(fmt::format("'{}' is the result of a different sweep definition (fingerprint {} vs {}); choose another --out or pass --force",
                                      out.string(), h.fingerprint, plan.fingerprint()));
      return std::nullopt;
    }
    check_output_path(out, false);             // throws: exists
  }
  if (fs::exists(partial, ec)) {
    if (g_sweep.resume) return PartialFile::open(partial, plan);
    if (!g_sweep.force)
      throw OutputError(fmt::format("an unfinished sweep is in '{}'; pass --resume to continue it or --force to start over", partial.string()));
  }
  check_output_path(out, g_sweep.force);
  return PartialFile::create(partial, plan, g_sweep.force);
}

void print_intro(const Plan& plan, const PartialFile& f, const fs::path& out, int threads, const char* how) {
  if (g_sweep.quiet) return;
  const std::int64_t done = f.done_count();
  fmt::print(stderr, "sweep '{}': {} design, {} points x {} parameters, {} replicate(s){}{}\n", plan.spec().name, design_kind_name(plan.spec().kind),
             plan.points(), plan.design().cols, plan.replicates(), plan.adaptive() ? fmt::format(" (adaptive, at most {})", plan.stride()) : "",
             plan.shard().count > 1 || !g_sweep.shard.empty() ? fmt::format(", shard {}/{}", plan.shard().index, plan.shard().count) : "");
  fmt::print(stderr, "  {} runs planned, {} already done; {}, {} thread(s); writing {}\n", planned(plan, f), done, how, threads, out.string());
}

int finish_sweep(const Plan& plan, PartialFile& f, const fs::path& out, const fs::path& partial, std::int64_t ran, double wall, double run_secs, int parallel) {
  if (!pending(plan, f).empty()) {
    f.close();
    fmt::print(stderr, "\ninterrupted: {} runs done in this session, {} in total; the working file '{}' keeps them.\n"
                       "Continue with: buurt sweep {} --resume{}{}\n",
               ran, f.done_count(), partial.string(), g_sweep.file, g_sweep.out.empty() ? "" : " --out " + g_sweep.out,
               g_sweep.shard.empty() ? "" : " --shard " + g_sweep.shard);
    return kExitInterrupted;
  }
  const std::int64_t total = f.done_count();
  f.close();
  finalize(plan, partial, out, g_sweep.force, !g_sweep.shard.empty());
  fmt::print("wrote {}: {} runs ({} in this session) in {:.2f} s wall, {:.2f} runs/s; summed run time {:.2f} s on {} parallel worker(s)\n", out.string(),
             total, ran, wall, wall > 0 ? static_cast<double>(ran) / wall : 0.0, run_secs, parallel);
  return kExitOk;
}

int cmd_sweep_local(const Plan& plan, const fs::path& out, const fs::path& partial) {
  auto ctl = limit_threads(g_sweep.threads);
  const int threads = g_sweep.threads > 0 ? g_sweep.threads : tbb::info::default_concurrency();
  auto file = open_working_file(plan, out, partial);
  if (!file) {
    fmt::print("{} is already complete\n", out.string());
    return kExitOk;
  }
  print_intro(plan, *file, out, threads, "local");
  SweepProgress progress("sweep " + plan.spec().name, planned(plan, *file), file->done_count(), g_sweep.quiet);
  const auto t0 = std::chrono::steady_clock::now();
  std::int64_t ran = 0;
  double run_secs = 0;
  run_local(plan, *file, &stop_flag(), [&](const RunResult& r) {
    ++ran;
    run_secs += r.seconds;
    progress.update(ran);
  });
  progress.update(ran, true);
  progress.finish();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return finish_sweep(plan, *file, out, partial, ran, wall, run_secs, threads);
}

#ifdef BUURT_HAVE_MPI
// Dynamic load balancing: rank 0 owns the working file and a queue of slots; it runs slots itself on
// a second thread and hands one slot at a time to every other rank as that rank reports a result.
enum Tag : int { kReady = 1, kTask = 2, kResult = 3, kStop = 4, kSetup = 5 };

bool launched_by_mpirun() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"})
    if (std::getenv(v)) return true;
  return false;
}

int local_ranks() {
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int n = 1;
  MPI_Comm_size(node, &n);
  MPI_Comm_free(&node);
  return n;
}

std::vector<double> pack(const RunResult& r) {
  std::vector<double> b{static_cast<double>(r.slot), static_cast<double>(r.run_index), r.seconds};
  b.insert(b.end(), r.final.begin(), r.final.end());
  b.insert(b.end(), r.series.begin(), r.series.end());
  return b;
}
RunResult unpack(const std::vector<double>& b, std::size_t k) {
  RunResult r;
  r.slot = static_cast<std::int64_t>(b[0]);
  r.run_index = static_cast<std::int64_t>(b[1]);
  r.seconds = b[2];
  r.final.assign(b.begin() + 3, b.begin() + 3 + static_cast<std::ptrdiff_t>(k));
  r.series.assign(b.begin() + 3 + static_cast<std::ptrdiff_t>(k), b.end());
  return r;
}

void worker(const Plan& plan) {
  MPI_Send(nullptr, 0, MPI_BYTE, 0, kReady, MPI_COMM_WORLD);
  while (true) {
    MPI_Status st;
    std::int64_t slot = -1;
    MPI_Recv(&slot, 1, MPI_INT64_T, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
    if (st.MPI_TAG == kStop) return;
    RunResult r;
    run_one(plan, slot, r, nullptr);  // finish the run even when asked to stop: rank 0 waits for it
    const auto b = pack(r);
    MPI_Send(b.data(), static_cast<int>(b.size()), MPI_DOUBLE, 0, kResult, MPI_COMM_WORLD);
  }
}

int master(const Plan& plan, PartialFile& file, const fs::path& out, const fs::path& partial, int size, int threads) {
  print_intro(plan, file, out, threads, fmt::format("MPI, {} ranks", size).c_str());
  SweepProgress progress("sweep " + plan.spec().name, planned(plan, file), file.done_count(), g_sweep.quiet);
  const auto t0 = std::chrono::steady_clock::now();
  std::mutex mu;  // queue, counters, progress
  std::deque<std::int64_t> queue;
  std::int64_t ran = 0;
  double run_secs = 0;
  auto stored = [&](const RunResult& r) {  // called with mu held
    ++ran;
    run_secs += r.seconds;
    progress.update(ran);
  };
  std::vector<int> idle;           // ranks waiting for a task
  int in_flight = 0;
  const std::size_t k = plan.final_names().size();
  auto last_sync = std::chrono::steady_clock::now();
  while (!stop_flag().load()) {
    {
      std::lock_guard lock(mu);
      const auto todo = pending(plan, file);
      if (todo.empty()) break;
      queue.assign(todo.begin(), todo.end());
    }
    std::atomic<bool> local_busy{true};
    std::thread local([&] {
      while (true) {
        std::int64_t slot;
        {
          std::lock_guard lock(mu);
          if (queue.empty() || stop_flag().load()) break;
          slot = queue.front();
          queue.pop_front();
        }
        RunResult r;
        if (!run_one(plan, slot, r, &stop_flag())) break;
        file.write(r);
        std::lock_guard lock(mu);
        stored(r);
      }
      local_busy = false;
    });
    auto give = [&](int rank) {  // mu held
      if (queue.empty() || stop_flag().load()) {
        idle.push_back(rank);
        return;
      }
      const std::int64_t slot = queue.front();
      queue.pop_front();
      MPI_Send(&slot, 1, MPI_INT64_T, rank, kTask, MPI_COMM_WORLD);
      ++in_flight;
    };
    {
      std::lock_guard lock(mu);
      std::vector<int> waiting;
      waiting.swap(idle);
      for (int r : waiting) give(r);
    }
    std::vector<double> buf;
    while (true) {
      int flag = 0;
      MPI_Status st;
      MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
      if (flag) {
        int count = 0;
        MPI_Get_count(&st, st.MPI_TAG == kResult ? MPI_DOUBLE : MPI_BYTE, &count);
        buf.resize(static_cast<std::size_t>(count));
        if (st.MPI_TAG == kResult) {
          MPI_Recv(buf.data(), count, MPI_DOUBLE, st.MPI_SOURCE, kResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
          const RunResult r = unpack(buf, k);
          file.write(r);
          std::lock_guard lock(mu);
          --in_flight;
          stored(r);
        } else {
          MPI_Recv(nullptr, 0, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        }
        std::lock_guard lock(mu);
        give(st.MPI_SOURCE);
        continue;
      }
      {
        std::lock_guard lock(mu);
        if (in_flight == 0 && !local_busy && (queue.empty() || stop_flag().load())) break;
      }
      const auto now = std::chrono::steady_clock::now();
      if (now - last_sync > std::chrono::seconds(2)) {
        file.sync();
        last_sync = now;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    local.join();
    // Workers that never said ready yet are picked up in the next round (or stopped below).
  }
  // Stop every rank: the idle ones now, the ones that have not reported ready yet when they do.
  int stopped = 0;
  const std::int64_t none = -1;
  for (int r : idle) {
    MPI_Send(&none, 1, MPI_INT64_T, r, kStop, MPI_COMM_WORLD);
    ++stopped;
  }
  while (stopped < size - 1) {
    MPI_Status st;
    MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
    int count = 0;
    MPI_Get_count(&st, st.MPI_TAG == kResult ? MPI_DOUBLE : MPI_BYTE, &count);
    std::vector<double> buf(static_cast<std::size_t>(std::max(count, 0)));
    if (st.MPI_TAG == kResult) {
      MPI_Recv(buf.data(), count, MPI_DOUBLE, st.MPI_SOURCE, kResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      const RunResult r = unpack(buf, k);
      file.write(r);
      std::lock_guard lock(mu);
      stored(r);
    } else {
      MPI_Recv(nullptr, 0, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    MPI_Send(&none, 1, MPI_INT64_T, st.MPI_SOURCE, kStop, MPI_COMM_WORLD);
    ++stopped;
  }
  file.sync();
  progress.update(ran, true);
  progress.finish();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return finish_sweep(plan, file, out, partial, ran, wall, run_secs, size);
}

int cmd_sweep_mpi() {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  struct Finalizer {
    ~Finalizer() { MPI_Finalize(); }
  } fin;
  // Every rank builds the same plan from the same files; one core per rank unless --threads says otherwise.
  const int threads = g_sweep.threads > 0 ? g_sweep.threads : std::max(1, tbb::info::default_concurrency() / local_ranks());
  auto ctl = limit_threads(threads);
  std::unique_ptr<Plan> plan;
  std::exception_ptr err;
  try {
    plan = std::make_unique<Plan>(make_plan());
  } catch (...) {
    err = std::current_exception();
  }
  if (size == 1) {  // a single rank works like a local sweep
    if (err) std::rethrow_exception(err);
    const fs::path out = g_sweep.out.empty() ? default_out(*plan) : fs::path(g_sweep.out);
    return cmd_sweep_local(*plan, out, PartialFile::path_for(out));
  }
  if (rank != 0) {
    int code = 0;
    MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (code == -1) return kExitOk;                                   // already complete
    if (code != 0 || err) return code != 0 ? code : kExitBadInput;  // rank 0 reports the error
    try {
      worker(*plan);
    } catch (const std::exception& e) {  // never leave rank 0 waiting for this rank
      fmt::print(stderr, "error on MPI rank {}: {}\n", rank, e.what());
      MPI_Abort(MPI_COMM_WORLD, kExitInternal);
    }
    return kExitOk;
  }
  // Rank 0: set up the working file, then tell the others whether to go on.
  std::optional<PartialFile> file;
  fs::path out, partial;
  int code = 0;
  bool complete = false;
  try {
    if (err) std::rethrow_exception(err);
    out = g_sweep.out.empty() ? default_out(*plan) : fs::path(g_sweep.out);
    partial = PartialFile::path_for(out);
    auto f = open_working_file(*plan, out, partial);
    if (f) file.emplace(std::move(*f));
    complete = !file;
  } catch (const ScenarioError&) {
    code = kExitBadInput;
    err = std::current_exception();
  } catch (const UsageError&) {
    code = kExitBadInput;
    err = std::current_exception();
  } catch (...) {
    code = kExitOutput;
    err = std::current_exception();
  }
  if (complete) code = -1;  // nothing to do: stop the workers
  MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (err) std::rethrow_exception(err);
  if (complete) {
    fmt::print("{} is already complete\n", out.string());
    return kExitOk;
  }
  try {
    return master(*plan, *file, out, partial, size, threads);
  } catch (const std::exception& e) {  // e.g. disk full: stop the workers too (the working file keeps what is done)
    fmt::print(stderr, "error: {}\n", e.what());
    file->close();
    MPI_Abort(MPI_COMM_WORLD, kExitOutput);
    return kExitOutput;
  }
}
#endif

int cmd_sweep() {
  if (!g_sweep.status.empty()) {
    fmt::print("{}", status_report(g_sweep.status, g_sweep.threads > 0 ? g_sweep.threads : tbb::info::default_concurrency()));
    return kExitOk;
  }
  if (g_sweep.file.empty()) throw UsageError("sweep: give a sweep file (SWEEP.toml), or --status FILE");
  if (g_sweep.resume && g_sweep.force) throw UsageError("sweep: --resume continues a sweep, --force starts it over: choose one");
#ifdef BUURT_HAVE_MPI
  if (launched_by_mpirun()) return cmd_sweep_mpi();
#endif
  const Plan plan = make_plan();
  const fs::path out = g_sweep.out.empty() ? default_out(plan) : fs::path(g_sweep.out);
  return cmd_sweep_local(plan, out, PartialFile::path_for(out));
}

int cmd_merge() {
  std::vector<fs::path> in(g_merge.shards.begin(), g_merge.shards.end());
  const auto t0 = std::chrono::steady_clock::now();
  const std::int64_t n = merge(in, g_merge.out, g_merge.force);
  fmt::print("merged {} shard files, {} runs, into {} ({:.2f} s)\n", in.size(), n, g_merge.out,
             std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return kExitOk;
}

const Registrar sweep_registrar{CommandDef{[](CLI::App& app) -> std::function<int()> {
  auto* c = app.add_subcommand("sweep", "Run a parameter sweep (grid, lhs, sobol, saltelli, morris) into one HDF5 file; see docs/sweeps.md");
  c->add_option("sweep", g_sweep.file, "Sweep TOML file");
  c->add_option("--out,-o", g_sweep.out, "Result file (default: <name>.h5, or <name>.shard-I-of-N.h5)");
  c->add_flag("--resume", g_sweep.resume, "Continue an interrupted sweep from <out>.partial (runs only what is missing)");
  c->add_option("--threads", g_sweep.threads, "Worker threads (default: all cores; per rank under MPI: cores / ranks); results do not depend on it");
  c->add_option("--shard", g_sweep.shard, "Run slice I of N (0-based, e.g. 2/8) into its own file; combine with `buurt merge`");
  c->add_option("--status", g_sweep.status, "Print what is done and missing in a sweep file (or its .partial) and an ETA");
  c->add_option("--target-ci", g_sweep.target_ci, "Adaptive replicates: OUTCOME=WIDTH, add replicates per point until the 95% interval is at most WIDTH wide");
  c->add_option("--max-replicates", g_sweep.max_replicates, "Cap on replicates per point with --target-ci (default: [design] max_replicates or 10 x replicates)");
  c->add_flag("--force", g_sweep.force, "Replace an existing result or working file (start over)");
  c->add_flag("--quiet,-q", g_sweep.quiet, "No progress bar");
  return [c]() { return c->parsed() ? cmd_sweep() : -1; };
}}};

const Registrar merge_registrar{CommandDef{[](CLI::App& app) -> std::function<int()> {
  auto* c = app.add_subcommand("merge", "Combine the shard files of `buurt sweep --shard I/N` into the file one run would have written");
  c->add_option("shards", g_merge.shards, "Shard files (all N of them)")->required();
  c->add_option("--out,-o", g_merge.out, "Merged result file")->required();
  c->add_flag("--force", g_merge.force, "Replace an existing result file");
  return [c]() { return c->parsed() ? cmd_merge() : -1; };
}}};

}  // namespace
}  // namespace buurt::cli
