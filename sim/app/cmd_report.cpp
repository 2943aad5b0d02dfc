// `buurt report FILE.h5 [-o report.html]`: the HTML report of a run, comparison or sweep file.
// The report is written by the Python package `analysis/` (pandas, matplotlib, statsmodels); this
// command finds the package in the source tree and runs `/usr/bin/python3 -m analysis report`.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "buurt/output/Recorder.h"
#include "commands.h"

extern char** environ;

namespace buurt::cli {
namespace {
namespace fs = std::filesystem;

struct ReportArgs {
  std::string file, out, outcomes;
  int bootstrap = 500;
  bool force = false;
};

constexpr const char* kPython = "/usr/bin/python3";  // the interpreter that sees the Debian packages

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

int run_report(const ReportArgs& a) {
  std::error_code ec;
  if (!fs::exists(a.file, ec)) throw UsageError(fmt::format("{}: no such result file", a.file));
  const std::string out = a.out.empty() ? fs::path(a.file).replace_extension(".html").string() : a.out;
  check_output_path(out, a.force);  // never replace an existing report without --force
  if (::access(kPython, X_OK) != 0) throw UsageError(fmt::format("{} not found: install the analysis packages with scripts/setup.sh", kPython));

  const fs::path src = source_dir();
  std::vector<std::string> args{kPython, "-m", "analysis", "report", a.file, "-o", out, "--bootstrap", std::to_string(a.bootstrap)};
  if (a.force) args.emplace_back("--force");
  if (!a.outcomes.empty()) {
    args.emplace_back("--outcomes");
    args.push_back(a.outcomes);
  }
  // Environment: the package on PYTHONPATH, this binary for `describe --markdown` (units, sources).
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
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) throw Interrupted();
  return kExitInternal;
}

const Registrar registrar{CommandDef{[](CLI::App& app) -> std::function<int()> {
  auto a = std::make_shared<ReportArgs>();
  auto* c = app.add_subcommand("report", "Write a self-contained HTML report of a run, comparison or sweep file");
  c->add_option("file", a->file, "Result file (.h5) written by run, compare or sweep")->required();
  c->add_option("--out,-o", a->out, "Report file (default: FILE with .html)");
  c->add_flag("--force", a->force, "Replace an existing report");
  c->add_option("--outcomes", a->outcomes, "Comma-separated outcomes to summarise and draw (default: automatic)");
  c->add_option("--bootstrap", a->bootstrap, "Bootstrap resamples for sensitivity-index intervals")->check(CLI::Range(10, 100000));
  return [c, a] { return c->parsed() ? run_report(*a) : -1; };
}}};

}  // namespace
}  // namespace buurt::cli
