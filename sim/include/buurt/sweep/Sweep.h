#pragma once
/// Sweep files: a base scenario, the parameters to vary, an experiment design, replicates and outcomes.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "buurt/scenario/Scenario.h"
#include "buurt/schema/Outcomes.h"

namespace buurt::sweep {

enum class DesignKind { Grid, Lhs, Sobol, Saltelli, Morris, Points };
/// "grid", "lhs", "sobol", "saltelli", "morris", "points".
std::string design_kind_name(DesignKind k);

/// One varied parameter (a "factor"): explicit levels (grid) or a range [min, max].
struct Factor {
  std::string name;  ///< section.key
  const ParamSpec* spec = nullptr;
  std::vector<double> levels;  ///< grid levels, or a points design's value at each point (booleans as 0/1); empty for a range
  double min = 0, max = 0;     ///< range ends (continuous designs, or grid with steps)
  bool has_range = false;
  int line = 0, column = 0;  ///< where it is declared in the sweep file
};

/// Adaptive replicates: add replicates per point until the 95% interval of one outcome is narrow.
struct TargetCi {
  int outcome = -1;  ///< index into kOutcomeSpecs; -1 = off
  double width = 0;  ///< full width of the 95% interval (upper - lower), in the outcome's unit
};

/// A parsed, validated sweep file (nothing run yet).
struct SweepSpec {
  std::string path;  ///< as given on the command line
  std::string text;  ///< the file's content, stored in results as /sweep/definition
  std::string name, description;
  std::filesystem::path base;      ///< base scenario (resolved relative to the sweep file)
  std::vector<std::string> fixed;  ///< section.key=value overrides applied to the base at every point
  std::vector<Factor> factors;
  DesignKind kind = DesignKind::Grid;
  std::int64_t points = 0;  ///< lhs, sobol: points; saltelli: base samples N; morris: trajectories r
  std::int64_t levels = 4;  ///< morris: grid levels p (even)
  std::int64_t skip = 0;    ///< sobol, saltelli: skip the first points of the sequence
  bool centered = false;    ///< lhs: stratum midpoints instead of random positions
  std::int64_t replicates = 1;
  std::int64_t max_replicates = 0;          ///< cap for adaptive replicates (0 = 10 x replicates)
  std::optional<std::int64_t> seed;         ///< run.seed of every run (default: the base scenario's)
  std::optional<std::int64_t> design_seed;  ///< randomisation of lhs / morris (default: seed)
  std::vector<int> final_outcomes;          ///< indices into kOutcomeSpecs, in declaration order
  std::vector<int> timeseries;              ///< indices into kOutcomeSpecs
};

/// Parse and validate a sweep file; errors are ScenarioError with file:line:col, key, expected/found.
SweepSpec parse_sweep(const std::filesystem::path& file);
/// Parse sweep text (tests). `base` paths resolve relative to `dir`.
SweepSpec parse_sweep_text(std::string_view text, std::string_view label, const std::filesystem::path& dir);

/// Parse `OUTCOME=WIDTH` (the --target-ci option). Throws ScenarioError.
TargetCi parse_target_ci(std::string_view arg);

/// Index of an outcome by name, or -1.
int find_outcome(std::string_view name);

}  // namespace buurt::sweep
