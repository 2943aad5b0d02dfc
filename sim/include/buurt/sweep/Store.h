#pragma once
/// Sweep results on disk: the crash-safe working file (<out>.partial) that runs are stored into.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "buurt/sweep/Header.h"
#include "buurt/sweep/Plan.h"
// Finalize, merge and status live in their own files; included here so that code which reads sweep
// files through this header (the fuzz harness tests/fuzz/fuzz_results.cpp) keeps compiling.
#include "buurt/sweep/Merge.h"
#include "buurt/sweep/Status.h"

namespace buurt::sweep {

/// One finished run.
struct RunResult {
  std::int64_t slot = -1, run_index = -1;
  double seconds = 0;          ///< wall time of the run (for ETA; not part of the results)
  std::vector<double> final;   ///< kept final outcomes
  std::vector<double> series;  ///< kept time series, outcome-major: [T][weeks + 1]
};

/// The working file of a sweep in progress (HDF5, `<out>.partial`).
///
/// Crash safety: the file is created complete (all metadata, every dataset contiguous and allocated
/// for every slot of the shard), closed, fsynced and renamed into place before any run starts. From
/// then on its HDF5 metadata never changes: runs are written with pwrite() at the fixed file offsets
/// of their rows (ResultDataset::file_offset), and last of all the row's checksum into /partial/done. A kill -9 at
/// any moment leaves a valid HDF5 file; a row whose checksum is missing or does not match its data
/// (torn write, power loss) counts as not done and is run again on --resume.
class PartialFile {
 public:
  static std::filesystem::path path_for(const std::filesystem::path& out);

  /// Create a fresh working file at `path` (refuses an existing file unless `force`).
  static PartialFile create(const std::filesystem::path& path, const Plan& plan, bool force);
  /// Open an existing working file for `plan`; refuses one of another sweep or shard.
  static PartialFile open(const std::filesystem::path& path, const Plan& plan);

  PartialFile(PartialFile&&) noexcept;
  PartialFile& operator=(PartialFile&&) = delete;
  ~PartialFile();

  const std::filesystem::path& path() const { return path_; }
  std::int64_t slots() const { return static_cast<std::int64_t>(done_.size()); }
  bool done(std::int64_t slot) const { return done_[static_cast<std::size_t>(slot)] != 0; }
  std::int64_t done_count() const;
  /// Value of the adaptive target outcome of a done slot.
  double target_value(std::int64_t slot) const { return target_[static_cast<std::size_t>(slot)]; }
  double seconds_done() const;

  /// Store one run (thread-safe). Data first, then its checksum.
  void write(const RunResult& r);
  /// fdatasync (called every few seconds and at the end).
  void sync();
  void close();

 private:
  PartialFile() = default;
  void map(const Plan& plan);
  void load(const Plan& plan);
  std::filesystem::path path_;
  int fd_ = -1;
  std::int64_t k_ = 0, t_ = 0, w1_ = 0;  // final columns, time series, weeks + 1
  int target_col_ = -1;
  std::uint64_t off_final_ = 0, off_done_ = 0, off_seconds_ = 0;
  std::vector<std::uint64_t> off_series_;
  std::vector<std::uint64_t> done_;
  std::vector<double> target_, seconds_;
  std::mutex mu_;
};

/// Checksum of one run's row as stored in /partial/done (never 0).
std::uint64_t row_checksum(std::int64_t run_index, const std::vector<double>& final, const std::vector<double>& series);

}  // namespace buurt::sweep
