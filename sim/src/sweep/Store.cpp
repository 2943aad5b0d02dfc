#include "buurt/sweep/Store.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>

#include "FileFormat.h"
#include "buurt/output/Recorder.h"

namespace buurt::sweep {
namespace fs = std::filesystem;
using namespace detail;
static_assert(std::endian::native == std::endian::little, "the working file stores rows in little-endian byte order");

namespace {

void pwrite_all(int fd, const void* data, std::size_t n, std::uint64_t offset, const fs::path& path) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(offset));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) throw OutputError(fmt::format("cannot write '{}': {}", path.string(), std::strerror(errno)));
    p += w;
    n -= static_cast<std::size_t>(w);
    offset += static_cast<std::uint64_t>(w);
  }
}

}  // namespace

// ------------------------------------------------------------------------------------------ PartialFile

fs::path PartialFile::path_for(const fs::path& out) {
  fs::path p = out;
  p += ".partial";
  return p;
}

std::uint64_t row_checksum(std::int64_t run_index, const std::vector<double>& final, const std::vector<double>& series) {
  std::uint64_t h = fnv1a(&run_index, sizeof(run_index));
  h = fnv1a(final.data(), final.size() * sizeof(double), h);
  h = fnv1a(series.data(), series.size() * sizeof(double), h);
  return h == 0 ? 1 : h;
}

namespace {
/// Process holding the writer lock of a working file (0 = none).
long writer_of(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return 0;
  struct flock lk {};
  lk.l_type = F_WRLCK;
  lk.l_whence = SEEK_SET;
  lk.l_start = 0;
  lk.l_len = 1;
  const int rc = ::fcntl(fd, F_GETLK, &lk);
  ::close(fd);
  return rc == 0 && lk.l_type != F_UNLCK ? static_cast<long>(lk.l_pid) : 0;
}
}  // namespace

