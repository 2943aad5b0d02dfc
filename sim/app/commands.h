#pragma once
// The `buurt` subcommands. Each returns an exit code; errors are thrown and mapped in main().
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>

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

/// Progress bar with ETA on a terminal; plain lines otherwise.
class Progress {
 public:
  Progress(std::string label, long total, bool quiet);
  void update(long done);

 private:
  std::string label_;
  long total_;
  bool quiet_, tty_;
  std::chrono::steady_clock::time_point start_;
};

void register_commands(CLI::App& app);
int dispatch(CLI::App& app);

}  // namespace buurt::cli

namespace buurt::cli {
/// Commands added by later modules (compare, sweep, report...). Return -1 if none matched.
void register_extra_commands(CLI::App& app);
int dispatch_extra(CLI::App& app);
}  // namespace buurt::cli
