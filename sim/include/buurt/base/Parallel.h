#pragma once
// Parallel loops of the kernel: every TBB loop goes through here.
//
// Loops over index ranges (per-resident and per-tie work: each index writes only its own slots),
// reductions whose result does not depend on the thread count, and coarse jobs (whole runs) for
// `compare` and sweeps. Grain sizes are the caller's.

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>

namespace buurt::par {

using Range = tbb::blocked_range<std::size_t>;

/// body(begin, end) on chunks of [0, n) of at least `grain` indices, in parallel.
template <class Body>
void for_chunks(std::size_t n, std::size_t grain, Body&& body) {
  tbb::parallel_for(Range(0, n, grain), [&](const Range& r) { body(r.begin(), r.end()); });
}

/// f(i) for every i in [0, n), in parallel; each i is visited once.
template <class F>
void for_each_index(std::size_t n, std::size_t grain, F&& f) {
  for_chunks(n, grain, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i != e; ++i) f(i);
  });
}

/// f(i) for every i in [0, n), each i its own task: for coarse jobs (whole runs of a comparison or a
/// sweep). Each job runs isolated, so a thread that waits for a job's inner loops does not start
/// another job meanwhile (which would hold two runs' memory on one stack).
template <class F>
void for_each_job(std::size_t n, F&& f) {
  tbb::parallel_for(
      Range(0, n, 1),
      [&](const Range& r) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) tbb::this_task_arena::isolate([&] { f(i); });
      },
      tbb::simple_partitioner());
}

/// Number of i in [0, n) with f(i); integer sums are exact, so any reduction order gives the same count.
template <class F>
std::size_t count_if_index(std::size_t n, std::size_t grain, F&& f) {
  return tbb::parallel_reduce(
      Range(0, n, grain), std::size_t{0},
      [&](const Range& r, std::size_t acc) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) acc += f(i) ? 1 : 0;
        return acc;
      },
      std::plus<>());
}

/// Largest f(i) over [0, n) (0 when n is 0); a maximum does not depend on the order it is taken in.
template <class F>
std::uint32_t max_index(std::size_t n, std::size_t grain, F&& f) {
  return tbb::parallel_reduce(
      Range(0, n, grain), std::uint32_t{0},
      [&](const Range& r, std::uint32_t acc) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) acc = std::max(acc, f(i));
        return acc;
      },
      [](std::uint32_t a, std::uint32_t b) { return std::max(a, b); });
}

/// Sum of body(begin, end) -> count over chunks of [0, n): for loops that update their own indices and
/// count what happened to them. Integer sums are exact, so the split of the range does not matter.
template <class Body>
std::size_t sum_chunks(std::size_t n, std::size_t grain, Body&& body) {
  return tbb::parallel_reduce(
      Range(0, n, grain), std::size_t{0}, [&](const Range& r, std::size_t acc) { return acc + body(r.begin(), r.end()); }, std::plus<>());
}

/// Reduction over [0, n) that gives the same floating-point result at any thread count: the split of
/// the range and the order of the joins depend only on n and grain (tbb::parallel_deterministic_reduce).
/// body(begin, end, acc) -> acc; join(a, b) -> a (+) b.
template <class T, class Body, class Join>
T deterministic_reduce(std::size_t n, std::size_t grain, T init, Body&& body, Join&& join) {
  return tbb::parallel_deterministic_reduce(
      Range(0, n, grain), std::move(init), [&](const Range& r, T acc) { return body(r.begin(), r.end(), std::move(acc)); },
      [&](const T& a, const T& b) { return join(a, b); });
}

/// One T per thread that touches it: for tallies each thread adds into on its own and that are summed
/// afterwards. Integer sums are exact, so which thread counted what does not change the result.
template <class T>
class PerThread {
 public:
  T& local() { return items_.local(); }
  /// f(t) for every thread's T, in no particular order (for order-free work: clearing, exact sums).
  template <class F>
  void each(F&& f) {
    for (auto& t : items_) f(t);
  }

 private:
  tbb::enumerable_thread_specific<T> items_;
};

}  // namespace buurt::par
