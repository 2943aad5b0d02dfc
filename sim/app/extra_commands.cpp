#include "commands.h"

namespace buurt::cli {
void register_extra_commands(CLI::App&) {}
int dispatch_extra(CLI::App&) { throw UsageError("unknown subcommand"); }
}  // namespace buurt::cli
