#pragma once
/// State files: burned-in neighbourhoods saved at week 0 (`--save-state`) and started from (`--from-state`).
///
/// Layout (docs/output.md, "State files"): root attributes `format` = "buurt-state", `state_version`,
/// `schema_version`, `buurt_version`, `git_commit`, `seed`, `burn_in`, `digest`, `scenario`, `command`;
/// dataset `keys` (the non-policy, non-run keys the neighbourhood was built with, one `key = value` per
/// line; `digest` is their FNV-1a hash with the seed); one group `run_<r>` per replicate with every
/// variable of Simulation::state() as a dataset of the same name.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "buurt/core/Simulation.h"
#include "buurt/output/Group.h"
#include "buurt/output/Recorder.h"
#include "buurt/scenario/Scenario.h"

namespace buurt {

/// A state file that cannot be used here: missing, not a state file, another layout version, or made for
/// another neighbourhood (the message names the first differing key). Bad input: exit 2.
class StateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The text the digest is computed from: every key that is neither a policy nor a run key, `key = value`.
std::string neighbourhood_keys(const Params& p);
/// FNV-1a 64-bit hash of neighbourhood_keys(p) and run.seed, as 16 hex digits.
std::string neighbourhood_digest(const Params& p);

/// Writes burned-in neighbourhoods into a new state file (a ResultFile: temp name, renamed on commit;
/// never over an existing file unless `force`).
class StateWriter {
 public:
  StateWriter(const std::filesystem::path& path, const Scenario& scenario, const std::string& command, bool force);
  /// Save `sim` (at week 0) as replicate sim.run(). Not thread-safe: one call at a time.
  void add(Simulation& sim);
  void commit();
  const std::filesystem::path& path() const { return file_.path(); }

 private:
  ResultFile file_;
};

/// An opened state file.
class StateFile {
 public:
  explicit StateFile(const std::filesystem::path& path);
  /// Throws StateError naming the first key (run.seed, then schema order) in which `p` differs from the
  /// neighbourhood the file holds.
  void check(const Params& p) const;
  /// The burn-in the saved neighbourhoods had (weeks).
  std::int64_t burn_in() const { return burn_in_; }
  std::int64_t seed() const { return seed_; }
  const std::vector<std::uint32_t>& runs() const { return runs_; }
  /// Replicate `run`'s neighbourhood at week 0 with `p`'s policy keys switched on (after check(p)).
  std::unique_ptr<Simulation> load(const Params& p, std::uint32_t run) const;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  ResultGroup file_;
  std::int64_t seed_ = 0, burn_in_ = 0;
  std::string keys_;
  std::vector<std::uint32_t> runs_;
};

}  // namespace buurt
