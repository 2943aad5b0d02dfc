#pragma once
/// Records runs into HDF5: the temp-then-rename result file and the per-run layout.
#include <array>
#include <atomic>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "buurt/core/Simulation.h"
#include "buurt/output/Hdf5.h"
#include "buurt/scenario/Scenario.h"
#include "buurt/schema/GroupOutcomes.h"
#include "buurt/schema/Outcomes.h"
#include "buurt/schema/SnapshotVars.h"

namespace buurt {

/// Output problems the user can fix (file exists, directory not writable, disk full).
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A file given as input is missing or is not what the command needs (not a shard, another sweep's file):
/// bad input, exit 2, like a broken scenario.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Raised when a run is stopped by SIGINT/SIGTERM; nothing is left under the final name.
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

/// A result file written under a temporary name and renamed into place only when complete.
/// An existing file is never touched unless `force` is set.
class ResultFile {
 public:
  ResultFile(std::filesystem::path final_path, bool force);
  ~ResultFile();
  ResultFile(const ResultFile&) = delete;
  ResultFile& operator=(const ResultFile&) = delete;
  hid_t root() const { return file_.id(); }
  const std::filesystem::path& path() const { return final_; }
  const std::filesystem::path& temp_path() const { return temp_; }
  /// Flush, close, fsync and rename to the final name.
  void commit();

 private:
  std::filesystem::path final_, temp_;
  h5::Handle file_;
  bool committed_ = false;
};

/// Check before any work that `path` may be written (no file there unless force; directory writable).
void check_output_path(const std::filesystem::path& path, bool force);

/// Program identity written into /meta.
struct Provenance {
  static std::string version();
  static std::string commit();
};

/// Writes one run (meta, population, timeseries, snapshots, network, final) into a group.
class RunRecorder {
 public:
  RunRecorder(hid_t group, const Scenario& scenario, const Simulation& sim);
  /// Call after every step(): keeps the outcome row and writes snapshots every K weeks.
  void record_week(const Simulation& sim);
  /// Write timeseries, the last snapshot and /final.
  void finish(const Simulation& sim);
  const std::vector<WeekOutcomes>& rows() const { return rows_; }

 private:
  void snapshot(const Simulation& sim);
  h5::RowAppender& snap(SnapshotVar v) { return snap_[static_cast<std::size_t>(v)]; }
  /// One snapshot row of variable v, of the type SnapshotVars.def declares for it.
  template <SnapshotVar v>
  void append(std::span<const SnapshotType<v>> row) {
    snap(v).template append<SnapshotType<v>>(row);
  }
  hid_t group_;
  int total_weeks_;
  int every_;
  int last_snapshot_ = -1;
  std::vector<WeekOutcomes> rows_;
  std::vector<std::int32_t> snap_weeks_;
  std::vector<h5::RowAppender> snap_;
  std::vector<std::uint16_t> initial_ties_;
  std::vector<float> initial_self_reliance_;
  std::vector<std::uint16_t> initial_age_;
};

/// Outcomes by group (income, household type, ties at the start, arrival since week 0): who is left behind.
/// One column per outcome of schema/GroupOutcomes.def, one row per label.
struct GroupTable {
  std::vector<std::string> labels;
  std::array<std::vector<double>, kNumGroupOutcomes> values;
  const std::vector<double>& operator[](GroupOutcome g) const { return values[static_cast<std::size_t>(g)]; }
};
/// Outcomes by group of the residents living there now; the start_ties groups and the gain in self-reliance
/// count only residents who lived there at week 0 (`initial_age`: age in weeks at week 0, kVacantAge if empty);
/// `arrival:newcomer` counts those who moved in since (born there excluded), whose gain is NaN.
GroupTable group_outcomes(const Simulation& sim, const std::vector<std::uint16_t>& initial_ties, const std::vector<float>& initial_self_reliance,
                          const std::vector<std::uint16_t>& initial_age);
/// Write /timeseries (one dataset per outcome, its metadata as attributes) and /final (last week, by group).
void write_outcomes(hid_t group, const std::vector<WeekOutcomes>& rows, const GroupTable& groups);

/// Outcomes.def columns as the text written into result files ("pct", "money", "down"...).
std::string_view format_name(OutcomeFormat f);
std::string_view kind_name(OutcomeKind k);
std::string_view direction_name(Direction d);
/// One outcome's metadata as attributes of `obj` (an outcome dataset): unit, description, label, format,
/// kind, direction (strings), adults_only (0/1), reference (string, "" if none), headline (rank, 0 = none).
void set_outcome_attrs(hid_t obj, const OutcomeSpec& spec);
/// The same metadata as string/int64 columns parallel to `names`, in `group`: <prefix>units, <prefix>descriptions,
/// <prefix>labels, <prefix>formats, <prefix>kinds, <prefix>directions, <prefix>adults_only, <prefix>references,
/// <prefix>headlines. Names not in Outcomes.def get "" and 0. Columns already in `group` are left as they are,
/// so a writer that has its own units (compare: prefix "", sweep: prefix "outcome_") can call it afterwards.
void write_outcome_columns(hid_t group, const std::vector<std::string>& names, const std::string& prefix = "");

/// Write /meta (scenario as given and resolved, seed, version, commit, schema) into `group`.
void write_meta(hid_t group, const Scenario& scenario, std::uint32_t run);
/// Write /meta/runtime (wall time, host, threads): kept apart so results compare bit-for-bit.
void write_runtime(hid_t file, double wall_seconds, int threads);

/// Run `sim` for `weeks` weeks, recording each week. Checks `stop` each week (throws Interrupted);
/// calls `progress(week)` after each week if given.
void run_recorded(Simulation& sim, RunRecorder* rec, int weeks, const std::atomic<bool>* stop, const std::function<void(int)>& progress = {});

}  // namespace buurt