PartialFile PartialFile::create(const fs::path& path, const Plan& plan, bool force) {
  check_output_path(path, force);
  if (const long pid = writer_of(path))
    throw OutputError(fmt::format("'{}' is being written by another buurt sweep (process {}); stop it before starting over", path.string(), pid));
  fs::path tmp = path;
  tmp += fmt::format(".tmp-{}", ::getpid());
  try {
    ResultGroup f = ResultGroup::create_file(tmp);
    f.set_attr("kind", std::string(kKindPartial));
    f.set_attr("note", std::string("Working file of a sweep in progress: rows with /partial/done != 0 are complete. "
                                   "`buurt sweep --resume` continues it; `buurt sweep --status` summarises it."));
    // How to continue it, for `buurt sweep --status` (the working file only: results stay path-independent).
    f.set_attr("sweep_file", plan.spec().path);
    if (plan.shard().count > 1) f.set_attr("shard", fmt::format("{}/{}", plan.shard().index, plan.shard().count));
    Header::from_plan(plan).write(f);
    const auto slots = static_cast<std::uint64_t>(plan.slots());
    const auto k = static_cast<std::uint64_t>(plan.final_names().size()), w1 = static_cast<std::uint64_t>(plan.weeks() + 1);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::uint64_t zero = 0;
    const std::int64_t minus1 = -1;
    ResultGroup g = f.create_group("partial");
    g.write_scalar<std::int64_t>("slots", plan.slots());
    g.create_fixed<std::uint64_t>("done", {slots}, zero);
    g.create_fixed<double>("final", {slots, k}, nan);
    g.create_fixed<double>("seconds", {slots}, nan);
    for (const auto& nm : plan.timeseries_names()) f.create_fixed<double>(series_path(nm), {slots, w1}, nan);
    {
      ResultDataset ri = g.create_fixed<std::int64_t>("run_index", {slots}, minus1);
      std::vector<std::int64_t> runs;
      for (std::int64_t s0 = 0; s0 < plan.slots(); s0 += kBlock) {
        runs.clear();
        for (std::int64_t s = s0; s < std::min(plan.slots(), s0 + kBlock); ++s) runs.push_back(plan.run_index(s));
        ri.write_rows(static_cast<std::uint64_t>(s0), runs.size(), 1, runs.data());
      }
    }
    try {
      f.flush();
    } catch (const FormatError&) {
      throw OutputError(fmt::format("cannot flush '{}' (disk full?)", tmp.string()));
    }
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
  const int fd = ::open(tmp.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw OutputError(fmt::format("cannot rename '{}' to '{}': {}", tmp.string(), path.string(), ec.message()));
  return open(path, plan);
}

PartialFile PartialFile::open(const fs::path& path, const Plan& plan) {
  PartialFile pf;
  pf.path_ = path;
  pf.k_ = static_cast<std::int64_t>(plan.final_names().size());
  pf.t_ = static_cast<std::int64_t>(plan.timeseries_names().size());
  pf.w1_ = plan.weeks() + 1;
  pf.target_col_ = plan.target_column();
  pf.load(plan);
  pf.fd_ = ::open(path.c_str(), O_RDWR);
  if (pf.fd_ < 0) throw OutputError(fmt::format("cannot open '{}' for writing: {}", path.string(), std::strerror(errno)));
  // One writer at a time. A POSIX record lock (not flock, which HDF5 uses for its readers, so h5py,
  // h5dump and --status can still read the file while it grows); the kernel drops it when the process dies.
  struct flock lk {};
  lk.l_type = F_WRLCK;
  lk.l_whence = SEEK_SET;
  lk.l_start = 0;
  lk.l_len = 1;
  if (::fcntl(pf.fd_, F_SETLK, &lk) != 0) {
    struct flock who = lk;
    ::fcntl(pf.fd_, F_GETLK, &who);
    throw OutputError(fmt::format("'{}' is being written by another buurt sweep (process {}); wait for it or stop it first", path.string(), who.l_pid));
  }
  return pf;
}

void PartialFile::load(const Plan& plan) {
  ResultGroup f;
  try {
    f = ResultGroup::open_file(path_, false);
  } catch (const FormatError&) {
    throw OutputError(fmt::format("'{}' cannot be opened as HDF5 (not a sweep working file?)", path_.string()));
  }
  if (read_kind(f) != kKindPartial) throw OutputError(fmt::format("'{}' is not a sweep working file (attribute kind != '{}')", path_.string(), kKindPartial));
  const Header h = Header::read(f);
  if (h.fingerprint != plan.fingerprint())
    throw OutputError(
        fmt::format("'{}' belongs to a different sweep definition (fingerprint {} vs {}): {}. "
                    "Resume it with the sweep file and options it was started with, or pass --force to start over.",
                    path_.string(), h.fingerprint, plan.fingerprint(), first_difference(h.normalised, plan.normalised())));
  if (h.program_version != Provenance::version() || h.git_commit != Provenance::commit())
    throw OutputError(
        fmt::format("'{}' was started by buurt {} ({}), this is buurt {} ({}): a resumed sweep would mix two versions of the "
                    "model. Finish it with the program that started it, or pass --force to start over.",
                    path_.string(), h.program_version, h.git_commit, Provenance::version(), Provenance::commit()));
  if (h.shard_index != plan.shard().index || h.shard_count != plan.shard().count)
    throw OutputError(fmt::format("'{}' holds shard {}/{}, not {}/{}", path_.string(), h.shard_index, h.shard_count, plan.shard().index, plan.shard().count));
  const std::int64_t slots = plan.slots();
  ResultGroup g = f.open_group("partial");
  if (read_i64(g, "slots") != slots) throw OutputError(fmt::format("'{}': slot count differs from the plan", path_.string()));
  off_done_ = f.open_dataset("/partial/done").file_offset();
  off_final_ = f.open_dataset("/partial/final").file_offset();
  off_seconds_ = f.open_dataset("/partial/seconds").file_offset();
  off_series_.clear();
  for (const auto& nm : plan.timeseries_names()) off_series_.push_back(f.open_dataset(series_path(nm)).file_offset());
  if (slots > 0 && (off_done_ == 0 || off_final_ == 0 || off_seconds_ == 0))
    throw OutputError(fmt::format("'{}': datasets are not allocated at fixed offsets (damaged working file?)", path_.string()));
  done_ = g.read<std::uint64_t>("done");
  seconds_ = g.read<double>("seconds");
  target_.assign(static_cast<std::size_t>(slots), std::numeric_limits<double>::quiet_NaN());
  // Verify every done row against its checksum; a mismatch (torn write, power loss) means "run again".
  ResultDataset dfin = f.open_dataset("/partial/final");
  std::vector<ResultDataset> dser;
  for (const auto& nm : plan.timeseries_names()) dser.push_back(f.open_dataset(series_path(nm)));
  std::vector<double> fin, ser, row_f, row_s;
  std::vector<std::vector<double>> ser_blocks(static_cast<std::size_t>(t_));
  for (std::int64_t s0 = 0; s0 < slots; s0 += kBlock) {
    const std::int64_t n = std::min(kBlock, slots - s0);
    bool any = false;
    for (std::int64_t i = 0; i < n; ++i) any = any || done_[static_cast<std::size_t>(s0 + i)] != 0;
    if (!any) continue;
    fin.resize(static_cast<std::size_t>(n * k_));
    dfin.read_rows(static_cast<std::uint64_t>(s0), static_cast<std::uint64_t>(n), static_cast<std::uint64_t>(k_), fin.data());
    for (std::int64_t t = 0; t < t_; ++t) {
      auto& b = ser_blocks[static_cast<std::size_t>(t)];
      b.resize(static_cast<std::size_t>(n * w1_));
      dser[static_cast<std::size_t>(t)].read_rows(static_cast<std::uint64_t>(s0), static_cast<std::uint64_t>(n), static_cast<std::uint64_t>(w1_), b.data());
    }
    for (std::int64_t i = 0; i < n; ++i) {
      auto& d = done_[static_cast<std::size_t>(s0 + i)];
      if (d == 0) continue;
      row_f.assign(fin.begin() + i * k_, fin.begin() + (i + 1) * k_);
      row_s.clear();
      for (std::int64_t t = 0; t < t_; ++t) {
        const auto& b = ser_blocks[static_cast<std::size_t>(t)];
        row_s.insert(row_s.end(), b.begin() + i * w1_, b.begin() + (i + 1) * w1_);
      }
      if (row_checksum(plan.run_index(s0 + i), row_f, row_s) != d) {
        d = 0;
        continue;
      }
      if (target_col_ >= 0) target_[static_cast<std::size_t>(s0 + i)] = row_f[static_cast<std::size_t>(target_col_)];
    }
  }
}

PartialFile::PartialFile(PartialFile&& o) noexcept
    : path_(std::move(o.path_)),
      fd_(o.fd_),
      k_(o.k_),
      t_(o.t_),
      w1_(o.w1_),
      target_col_(o.target_col_),
      off_final_(o.off_final_),
      off_done_(o.off_done_),
      off_seconds_(o.off_seconds_),
      off_series_(std::move(o.off_series_)),
      done_(std::move(o.done_)),
      target_(std::move(o.target_)),
      seconds_(std::move(o.seconds_)) {
  o.fd_ = -1;
}

PartialFile::~PartialFile() { close(); }

void PartialFile::close() {
  if (fd_ >= 0) {
    ::fdatasync(fd_);
    ::close(fd_);
    fd_ = -1;
  }
}

std::int64_t PartialFile::done_count() const {
  return static_cast<std::int64_t>(std::count_if(done_.begin(), done_.end(), [](std::uint64_t d) { return d != 0; }));
}

double PartialFile::seconds_done() const {
  double s = 0;
  for (std::size_t i = 0; i < done_.size(); ++i)
    if (done_[i] != 0 && std::isfinite(seconds_[i])) s += seconds_[i];
  return s;
}

void PartialFile::write(const RunResult& r) {
  if (r.slot < 0 || r.slot >= slots()) throw OutputError(fmt::format("slot {} outside the working file", r.slot));
  if (static_cast<std::int64_t>(r.final.size()) != k_ || static_cast<std::int64_t>(r.series.size()) != t_ * w1_)
    throw OutputError("run result does not match the working file's shape");
  const auto slot = static_cast<std::uint64_t>(r.slot);
  const std::uint64_t sum = row_checksum(r.run_index, r.final, r.series);
  pwrite_all(fd_, r.final.data(), r.final.size() * sizeof(double), off_final_ + slot * static_cast<std::uint64_t>(k_) * sizeof(double), path_);
  for (std::int64_t t = 0; t < t_; ++t)
    pwrite_all(fd_, r.series.data() + t * w1_, static_cast<std::size_t>(w1_) * sizeof(double),
               off_series_[static_cast<std::size_t>(t)] + slot * static_cast<std::uint64_t>(w1_) * sizeof(double), path_);
  pwrite_all(fd_, &r.seconds, sizeof(double), off_seconds_ + slot * sizeof(double), path_);
  // The checksum goes last: a row counts as done only once all of its data is in the file.
  pwrite_all(fd_, &sum, sizeof(sum), off_done_ + slot * sizeof(std::uint64_t), path_);
  std::lock_guard lock(mu_);
  done_[slot] = sum;
  seconds_[slot] = r.seconds;
  if (target_col_ >= 0) target_[slot] = r.final[static_cast<std::size_t>(target_col_)];
}

void PartialFile::sync() {
  if (fd_ >= 0 && ::fdatasync(fd_) != 0) throw OutputError(fmt::format("cannot sync '{}': {}", path_.string(), std::strerror(errno)));
}

}  // namespace buurt::sweep
