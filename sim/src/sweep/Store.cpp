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

/// A contiguous dataset allocated (and filled) at creation, so its rows have fixed file offsets.
h5::Handle fixed_dataset(hid_t parent, const std::string& name, hid_t type, std::vector<hsize_t> dims, const void* fill) {
  h5::Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
  h5::Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_layout(dcpl.id(), H5D_CONTIGUOUS);
  H5Pset_alloc_time(dcpl.id(), H5D_ALLOC_TIME_EARLY);
  H5Pset_fill_time(dcpl.id(), H5D_FILL_TIME_ALLOC);
  H5Pset_fill_value(dcpl.id(), type, fill);
  h5::Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  const hid_t id = H5Dcreate2(parent, name.c_str(), type, space.id(), lcpl.id(), dcpl.id(), H5P_DEFAULT);
  if (id < 0) throw h5::Error(fmt::format("HDF5: cannot create dataset '{}'", name));
  return h5::Handle(id);
}

std::uint64_t offset_of(hid_t file, const std::string& name) {
  h5::Handle d = h5::open_dataset(file, name);
  const haddr_t a = H5Dget_offset(d.id());
  return a == HADDR_UNDEF ? 0 : static_cast<std::uint64_t>(a);
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
    h5::Handle f = h5::create_file(tmp);
    h5::set_attr(f.id(), "kind", std::string(kKindPartial));
    h5::set_attr(f.id(), "note",
                 std::string("Working file of a sweep in progress: rows with /partial/done != 0 are complete. "
                             "`buurt sweep --resume` continues it; `buurt sweep --status` summarises it."));
    // How to continue it, for `buurt sweep --status` (the working file only: results stay path-independent).
    h5::set_attr(f.id(), "sweep_file", plan.spec().path);
    if (plan.shard().count > 1) h5::set_attr(f.id(), "shard", fmt::format("{}/{}", plan.shard().index, plan.shard().count));
    Header::from_plan(plan).write(f.id());
    const auto slots = static_cast<hsize_t>(plan.slots());
    const auto k = static_cast<hsize_t>(plan.final_names().size()), w1 = static_cast<hsize_t>(plan.weeks() + 1);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::uint64_t zero = 0;
    const std::int64_t minus1 = -1;
    h5::Handle g = h5::create_group(f.id(), "partial");
    h5::write_scalar<std::int64_t>(g.id(), "slots", plan.slots());
    fixed_dataset(g.id(), "done", H5T_STD_U64LE, {slots}, &zero);
    fixed_dataset(g.id(), "final", H5T_IEEE_F64LE, {slots, k}, &nan);
    fixed_dataset(g.id(), "seconds", H5T_IEEE_F64LE, {slots}, &nan);
    for (const auto& nm : plan.timeseries_names()) fixed_dataset(f.id(), series_path(nm), H5T_IEEE_F64LE, {slots, w1}, &nan);
    {
      h5::Handle ri = fixed_dataset(g.id(), "run_index", H5T_STD_I64LE, {slots}, &minus1);
      std::vector<std::int64_t> runs;
      for (std::int64_t s0 = 0; s0 < plan.slots(); s0 += kBlock) {
        runs.clear();
        for (std::int64_t s = s0; s < std::min(plan.slots(), s0 + kBlock); ++s) runs.push_back(plan.run_index(s));
        h5::write_rows(ri.id(), static_cast<hsize_t>(s0), runs.size(), 1, runs.data());
      }
    }
    if (H5Fflush(f.id(), H5F_SCOPE_GLOBAL) < 0) throw OutputError(fmt::format("cannot flush '{}' (disk full?)", tmp.string()));
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
  h5::Handle f;
  try {
    f = h5::open_file(path_, false);
  } catch (const h5::Error&) {
    throw OutputError(fmt::format("'{}' cannot be opened as HDF5 (not a sweep working file?)", path_.string()));
  }
  if (read_kind(f.id()) != kKindPartial)
    throw OutputError(fmt::format("'{}' is not a sweep working file (attribute kind != '{}')", path_.string(), kKindPartial));
  const Header h = Header::read(f.id());
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
  h5::Handle g = h5::open_group(f.id(), "partial");
  if (read_i64(g.id(), "slots") != slots) throw OutputError(fmt::format("'{}': slot count differs from the plan", path_.string()));
  off_done_ = offset_of(f.id(), "/partial/done");
  off_final_ = offset_of(f.id(), "/partial/final");
  off_seconds_ = offset_of(f.id(), "/partial/seconds");
  off_series_.clear();
  for (const auto& nm : plan.timeseries_names()) off_series_.push_back(offset_of(f.id(), series_path(nm)));
  if (slots > 0 && (off_done_ == 0 || off_final_ == 0 || off_seconds_ == 0))
    throw OutputError(fmt::format("'{}': datasets are not allocated at fixed offsets (damaged working file?)", path_.string()));
  done_ = h5::read<std::uint64_t>(g.id(), "done");
  seconds_ = h5::read<double>(g.id(), "seconds");
  target_.assign(static_cast<std::size_t>(slots), std::numeric_limits<double>::quiet_NaN());
  // Verify every done row against its checksum; a mismatch (torn write, power loss) means "run again".
  h5::Handle dfin = h5::open_dataset(f.id(), "/partial/final");
  std::vector<h5::Handle> dser;
  for (const auto& nm : plan.timeseries_names()) dser.push_back(h5::open_dataset(f.id(), series_path(nm)));
  std::vector<double> fin, ser, row_f, row_s;
  std::vector<std::vector<double>> ser_blocks(static_cast<std::size_t>(t_));
  for (std::int64_t s0 = 0; s0 < slots; s0 += kBlock) {
    const std::int64_t n = std::min(kBlock, slots - s0);
    bool any = false;
    for (std::int64_t i = 0; i < n; ++i) any = any || done_[static_cast<std::size_t>(s0 + i)] != 0;
    if (!any) continue;
    fin.resize(static_cast<std::size_t>(n * k_));
    h5::read_rows(dfin.id(), static_cast<hsize_t>(s0), static_cast<hsize_t>(n), static_cast<hsize_t>(k_), fin.data());
    for (std::int64_t t = 0; t < t_; ++t) {
      auto& b = ser_blocks[static_cast<std::size_t>(t)];
      b.resize(static_cast<std::size_t>(n * w1_));
      h5::read_rows(dser[static_cast<std::size_t>(t)].id(), static_cast<hsize_t>(s0), static_cast<hsize_t>(n), static_cast<hsize_t>(w1_), b.data());
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
