// `buurt population from-cbs FILE --code WK...`: a scenario's [population] section from one wijk of CBS
// Kerncijfers wijken en buurten (a StatLine CSV export). The reading and the mapping are buurt::scenario's
// (buurt/scenario/Cbs.h, docs/cbs.md); this command names the table and prints the section.
#include <fmt/format.h>
#include <memory>
#include <string>

#include "buurt/scenario/Cbs.h"
#include "commands.h"

namespace buurt::cli {
namespace {

struct FromCbsArgs {
  std::string file, code, table;
  int year = 0;
};

/// The command as typed, for the section's header (only what changes the output).
std::string command_line(const FromCbsArgs& a) {
  std::string cmd = fmt::format("buurt population from-cbs {} --code {}", a.file, a.code);
  if (!a.table.empty()) cmd += fmt::format(" --table {}", a.table);
  if (a.year != 0) cmd += fmt::format(" --year {}", a.year);
  return cmd;
}

int run_from_cbs(const FromCbsArgs& a) {
  try {
    const CbsRow row = read_cbs_row(a.file, a.code);
    const CbsPopulation pop = population_from_cbs(row);
    fmt::print("{}", population_toml(row, pop, cbs_table(a.file, a.table, a.year), command_line(a)));
  } catch (const CbsError& e) {
    throw UsageError(e.what());  // bad input: exit 2 with the message naming file, column and code
  }
  return kExitOk;
}

const Registrar registrar{CommandDef{[](CLI::App& app) -> std::function<int()> {
  auto a = std::make_shared<FromCbsArgs>();
  auto* population = app.add_subcommand("population", "Derive a scenario's [population] section from published statistics");
  population->require_subcommand(1);
  auto* c = population->add_subcommand("from-cbs", "Print a [population] section from one wijk of CBS Kerncijfers wijken en buurten (docs/cbs.md)");
  c->add_option("file", a->file, "StatLine CSV export (';' separated, decimal comma, '.' for a suppressed value)")->required();
  c->add_option("--code", a->code, "Code of the wijk (Codering), e.g. WK036301")->required();
  c->add_option("--table", a->table, "StatLine table of the file, e.g. 85318NED (default: from --year or the file name)");
  c->add_option("--year", a->year, "Year of the table, e.g. 2022 (default: from --table or the file name)")->check(CLI::Range(1990, 2100));
  return [c, a] { return c->parsed() ? run_from_cbs(*a) : -1; };
}}};

}  // namespace
}  // namespace buurt::cli
