// buurt: the command-line tool. Parses arguments, maps errors to exit codes, and runs commands.
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "buurt/core/Simulation.h"
#include "buurt/output/Recorder.h"
#include "buurt/output/StateFile.h"
#include "buurt/scenario/Scenario.h"
#include "commands.h"

namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop.store(true); }

}  // namespace

namespace buurt::cli {

std::atomic<bool>& stop_flag() { return g_stop; }

}  // namespace buurt::cli

int main(int argc, char** argv) {
  using namespace buurt;
  auto logger = spdlog::stderr_color_mt("buurt");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%^%l%$: %v");
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  CLI::App app{"Buurtkracht: agent-based simulation of neighbourhood self-reliance"};
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();  // `--help` shows each option's default, e.g. [10]
  app.set_version_flag("--version", Provenance::version() + " (" + Provenance::commit() + ")");
  cli::register_commands(app);
  // An empty list or string default says nothing in --help; the option's own text says what happens then.
  for (auto* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    for (auto* opt : sub->get_options())
      if (opt->get_default_str() == "[]" || opt->get_default_str() == "\"\"") opt->default_str("");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : cli::kExitBadInput;
  }
  try {
    return cli::dispatch(app);
  } catch (const ScenarioError& e) {
    spdlog::error("{}", e.what());
    return cli::kExitBadInput;
  } catch (const StateError& e) {
    spdlog::error("{}", e.what());
    return cli::kExitBadInput;
  } catch (const cli::UsageError& e) {
    spdlog::error("{}", e.what());
    return cli::kExitBadInput;
  } catch (const InputError& e) {
    spdlog::error("{}", e.what());
    return cli::kExitBadInput;
  } catch (const OutputError& e) {
    spdlog::error("{}", e.what());
    return cli::kExitOutput;
  } catch (const Interrupted&) {
    spdlog::warn("interrupted: no result file was written");
    return cli::kExitInterrupted;
  } catch (const FormatError& e) {
    spdlog::error("{}", e.what());
    return cli::kExitOutput;
  } catch (const std::bad_alloc&) {
    spdlog::error("out of memory");
    return cli::kExitInternal;
  } catch (const std::exception& e) {
    spdlog::error("internal error: {}", e.what());
    return cli::kExitInternal;
  }
}
