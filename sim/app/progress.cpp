// The one progress reporter of `buurt` (run, compare, sweep): a bar on a terminal, sparse lines in logs.
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "commands.h"

namespace buurt::cli {
namespace {

using Clock = std::chrono::steady_clock;

/// Seconds as a reader wants them: tenths for short waits, minutes and hours for sweeps.
std::string duration(double secs) {
  if (!std::isfinite(secs) || secs < 0) return "?";
  if (secs < 10) return fmt::format("{:.1f}s", secs);
  if (secs < 120) return fmt::format("{:.0f}s", secs);
  const auto s = static_cast<long>(secs + 0.5);
  if (s < 7200) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
}

}  // namespace

Progress::Progress(std::string label, std::string unit, long total, bool quiet, long already)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      already_(already),
      quiet_(quiet),
      tty_(::isatty(STDERR_FILENO) != 0),
      start_(Clock::now()),
      last_(start_) {}

Progress::~Progress() { end_line(); }

void Progress::update(long done_now, bool force) {
  if (quiet_) return;
  std::lock_guard lock(mu_);
  draw(done_now, force);
}

void Progress::finish() {
  if (quiet_) return;
  std::lock_guard lock(mu_);
  draw(latest_, true);
  end_line();
}

void Progress::draw(long done_now, bool force) {
  // Parallel callers may report out of order; a count never goes back.
  latest_ = std::max(latest_, done_now);
  const long done = already_ + latest_;
  total_ = std::max(total_, done);  // adaptive replicates can add work
  if (done == printed_) return;
  const auto now = Clock::now();
  const long tenth = total_ > 0 ? done * 10 / total_ : 10;
  // The final state comes from finish(); until then a terminal is redrawn at most five times a second,
  // and a log gets a line per tenth of the work (or every half minute when the tenths are slow).
  if (!force) {
    if (tty_ && now - last_ < std::chrono::milliseconds(200)) return;
    if (!tty_ && tenth <= printed_tenth_ && now - last_ < std::chrono::seconds(30)) return;
  }
  last_ = now;
  printed_ = done;
  printed_tenth_ = tenth;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double rate = secs > 0 ? static_cast<double>(latest_) / secs : 0.0;
  const double eta = rate > 0 ? static_cast<double>(std::max(0L, total_ - done)) / rate : 0.0;
  const std::string eta_text = rate > 0 || done >= total_ ? duration(eta) : "?";
  if (tty_) {
    const int width = 30;
    const int filled = total_ > 0 ? static_cast<int>(width * std::min(done, total_) / total_) : width;
    fmt::print(stderr, "\r{} [{}{}] {}/{} {}  {}  {:.1f} {}/s  ETA {} ", label_, std::string(static_cast<std::size_t>(filled), '#'),
               std::string(static_cast<std::size_t>(width - filled), '.'), done, total_, unit_, duration(secs), rate, unit_, eta_text);
    open_ = true;
  } else {
    fmt::print(stderr, "{}: {}/{} {}, {}, {:.1f} {}/s, ETA {}\n", label_, done, total_, unit_, duration(secs), rate, unit_, eta_text);
  }
}

void Progress::end_line() {
  if (open_) fmt::print(stderr, "\n");
  open_ = false;
}

}  // namespace buurt::cli
