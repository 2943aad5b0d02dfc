#pragma once
// The model tests' shared runs (docs/testing.md, "Shared model runs").
//
// A test file declares the runs it reads at namespace scope:
//
//   BUURT_MODEL_RUNS({"baseline.toml", {"run.weeks=156"}, 2},
//                    {"baseline.toml", {"run.weeks=156", "care.circle=false"}, 2});
//
// and reads them with run_rows()/mean_outcome() (model_support.h). The ctest fixture `model.runs`
// (`test_model_runs --produce`, FIXTURES_SETUP) runs every declared run of every file once into
// build/<preset>/model-runs/; the tests that read them require that fixture and only read files.
// Requests for the same parameters are one run: `run.weeks` and `run.snapshot_every` are not part of a
// run's identity (a run of W weeks is the first W weeks of a longer one: the kernel never reads them), and
// the key is the resolved scenario text, so the order and spelling of the overrides do not matter. Runs
// whose neighbourhoods differ in policy keys only share one burned-in neighbourhood per replicate (as a
// comparison does), which gives the same weeks bit for bit (ModelRuns.*).
#include <filesystem>
#include <string>
#include <vector>

#include "buurt/schema/Outcomes.h"

namespace buurt::test {

/// Replicates 0..runs-1 of a library scenario with `--set` overrides.
struct RunRequest {
  std::string scenario;
  std::vector<std::string> sets;
  int runs = 1;
};

/// Adds runs to the list the fixture produces (called by BUURT_MODEL_RUNS at static initialisation).
bool declare_runs(const std::vector<RunRequest>& requests);

/// Where the runs are: $BUURT_MODEL_RUNS, else build/<preset>/model-runs.
std::filesystem::path model_runs_dir();

/// Week 0..W rows of replicate `run` of a declared run, read from the fixture's files (W: its run.weeks).
/// Throws (a failed test naming the run) when it was not declared or not produced.
std::vector<WeekOutcomes> stored_rows(const std::string& scenario, const std::vector<std::string>& sets, std::uint32_t run);

}  // namespace buurt::test

#define BUURT_MODEL_RUNS_CAT2(a, b) a##b
#define BUURT_MODEL_RUNS_CAT(a, b) BUURT_MODEL_RUNS_CAT2(a, b)
/// Declares the runs a test file reads (see above).
#define BUURT_MODEL_RUNS(...) [[maybe_unused]] static const bool BUURT_MODEL_RUNS_CAT(buurt_model_runs_, __LINE__) = ::buurt::test::declare_runs({__VA_ARGS__})
