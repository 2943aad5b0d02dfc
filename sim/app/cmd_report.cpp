// `buurt report FILE.h5 [-o report.html]`: the HTML report of a run, comparison or sweep file.
// The report is written by the Python package `analysis/` (pandas, matplotlib, statsmodels); this
// command runs `/usr/bin/python3 -m analysis report` (analysis_bridge.cpp).
#include <fmt/format.h>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "buurt/output/Recorder.h"
#include "commands.h"

namespace buurt::cli {
namespace {
namespace fs = std::filesystem;

struct ReportArgs {
  std::string file, out, outcomes;
  int bootstrap = 500;
  std::string lang = "en";
  bool force = false, pdf = false;
};

int run_report(const ReportArgs& a) {
  std::error_code ec;
  if (!fs::exists(a.file, ec)) throw UsageError(fmt::format("{}: no such result file", a.file));
  const std::string out = a.out.empty() ? fs::path(a.file).replace_extension(".html").string() : a.out;
  check_output_path(out, a.force);  // never replace an existing report without --force
  std::vector<std::string> args{"report", a.file, "-o", out, "--bootstrap", std::to_string(a.bootstrap)};
  if (a.force) args.emplace_back("--force");
  args.emplace_back("--lang");
  args.push_back(a.lang);
  if (a.pdf) args.emplace_back("--pdf");
  if (!a.outcomes.empty()) {
    args.emplace_back("--outcomes");
    args.push_back(a.outcomes);
  }
  return run_analysis(args);
}

const Registrar registrar{CommandDef{[](CLI::App& app) -> std::function<int()> {
  auto a = std::make_shared<ReportArgs>();
  auto* c = app.add_subcommand("report", "Write a self-contained HTML report of a run, comparison or sweep file");
  c->add_option("file", a->file, "Result file (.h5) written by run, compare or sweep")->required();
  c->add_option("--out,-o", a->out, "Report file (default: FILE with .html)");
  c->add_flag("--force", a->force, "Replace an existing report");
  c->add_option("--outcomes", a->outcomes, "Comma-separated outcomes to summarise and draw (default: automatic)");
  c->add_option("--lang", a->lang, "Language of a comparison's decision page: en or nl (default en)")->check(CLI::IsMember({"en", "nl"}));
  c->add_flag("--pdf", a->pdf, "Also write the report as PDF next to it (FILE.pdf; needs Debian's weasyprint)");
  c->add_option("--bootstrap", a->bootstrap, "Bootstrap resamples for sensitivity-index intervals")->check(CLI::Range(10, 100000));
  return [c, a] { return c->parsed() ? run_report(*a) : -1; };
}}};

}  // namespace
}  // namespace buurt::cli
