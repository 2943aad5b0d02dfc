#pragma once
// The `buurt` subcommands. Each module registers its own in its own file (cmd_<name>.cpp);
// errors are thrown and mapped to exit codes in main().
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

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

/// A subcommand: `setup` adds it to the app (options bound to its own state) and returns the
/// function that runs it.
struct CommandDef {
  std::function<std::function<int()>(CLI::App&)> setup;
};
/// Registers a subcommand at static-initialisation time: `static Registrar r{{...}};` in cmd_<name>.cpp.
struct Registrar {
  explicit Registrar(CommandDef def);
};

void register_commands(CLI::App& app);
int dispatch(CLI::App& app);

}  // namespace buurt::cli
