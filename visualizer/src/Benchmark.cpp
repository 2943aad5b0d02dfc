#include "Benchmark.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <numeric>

#include <sys/resource.h>

namespace buurt::view {
namespace {

double process_cpu_ms() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return 1e3 * (static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec));
}

std::string load_average() {
  std::ifstream f("/proc/loadavg");
  std::string a;
  f >> a;
  return a.empty() ? "?" : a;
}

}  // namespace

void FrameTimes::start() { cpu0_ = process_cpu_ms(); }

void FrameTimes::add(Clock::time_point t0, Clock::time_point t1, Clock::time_point t2, Clock::time_point t3, Clock::time_point t4) {
  auto d = [](Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  ms_.push_back(d(t0, t4));
  parts_[0] += d(t0, t1), parts_[1] += d(t1, t2), parts_[2] += d(t2, t3), parts_[3] += d(t3, t4);
}

void FrameTimes::report(std::size_t residents, const std::string& what, unsigned width, unsigned height, const char* gl_renderer) {
  if (ms_.empty()) return;
  std::sort(ms_.begin(), ms_.end());
  const double mean = std::accumulate(ms_.begin(), ms_.end(), 0.0) / static_cast<double>(ms_.size());
  fmt::print("bench: {} residents, {} frames{}, window {}x{}: mean {:.2f} ms, median {:.2f} ms, p95 {:.2f} ms, max {:.2f} ms (GL: {})\n", residents, ms_.size(),
             what, width, height, mean, ms_[ms_.size() / 2], ms_[ms_.size() * 95 / 100], ms_.back(), gl_renderer);
  const double nf = static_cast<double>(ms_.size());
  // CPU time of this process (all threads, llvmpipe's included) per frame: unlike wall time it does not
  // grow when other programs share the cores, so it bounds the frame time on an idle core.
  fmt::print("bench: process CPU time per frame {:.2f} ms (load average at start {})\n", (process_cpu_ms() - cpu0_) / nf, load_average());
  fmt::print("bench: per frame: simulate {:.2f} ms, build + draw calls {:.2f} ms, GL finish {:.2f} ms, present {:.2f} ms\n", parts_[0] / nf, parts_[1] / nf,
             parts_[2] / nf, parts_[3] / nf);
}

}  // namespace buurt::view
