#pragma once
/// Frame timing for `--bench-frames`: per-frame wall time split into its parts, process CPU time, the report.
#include <chrono>
#include <string>
#include <vector>

namespace buurt::view {

/// Collects the timings of benchmark frames (after the warm-up) and prints the summary.
class FrameTimes {
 public:
  using Clock = std::chrono::steady_clock;
  /// Starts the CPU-time count (call when the warm-up frames are done).
  void start();
  /// One frame: start, simulated, drawn, GL finished, presented.
  void add(Clock::time_point t0, Clock::time_point t1, Clock::time_point t2, Clock::time_point t3, Clock::time_point t4);
  /// Prints mean, median, p95 and max frame time, CPU time per frame and the mean of each part.
  /// `what` says what a frame did; `gl_renderer` names the GL implementation.
  void report(std::size_t residents, const std::string& what, unsigned width, unsigned height, const char* gl_renderer);

 private:
  std::vector<double> ms_;
  double parts_[4] = {0, 0, 0, 0};  // simulate, build + submit, GPU finish, present
  double cpu0_ = 0;
};

}  // namespace buurt::view
