#pragma once
/// A sweep ready to run: base scenario, design table, the run list of one shard, and its fingerprint.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "buurt/base/Hash.h"
#include "buurt/experiment/Ensemble.h"
#include "buurt/experiment/Stats.h"
#include "buurt/scenario/Scenario.h"
#include "buurt/sweep/Design.h"
#include "buurt/sweep/Sweep.h"

namespace buurt::sweep {

/// Slice I of N of a sweep (`--shard I/N`); {0, 1} is the whole sweep.
struct Shard {
  std::int64_t index = 0, count = 1;
};
/// Parse "I/N" (0 <= I < N). Throws ScenarioError.
Shard parse_shard(std::string_view arg);

/// Runs are numbered run_index = point * stride + replicate, where stride is the number of replicates
/// (or the cap on replicates when they are adaptive). A shard owns the runs with run_index % N == I,
/// or, with adaptive replicates (decided per point), the points with point % N == I. Within a shard
/// runs occupy "slots" 0..slots()-1 in run-index order.
class Plan {
 public:
  /// `ensemble`: replicate r of every point runs with member r mod N's calibrated keys (then the point's
  /// values); a point may not vary a calibrated key unless it is a policy key.
  Plan(SweepSpec spec, TargetCi target = {}, Shard shard = {}, std::optional<Ensemble> ensemble = std::nullopt);

  const SweepSpec& spec() const { return spec_; }
  const Scenario& base() const { return base_; }
  const Matrix& design() const { return design_; }
  const TargetCi& target() const { return target_; }
  const Shard& shard() const { return shard_; }
  std::int64_t points() const { return design_.rows; }
  std::int64_t replicates() const { return spec_.replicates; }
  std::int64_t stride() const { return stride_; }
  bool adaptive() const { return target_.outcome >= 0; }
  std::int64_t seed() const { return seed_; }
  int weeks() const { return weeks_; }  ///< weeks of every run when the time series are kept
  std::vector<std::string> parameter_names() const;
  std::vector<std::string> final_names() const;
  std::vector<std::string> timeseries_names() const;
  /// Column of the adaptive target among the kept final outcomes (-1 when not adaptive).
  int target_column() const { return target_column_; }

  /// `section.key=value` overrides of one design point (values round-trip exactly).
  std::vector<std::string> overrides(std::int64_t point) const;
  /// The scenario of one design point's replicate (base, fixed overrides, the ensemble member of the
  /// replicate if any, then the point's values).
  Scenario scenario(std::int64_t point, std::int64_t replicate = 0) const;
  const std::optional<Ensemble>& ensemble() const { return ensemble_; }

  /// Canonical text of everything that determines the results (not name, description or comments).
  const std::string& normalised() const { return normalised_; }
  /// Hash of the normalised definition and design table (16 hex digits).
  const std::string& fingerprint() const { return fingerprint_; }

  std::int64_t slots() const { return slots_; }
  std::int64_t run_index(std::int64_t slot) const;
  std::int64_t slot_of(std::int64_t run_index) const;  ///< -1 when not in this shard
  std::int64_t point_of(std::int64_t run_index) const { return run_index / stride_; }
  std::int64_t replicate_of(std::int64_t run_index) const { return run_index % stride_; }
  /// Points owned by this shard, in order.
  std::vector<std::int64_t> shard_points() const;

  /// Start every run from a saved neighbourhood per replicate (--from-state) instead of burning one in.
  /// The results are the same (the same keys and seed give the same neighbourhood); only the time differs.
  void start_from(std::vector<std::vector<std::byte>> neighbourhoods) { neighbourhoods_ = std::move(neighbourhoods); }
  /// Replicate r's saved neighbourhood, or nullptr when runs burn in their own.
  const std::vector<std::byte>* neighbourhood(std::int64_t replicate) const {
    return neighbourhoods_.empty() ? nullptr : &neighbourhoods_[static_cast<std::size_t>(replicate)];
  }

 private:
  SweepSpec spec_;
  std::vector<std::vector<std::byte>> neighbourhoods_;
  TargetCi target_;
  Shard shard_;
  Scenario base_;
  std::optional<Ensemble> ensemble_;
  Matrix design_;
  std::int64_t stride_ = 1, seed_ = 0, slots_ = 0;
  int weeks_ = 0, target_column_ = -1;
  std::string normalised_, fingerprint_;
};

}  // namespace buurt::sweep
