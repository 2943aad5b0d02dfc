#pragma once
/// The /sweep group: what a sweep was (definition, design, outcomes, provenance), in every sweep file.
#include <cstdint>
#include <string>
#include <vector>

#include "buurt/output/Group.h"
#include "buurt/sweep/Plan.h"

namespace buurt::sweep {

/// Everything under /sweep: the description of a sweep, identical in shard, merged and 1-way files.
struct Header {
  std::string definition, base_resolved, design_kind, name, description, fingerprint, normalised, target_ci;
  std::string program_version, git_commit;
  std::vector<std::string> parameter_names, final_names, timeseries_names;
  Matrix design;
  std::int64_t replicates = 0, stride = 0, seed = 0, weeks = 0, schema_version = 0;
  std::int64_t shard_index = -1, shard_count = 0;  ///< -1 / 0: not a shard

  static Header from_plan(const Plan& plan);
  void write(const ResultGroup& file) const;
  static Header read(const ResultGroup& file);
};

}  // namespace buurt::sweep
