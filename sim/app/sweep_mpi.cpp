// The MPI master/worker protocol of `buurt sweep` (built only with BUURT_HAVE_MPI; sim/CMakeLists.txt
// compiles every sim/app/*.cpp, so the guard is here rather than in CMake).
#include "sweep_mpi.h"

#ifdef BUURT_HAVE_MPI
#include <mpi.h>

#include <fmt/format.h>
#include <tbb/info.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "buurt/output/Recorder.h"
#include "buurt/sweep/Runner.h"
#include "commands.h"

namespace buurt::cli {

namespace fs = std::filesystem;
using namespace buurt::sweep;

bool launched_by_mpirun() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"})
    if (std::getenv(v)) return true;
  return false;
}

namespace {

// Dynamic load balancing: rank 0 owns the working file and a queue of slots; it runs slots itself on
// a second thread and hands one slot at a time to every other rank as that rank reports a result.
enum Tag : int { kReady = 1, kTask = 2, kResult = 3, kStop = 4, kSetup = 5 };

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

int master(const SweepArgs& a, const Plan& plan, PartialFile& file, const fs::path& out, const fs::path& partial, int size, int threads) {
  print_intro(a, plan, file, out, threads, fmt::format("MPI, {} ranks", size));
  Progress progress("sweep " + plan.spec().name, "runs", planned(plan, file), a.quiet, file.done_count());
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
  std::vector<int> idle;  // ranks waiting for a task
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
  progress.finish();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return finish_sweep(a, plan, file, out, partial, ran, wall, run_secs, size);
}

}  // namespace

int run_sweep_mpi(const SweepArgs& a) {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  struct Finalizer {
    ~Finalizer() { MPI_Finalize(); }
  } fin;
  // Every rank builds the same plan from the same files; one core per rank unless --threads says otherwise.
  const int threads = a.threads > 0 ? a.threads : std::max(1, tbb::info::default_concurrency() / local_ranks());
  auto ctl = limit_threads(threads);
  std::unique_ptr<Plan> plan;
  std::exception_ptr err;
  try {
    plan = std::make_unique<Plan>(make_plan(a));
  } catch (...) {
    err = std::current_exception();
  }
  if (size == 1) {  // a single rank works like a local sweep
    if (err) std::rethrow_exception(err);
    const fs::path out = sweep_out(a, *plan);
    return run_sweep_local(a, *plan, out, PartialFile::path_for(out));
  }
  if (rank != 0) {
    int code = 0;
    MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (code == -1) return kExitOk;                                 // already complete
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
    out = sweep_out(a, *plan);
    partial = PartialFile::path_for(out);
    auto f = open_working_file(a, *plan, out, partial);
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
    return master(a, *plan, *file, out, partial, size, threads);
  } catch (const std::exception& e) {  // e.g. disk full: stop the workers too (the working file keeps what is done)
    fmt::print(stderr, "error: {}\n", e.what());
    file->close();
    MPI_Abort(MPI_COMM_WORLD, kExitOutput);
    return kExitOutput;
  }
}

}  // namespace buurt::cli
#endif  // BUURT_HAVE_MPI
