#pragma once
/// Running a sweep: one run, the runs still to do (adaptive replicates included), local execution.
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "buurt/sweep/Plan.h"
#include "buurt/sweep/Store.h"

namespace buurt::sweep {

/// Run one slot of the plan: the point's scenario with run.seed = the sweep seed and run = replicate
/// (common random numbers: replicate r uses the same random numbers at every point).
/// Returns false (and leaves `out` unset) when `stop` became true during the run.
bool run_one(const Plan& plan, std::int64_t slot, RunResult& out, const std::atomic<bool>* stop = nullptr);

/// Slots to run now, in slot order. Without adaptive replicates: every slot not done. With them,
/// per point: the first `replicates` runs, then, once all of a point's current runs are done and the
/// 95% interval of the target outcome is wider than the target, more (at most doubling, up to the cap).
/// A pure function of the plan and the completed runs, so it is the same after any interruption.
std::vector<std::int64_t> pending(const Plan& plan, const PartialFile& file);

/// Run replicates needed for a point given n done replicates with values `x`: n when enough.
std::int64_t wanted_replicates(const std::vector<double>& x, double width, std::int64_t cap);

/// Run every pending slot with TBB (runs in parallel, each run also parallel inside), writing each
/// result as it completes, until nothing is pending or `stop` is set. `on_done` is called (serialised)
/// after each stored run. Returns the number of runs done.
/// A sweep whose points differ only in policy keys, with a common start and a burn-in, burns in one
/// neighbourhood per replicate (under the reference policy, as every run would) and starts every run of
/// that replicate from it, as `buurt compare` does: the same results, one burn-in per replicate instead
/// of per run. Returns the neighbourhoods burned in (0: not shared: policy and behaviour keys vary,
/// --from-state, no burn-in, or more than about 1 GB to hold). Adaptive replicates beyond the first
/// `replicates` burn in their own.
std::int64_t share_burn_in(Plan& plan, const std::atomic<bool>* stop = nullptr);

std::int64_t run_local(const Plan& plan, PartialFile& file, const std::atomic<bool>* stop, const std::function<void(const RunResult&)>& on_done = {});

}  // namespace buurt::sweep
