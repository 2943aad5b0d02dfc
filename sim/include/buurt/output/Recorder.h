#pragma once
/// Records runs into HDF5: the temp-then-rename result file and the per-run layout.
#include <array>
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "buurt/core/Accounting.h"
#include "buurt/core/Simulation.h"
#include "buurt/output/Group.h"
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
  /// The file's root group, to write into.
  const ResultGroup& root() const { return file_; }
  const std::filesystem::path& path() const { return final_; }
  const std::filesystem::path& temp_path() const { return temp_; }
  /// Flush, close, fsync and rename to the final name.
  void commit();

 private:
  std::filesystem::path final_, temp_;
  ResultGroup file_;
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
  RunRecorder(const ResultGroup& group, const Scenario& scenario, const Simulation& sim);
  ~RunRecorder();
  RunRecorder(const RunRecorder&) = delete;
  RunRecorder& operator=(const RunRecorder&) = delete;
  /// Call after every step(): keeps the outcome row and writes snapshots every K weeks.
  void record_week(const Simulation& sim);
  /// Write timeseries, the last snapshot and /final.
  void finish(const Simulation& sim);
  const std::vector<WeekOutcomes>& rows() const { return rows_; }

 private:
  void snapshot(const Simulation& sim);
  struct Snapshots;  // the growing /snapshots datasets (Recorder.cpp)
  const ResultGroup& group_;
  int total_weeks_;
  int every_;
  int last_snapshot_ = -1;
  std::vector<WeekOutcomes> rows_;
  std::vector<std::int32_t> snap_weeks_;
  std::unique_ptr<Snapshots> snap_;
  std::vector<std::uint16_t> initial_ties_;
  std::vector<float> initial_self_reliance_;
  std::vector<std::uint16_t> initial_age_;
};

/// Write /timeseries (one dataset per outcome, its metadata as attributes) and /final (last week, by group).
void write_outcomes(const ResultGroup& group, const std::vector<WeekOutcomes>& rows, const GroupTable& groups);

/// Outcomes.def columns as the text written into result files ("pct", "money", "down"...).
std::string_view format_name(OutcomeFormat f);
std::string_view kind_name(OutcomeKind k);
std::string_view direction_name(Direction d);
/// One outcome's metadata as attributes of `obj` (an outcome dataset): unit, description, label, format,
/// kind, direction (strings), adults_only (0/1), reference (string, "" if none), headline (rank, 0 = none).
void set_outcome_attrs(const ResultObject& obj, const OutcomeSpec& spec);
/// The same metadata as string/int64 columns parallel to `names`, in `group`: <prefix>units, <prefix>descriptions,
/// <prefix>labels, <prefix>formats, <prefix>kinds, <prefix>directions, <prefix>adults_only, <prefix>references,
/// <prefix>headlines. Names not in Outcomes.def get "" and 0. Columns already in `group` are left as they are,
/// so a writer that has its own units (compare: prefix "", sweep: prefix "outcome_") can call it afterwards.
void write_outcome_columns(const ResultGroup& group, const std::vector<std::string>& names, const std::string& prefix = "");

/// Write /meta (scenario as given and resolved, seed, version, commit, schema) into `group`.
void write_meta(const ResultGroup& group, const Scenario& scenario, std::uint32_t run);
/// Write /meta/runtime (wall time, host, threads): kept apart so results compare bit-for-bit.
void write_runtime(const ResultGroup& file, double wall_seconds, int threads);

/// Run `sim` for `weeks` weeks, recording each week. Checks `stop` each week (throws Interrupted);
/// calls `progress(week)` after each week if given.
void run_recorded(Simulation& sim, RunRecorder* rec, int weeks, const std::atomic<bool>* stop, const std::function<void(int)>& progress = {});

}  // namespace buurt
