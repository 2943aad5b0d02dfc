#pragma once
/// Reading result files back (docs/output.md): a run's time series, snapshots, population and network, a viewer
/// session's steering log, a comparison's tables. The writers are Recorder.h and the experiment's write_*.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "buurt/output/Group.h"
#include "buurt/schema/Outcomes.h"
#include "buurt/schema/SnapshotVars.h"

namespace buurt {

/// One change of the viewer's policy sliders: at `week` (weeks completed) `key` was set to `value` (a TOML literal).
struct SteerEntry {
  int week;
  std::string key, value;
};
/// Write /steering (datasets week int32, key and value strings) into a result file.
void write_steering(const ResultGroup& root, const std::vector<SteerEntry>& log);

/// One outcome's weekly values with the metadata stored beside them ("" where the file has none).
struct Series {
  std::vector<double> values;
  std::string unit, label;
};

/// Where the places of a run are (/population): one entry per place; `block` is empty in files without it.
struct PopulationLayout {
  std::vector<float> x, y;
  std::vector<std::uint32_t> street, household, block;
};

/// The active ties of one network snapshot (/network/week_NNNNN); kind and strength may be empty in old files.
struct NetworkSnapshot {
  std::vector<std::uint32_t> a, b;
  std::vector<std::uint8_t> kind;
  std::vector<float> strength;
};

/// The tables of a comparison file (/compare): outcome names and units, per-run values [S, R, K] and the
/// summary [S, K] against scenario 0.
struct CompareTables {
  std::vector<std::string> scenario_names, outcomes, units;
  std::size_t scenarios = 0, replicates = 0;
  std::vector<double> final_values, last_year, mean, diff_mean, diff_lo, diff_hi;
};

/// An opened result file (run, viewer session or comparison), read-only. Throws FormatError when the file
/// cannot be opened or a part asked for is damaged.
class Results {
 public:
  explicit Results(const std::filesystem::path& path);
  ~Results();
  Results(Results&&) noexcept;
  Results& operator=(Results&&) noexcept;

  const std::filesystem::path& path() const { return path_; }
  /// The root attribute `kind` ("run", "compare", "sweep", ...), "" when absent.
  std::string kind() const;
  /// /meta/scenario_name and /meta/scenario_resolved, when the file has them.
  std::optional<std::string> scenario_name() const;
  std::optional<std::string> scenario_resolved() const;

  /// Rows of /timeseries (weeks 0..last), 0 when the file has none.
  std::size_t timeseries_rows() const;
  /// One outcome's /timeseries column with its unit and label; nullopt when absent.
  std::optional<Series> timeseries(std::string_view outcome) const;
  /// The file's time series as weekly outcome rows: `rows` rows (weeks 0..rows-1); outcomes the file lacks,
  /// and weeks past its end, stay 0.
  std::vector<WeekOutcomes> outcome_rows(std::size_t rows) const;

  /// The first of the datasets a replay of snapshots needs (/population/{x,y,street,household}, /snapshots/week)
  /// that the file lacks; nullopt when it has them all.
  std::optional<std::string> missing_for_replay() const;
  PopulationLayout population() const;
  /// The weeks of /snapshots, one per snapshot row.
  std::vector<std::int32_t> snapshot_weeks() const;
  /// Snapshot variable v, all rows one after another ([snapshots][places]), of the type SnapshotVars.def
  /// declares for it; empty when the file lacks it.
  template <SnapshotVar v>
  std::vector<SnapshotType<v>> snapshot() const {
    return read_or_empty<SnapshotType<v>>("snapshots/" + std::string(snapshot_name(v)));
  }
  /// The need of domain d (Needs.h), as snapshot<need_snapshot(d)>() but with d known at run time.
  std::vector<float> need_snapshot(int domain) const;
  /// Ties at snapshot week `week` (empty when the file has no network there).
  NetworkSnapshot network(int week) const;

  /// /steering of a viewer session, nullopt when the file has none.
  std::optional<std::vector<SteerEntry>> steering() const;
  /// /compare and /meta/scenario_names of a comparison file.
  CompareTables compare() const;

 private:
  template <class T>
  std::vector<T> read_or_empty(const std::string& name) const;
  std::filesystem::path path_;
  ResultGroup file_;
};

}  // namespace buurt
