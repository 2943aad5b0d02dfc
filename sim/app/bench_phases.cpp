// `buurt bench --phases`: where a week's time goes (per phase), what the state holds (per array), and how
// far the kernel is from streaming its state once at the machine's memory bandwidth (a STREAM-style probe).
#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <vector>

#include "buurt/base/State.h"
#include "buurt/core/RunLoop.h"
#include "buurt/core/Simulation.h"
#include "buurt/output/Recorder.h"
#include "commands.h"

namespace buurt::cli {
namespace {

/// Bytes held by each visited array (capacity), by name.
struct ArrayBytes : state::Names {
  static constexpr bool kLoading = false;
  template <class T>
  void operator()(const char* name, const T&) {
    add(name, sizeof(T));
  }
  template <class T>
  void operator()(const char* name, const std::vector<T>& v) {
    add(name, static_cast<double>(v.capacity() * sizeof(T)));
  }
  template <class T>
  void operator()(const char* name, const std::deque<T>& v) {
    add(name, static_cast<double>(v.size() * sizeof(T)));
  }
  template <class T, std::size_t K>
  void operator()(const char* name, const std::array<std::vector<T>, K>& a) {
    double b = 0;
    for (const auto& v : a) b += static_cast<double>(v.capacity() * sizeof(T));
    add(fmt::format("{}[{}]", name, K).c_str(), b);
  }
  void add(const char* name, double b) { bytes.emplace_back(path(name), b); }
  std::vector<std::pair<std::string, double>> bytes;
};

}  // namespace

double stream_triad_bandwidth() {
  const std::size_t n = std::size_t{1} << 24;  // 3 x 128 MiB: far beyond any cache
  std::vector<double> a(n, 1.0), b(n, 2.0), c(n, 0.5);
  double best = 1e30;
  for (int rep = 0; rep < 4; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 16), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i) a[i] = b[i] + 3.0 * c[i];
    });
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  if (a[n / 2] != 2.0 + 1.5) throw std::runtime_error("stream probe computed a wrong value");
  return 3.0 * sizeof(double) * static_cast<double>(n) / best;
}

void print_phases(Simulation& sim, int weeks, double bandwidth) {
  PhaseProfile prof;
  sim.profile(&prof);
  const auto t0 = std::chrono::steady_clock::now();
  if (!run_weeks(sim, weeks, &stop_flag())) throw Interrupted();
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  sim.profile(nullptr);
  const double residents = std::max(1.0, sim.outcomes()[Outcome::residents]);
  const double rw = residents * static_cast<double>(prof.weeks);
  fmt::print("  {:<24} {:>12} {:>7}\n", "phase", "ns/res-week", "share");
  for (std::size_t k = 0; k < kPhaseNames.size(); ++k)
    fmt::print("  {:<24} {:>12.1f} {:>6.1f}%\n", kPhaseNames[k], 1e9 * prof.seconds[k] / rw, 100.0 * prof.seconds[k] / total);
  fmt::print("  {:<24} {:>12.1f}\n", "week (timed)", 1e9 * total / rw);

  ArrayBytes ab;
  sim.state(ab);
  std::sort(ab.bytes.begin(), ab.bytes.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
  double sum = 0;
  for (const auto& [name, b] : ab.bytes) sum += b;
  fmt::print("  state by array (bytes per resident living there, capacity; {:.0f} in all):\n", sum / residents);
  std::string line;
  double rest = 0;
  for (const auto& [name, b] : ab.bytes) {
    if (b / residents < 4.0 || line.size() > 16 * 48) {
      rest += b;
      continue;
    }
    line += fmt::format("    {:<34} {:>6.1f}\n", name, b / residents);
  }
  fmt::print("{}    {:<34} {:>6.1f}\n", line, "(the other arrays)", rest / residents);
  const double stream_ns = 1e9 * (sum / residents) / bandwidth;
  fmt::print(
      "  memory bandwidth (STREAM triad, same threads): {:.1f} GB/s; reading the state once takes {:.1f} ns per resident-week,\n"
      "  the week takes {:.1f}: {:.1f} x that\n",
      bandwidth / 1e9, stream_ns, 1e9 * total / rw, (1e9 * total / rw) / stream_ns);
}

}  // namespace buurt::cli
