// Runs the Python package `analysis/` (`/usr/bin/python3 -m analysis ...`) for the subcommands that are
// written in Python (report, calibrate): finds the package, sets its environment, waits for it.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "buurt/output/Recorder.h"
#include "commands.h"

extern char** environ;

namespace buurt::cli {
namespace {
namespace fs = std::filesystem;

bool has_package(const fs::path& dir) { return fs::is_regular_file(dir / "analysis" / "__main__.py"); }

/// The directory that holds `analysis/`: $BUURT_SOURCE_DIR, the source tree this binary was built
/// from, or a parent of the executable's directory (build/<preset>/buurt -> ../..).
fs::path source_dir() {
  if (const char* env = std::getenv("BUURT_SOURCE_DIR"); env && has_package(env)) return env;
#ifdef BUURT_SOURCE_DIR
  if (has_package(BUURT_SOURCE_DIR)) return BUURT_SOURCE_DIR;
#endif
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec).parent_path();
  for (int up = 0; up < 4 && !p.empty(); ++up, p = p.parent_path())
    if (has_package(p)) return p;
  throw UsageError("cannot find the analysis package (analysis/__main__.py); set BUURT_SOURCE_DIR to the Buurtkracht source tree");
}

}  // namespace

int run_analysis(const std::vector<std::string>& analysis_args, const std::vector<std::string>& extra_env) {
  if (::access(kPython, X_OK) != 0) throw UsageError(fmt::format("{} not found: install the analysis packages with scripts/setup.sh", kPython));
  const fs::path src = source_dir();
  std::vector<std::string> args{kPython, "-m", "analysis"};
  args.insert(args.end(), analysis_args.begin(), analysis_args.end());
  // Environment: the package on PYTHONPATH, this binary for `describe --json` (units, roles, sources).
  std::vector<std::string> env;
  std::string pythonpath = src.string();
  for (char** e = environ; *e; ++e) {
    const std::string kv(*e);
    if (kv.rfind("PYTHONPATH=", 0) == 0)
      pythonpath += ":" + kv.substr(11);
    else if (kv.rfind("BUURT_EXE=", 0) != 0 && kv.rfind("MPLBACKEND=", 0) != 0)
      env.push_back(kv);
  }
  env.push_back("PYTHONPATH=" + pythonpath);
  env.push_back("MPLBACKEND=Agg");
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) env.push_back("BUURT_EXE=" + self.string());

  std::vector<char*> argv, envp;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  if (const int rc = ::posix_spawn(&pid, kPython, nullptr, nullptr, argv.data(), envp.data()); rc != 0)
    throw OutputError(fmt::format("cannot start {}: {}", kPython, std::strerror(rc)));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw OutputError(fmt::format("waiting for {}: {}", kPython, std::strerror(errno)));
  }
  if (WIFEXITED(status)) {
    if (WEXITSTATUS(status) == kExitInterrupted) throw Interrupted();
    return WEXITSTATUS(status);
  }
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) throw Interrupted();
  return kExitInternal;
}

}  // namespace buurt::cli
