#include "buurt/sweep/Store.h"
#include "buurt/scenario/Schema.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <limits>
#include <map>
#include <thread>

#include "buurt/output/Recorder.h"

namespace buurt::sweep {
namespace fs = std::filesystem;
static_assert(std::endian::native == std::endian::little, "the working file stores rows in little-endian byte order");

namespace {

constexpr const char* kKindFinal = "sweep";
constexpr const char* kKindPartial = "sweep-partial";
constexpr std::int64_t kBlock = 1024;  // rows per block when streaming

std::string read_kind(hid_t file) {
  if (H5Aexists(file, "kind") <= 0) return "";
  return h5::get_attr_string(file, "kind");
}

std::int64_t read_i64(hid_t g, const std::string& name) { return h5::read<std::int64_t>(g, name).at(0); }

std::vector<std::string> read_strings(hid_t parent, const std::string& name) {
  h5::Handle d = h5::open_dataset(parent, name);
  h5::Handle space(H5Dget_space(d.id()));
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.id(), &n, nullptr);
  h5::Handle t(H5Tcopy(H5T_C_S1));
  H5Tset_size(t.id(), H5T_VARIABLE);
  H5Tset_cset(t.id(), H5T_CSET_UTF8);
  std::vector<char*> p(n, nullptr);
  std::vector<std::string> out;
  if (n && H5Dread(d.id(), t.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()) < 0) throw h5::Error(fmt::format("HDF5: cannot read '{}'", name));
  for (auto* s : p) out.emplace_back(s ? s : "");
  if (n) H5Dvlen_reclaim(t.id(), space.id(), H5P_DEFAULT, p.data());
  return out;
}

/// First line where two texts differ (for "different sweep" messages).
std::string first_difference(const std::string& a, const std::string& b) {
  std::size_t ia = 0, ib = 0;
  while (ia < a.size() || ib < b.size()) {
    const auto ea = a.find('\n', ia), eb = b.find('\n', ib);
    const std::string la = ia < a.size() ? a.substr(ia, ea == std::string::npos ? std::string::npos : ea - ia) : "<end>";
    const std::string lb = ib < b.size() ? b.substr(ib, eb == std::string::npos ? std::string::npos : eb - ib) : "<end>";
    if (la != lb) return fmt::format("file has '{}', this sweep has '{}'", la, lb);
    ia = ea == std::string::npos ? a.size() : ea + 1;
    ib = eb == std::string::npos ? b.size() : eb + 1;
  }
  return "the design tables differ";
}

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

std::string series_path(const std::string& name) { return "/partial/timeseries/" + name; }

/// Writes /runs of a final file block by block, rows in run-index order.
class FinalWriter {
 public:
  FinalWriter(hid_t file, const Header& h, std::int64_t n) : k_(static_cast<hsize_t>(h.final_names.size())), w1_(static_cast<hsize_t>(h.weeks + 1)) {
    const auto rows = static_cast<hsize_t>(n);
    auto chunk = [&](hsize_t cols) -> std::vector<hsize_t> {
      if (rows == 0) return {};
      const hsize_t r = std::clamp<hsize_t>(65536 / std::max<hsize_t>(cols, 1), 1, rows);
      return cols == 0 ? std::vector<hsize_t>{r} : std::vector<hsize_t>{r, cols};
    };
    h5::Handle runs = h5::create_group(file, "runs");
    for (const char* nm : {"run_index", "point", "replicate", "seed"})
      cols_.push_back(h5::create_dataset(runs.id(), nm, H5T_STD_I64LE, {rows}, chunk(0), rows ? 4 : 0));
    final_ = h5::create_dataset(runs.id(), "final", H5T_IEEE_F64LE, {rows, k_}, chunk(k_), rows ? 4 : 0);
    h5::set_attr(final_.id(), "columns", std::string("/runs/outcome_names"));
    for (const auto& nm : h.timeseries_names) {
      series_.push_back(h5::create_dataset(runs.id(), "timeseries/" + nm, H5T_IEEE_F64LE, {rows, w1_}, chunk(w1_), rows ? 4 : 0));
      const int o = find_outcome(nm);
      if (o >= 0) h5::set_attr(series_.back().id(), "unit", std::string(kOutcomeSpecs[static_cast<std::size_t>(o)].unit));
    }
    h5::write_strings(runs.id(), "outcome_names", h.final_names);
    std::vector<std::string> units, descs;
    for (const auto& nm : h.final_names) {
      const int o = find_outcome(nm);
      units.emplace_back(o >= 0 ? kOutcomeSpecs[static_cast<std::size_t>(o)].unit : "");
      descs.emplace_back(o >= 0 ? kOutcomeSpecs[static_cast<std::size_t>(o)].description : "");
    }
    h5::write_strings(runs.id(), "outcome_units", units);
    h5::write_strings(runs.id(), "outcome_descriptions", descs);
  }
  void write(std::int64_t row0, std::int64_t count, const std::vector<std::int64_t>& run, const Header& h, const std::vector<double>& fin,
             const std::vector<std::vector<double>>& series) {
    std::vector<std::int64_t> point(run.size()), rep(run.size()), seed(run.size(), h.seed);
    for (std::size_t i = 0; i < run.size(); ++i) {
      point[i] = run[i] / h.stride;
      rep[i] = run[i] % h.stride;
    }
    const auto r0 = static_cast<hsize_t>(row0), c = static_cast<hsize_t>(count);
    h5::write_rows(cols_[0].id(), r0, c, 1, run.data());
    h5::write_rows(cols_[1].id(), r0, c, 1, point.data());
    h5::write_rows(cols_[2].id(), r0, c, 1, rep.data());
    h5::write_rows(cols_[3].id(), r0, c, 1, seed.data());
    h5::write_rows(final_.id(), r0, c, k_, fin.data());
    for (std::size_t t = 0; t < series_.size(); ++t) h5::write_rows(series_[t].id(), r0, c, w1_, series[t].data());
  }

 private:
  hsize_t k_, w1_;
  std::vector<h5::Handle> cols_;
  h5::Handle final_;
  std::vector<h5::Handle> series_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------- Header

Header Header::from_plan(const Plan& plan) {
  Header h;
  h.definition = plan.spec().text;
  h.base_resolved = plan.base().resolved_toml();
  h.design_kind = design_kind_name(plan.spec().kind);
  h.name = plan.spec().name;
  h.description = plan.spec().description;
  h.fingerprint = plan.fingerprint();
  h.normalised = plan.normalised();
  if (plan.adaptive())
    h.target_ci = fmt::format("{}={}", kOutcomeSpecs[static_cast<std::size_t>(plan.target().outcome)].name, plan.target().width);
  h.program_version = Provenance::version();
  h.git_commit = Provenance::commit();
  h.parameter_names = plan.parameter_names();
  h.final_names = plan.final_names();
  h.timeseries_names = plan.timeseries_names();
  h.design = plan.design();
  h.replicates = plan.replicates();
  h.stride = plan.stride();
  h.seed = plan.seed();
  h.weeks = plan.weeks();
  h.schema_version = kSchemaVersion;
  h.shard_index = plan.shard().index;
  h.shard_count = plan.shard().count;
  return h;
}

void Header::write(hid_t file) const {
  h5::Handle g = h5::create_group(file, "sweep");
  const hid_t s = g.id();
  h5::write_string(s, "definition", definition);
  h5::write_string(s, "base_resolved", base_resolved);
  h5::write_string(s, "design_kind", design_kind);
  h5::write_string(s, "name", name);
  h5::write_string(s, "description", description);
  h5::write_string(s, "fingerprint", fingerprint);
  h5::write_string(s, "normalised", normalised);
  if (!target_ci.empty()) h5::write_string(s, "target_ci", target_ci);
  h5::write_string(s, "program_version", program_version);
  h5::write_string(s, "git_commit", git_commit);
  h5::write_strings(s, "parameter_names", parameter_names);
  h5::write<double>(s, "design", design.v, {static_cast<hsize_t>(design.rows), static_cast<hsize_t>(design.cols)});
  h5::write_scalar<std::int64_t>(s, "points", design.rows);
  h5::write_scalar<std::int64_t>(s, "replicates", replicates);
  h5::write_scalar<std::int64_t>(s, "max_replicates", stride);
  h5::write_scalar<std::int64_t>(s, "seed", seed);
  h5::write_scalar<std::int64_t>(s, "weeks", weeks);
  h5::write_scalar<std::int64_t>(s, "schema_version", schema_version);
  if (shard_count > 0) {
    h5::write_scalar<std::int64_t>(s, "shard_index", shard_index);
    h5::write_scalar<std::int64_t>(s, "shard_count", shard_count);
  }
  // Empty datasets are left out: h5diff reports them as "not comparable".
  if (!timeseries_names.empty()) h5::write_strings(s, "timeseries_names", timeseries_names);
  h5::write_strings(s, "final_names", final_names);
}

Header Header::read(hid_t file) {
  Header h;
  h5::Handle g = h5::open_group(file, "sweep");
  const hid_t s = g.id();
  h.definition = h5::read_string(s, "definition");
  h.base_resolved = h5::read_string(s, "base_resolved");
  h.design_kind = h5::read_string(s, "design_kind");
  h.name = h5::read_string(s, "name");
  h.description = h5::read_string(s, "description");
  h.fingerprint = h5::read_string(s, "fingerprint");
  h.normalised = h5::read_string(s, "normalised");
  if (h5::exists(s, "target_ci")) h.target_ci = h5::read_string(s, "target_ci");
  h.program_version = h5::read_string(s, "program_version");
  h.git_commit = h5::read_string(s, "git_commit");
  h.parameter_names = read_strings(s, "parameter_names");
  h.final_names = read_strings(s, "final_names");
  if (h5::exists(s, "timeseries_names")) h.timeseries_names = read_strings(s, "timeseries_names");
  std::vector<hsize_t> dims;
  h.design.v = h5::read<double>(s, "design", &dims);
  h.design.rows = dims.size() > 0 ? static_cast<std::int64_t>(dims[0]) : 0;
  h.design.cols = dims.size() > 1 ? static_cast<std::int64_t>(dims[1]) : 0;
  h.replicates = read_i64(s, "replicates");
  h.stride = read_i64(s, "max_replicates");
  h.seed = read_i64(s, "seed");
  h.weeks = read_i64(s, "weeks");
  h.schema_version = read_i64(s, "schema_version");
  // Values from a file are checked against the schema's bounds before they size anything.
  const auto* weeks_spec = find_param("run.weeks");
  if (h.weeks < 1 || static_cast<double>(h.weeks) > weeks_spec->max || h.replicates < 1 || h.stride < 1)
    throw h5::Error(fmt::format("sweep header is damaged: weeks {}, replicates {}, max_replicates {}", h.weeks, h.replicates, h.stride));
  if (h5::exists(s, "shard_count")) {
    h.shard_index = read_i64(s, "shard_index");
    h.shard_count = read_i64(s, "shard_count");
  }
  return h;
}

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
    h5::set_attr(f.id(), "note", std::string("Working file of a sweep in progress: rows with /partial/done != 0 are complete. "
                                             "`buurt sweep --resume` continues it; `buurt sweep --status` summarises it."));
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
  if (read_kind(f.id()) != kKindPartial) throw OutputError(fmt::format("'{}' is not a sweep working file (attribute kind != '{}')", path_.string(), kKindPartial));
  const Header h = Header::read(f.id());
  if (h.fingerprint != plan.fingerprint())
    throw OutputError(fmt::format("'{}' belongs to a different sweep definition (fingerprint {} vs {}): {}. "
                                  "Resume it with the sweep file and options it was started with, or pass --force to start over.",
                                  path_.string(), h.fingerprint, plan.fingerprint(), first_difference(h.normalised, plan.normalised())));
  if (h.program_version != Provenance::version() || h.git_commit != Provenance::commit())
    throw OutputError(fmt::format("'{}' was started by buurt {} ({}), this is buurt {} ({}): a resumed sweep would mix two versions of the "
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
    : path_(std::move(o.path_)), fd_(o.fd_), k_(o.k_), t_(o.t_), w1_(o.w1_), target_col_(o.target_col_), off_final_(o.off_final_),
      off_done_(o.off_done_), off_seconds_(o.off_seconds_), off_series_(std::move(o.off_series_)), done_(std::move(o.done_)),
      target_(std::move(o.target_)), seconds_(std::move(o.seconds_)) {
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

// ---------------------------------------------------------------------------------------- final / merge

namespace {

/// Rows of one source (a working file or a shard file) read in order, block by block.
struct RowReader {
  h5::Handle file, fin;
  std::vector<h5::Handle> series;
  hsize_t k = 0, w1 = 0;
  void read(std::int64_t row0, std::int64_t n, std::vector<double>& f, std::vector<std::vector<double>>& s) const {
    f.resize(static_cast<std::size_t>(n) * k);
    h5::read_rows(fin.id(), static_cast<hsize_t>(row0), static_cast<hsize_t>(n), k, f.data());
    s.resize(series.size());
    for (std::size_t t = 0; t < series.size(); ++t) {
      s[t].resize(static_cast<std::size_t>(n) * w1);
      h5::read_rows(series[t].id(), static_cast<hsize_t>(row0), static_cast<hsize_t>(n), w1, s[t].data());
    }
  }
};

RowReader open_rows(const fs::path& path, const Header& h, bool partial) {
  RowReader r;
  r.file = h5::open_file(path, false);
  r.fin = h5::open_dataset(r.file.id(), partial ? "/partial/final" : "/runs/final");
  for (const auto& nm : h.timeseries_names) r.series.push_back(h5::open_dataset(r.file.id(), partial ? series_path(nm) : "/runs/timeseries/" + nm));
  r.k = h.final_names.size();
  r.w1 = static_cast<hsize_t>(h.weeks + 1);
  return r;
}

void append_rows(std::vector<double>& dst, const std::vector<double>& src, std::size_t row, std::size_t width) {
  dst.insert(dst.end(), src.begin() + static_cast<std::ptrdiff_t>(row * width), src.begin() + static_cast<std::ptrdiff_t>((row + 1) * width));
}

void write_final_root(hid_t file, const Header& h) {
  h5::set_attr(file, "kind", std::string(kKindFinal));
  h.write(file);
}

}  // namespace

void finalize(const Plan& plan, const fs::path& partial, const fs::path& out, bool force, bool shard_file) {
  Header h = Header::from_plan(plan);
  if (!shard_file) h.shard_index = -1, h.shard_count = 0;
  std::vector<std::uint64_t> done;
  {
    h5::Handle f = h5::open_file(partial, false);
    done = h5::read<std::uint64_t>(f.id(), "/partial/done");
  }
  const auto n = static_cast<std::int64_t>(std::count_if(done.begin(), done.end(), [](std::uint64_t d) { return d != 0; }));
  RowReader src = open_rows(partial, h, true);
  ResultFile file(out, force);
  write_final_root(file.root(), h);
  FinalWriter w(file.root(), h, n);
  std::vector<double> fin, bf;
  std::vector<std::vector<double>> ser, bs(h.timeseries_names.size());
  std::vector<std::int64_t> runs;
  std::int64_t row = 0;
  for (std::int64_t s0 = 0; s0 < plan.slots(); s0 += kBlock) {
    const std::int64_t m = std::min(kBlock, plan.slots() - s0);
    src.read(s0, m, fin, ser);
    runs.clear();
    bf.clear();
    for (auto& b : bs) b.clear();
    for (std::int64_t i = 0; i < m; ++i) {
      if (done[static_cast<std::size_t>(s0 + i)] == 0) continue;
      runs.push_back(plan.run_index(s0 + i));
      append_rows(bf, fin, static_cast<std::size_t>(i), src.k);
      for (std::size_t t = 0; t < bs.size(); ++t) append_rows(bs[t], ser[t], static_cast<std::size_t>(i), src.w1);
    }
    w.write(row, static_cast<std::int64_t>(runs.size()), runs, h, bf, bs);
    row += static_cast<std::int64_t>(runs.size());
  }
  src = RowReader{};
  file.commit();
  std::error_code ec;
  fs::remove(partial, ec);
}

std::int64_t merge(const std::vector<fs::path>& shards, const fs::path& out, bool force) {
  if (shards.empty()) throw OutputError("merge: no shard files given");
  check_output_path(out, force);
  std::vector<Header> hs;
  std::vector<std::vector<std::int64_t>> runs;
  std::map<std::int64_t, fs::path> by_index;
  for (const auto& p : shards) {
    h5::Handle f;
    try {
      f = h5::open_file(p, false);
    } catch (const h5::Error&) {
      throw OutputError(fmt::format("merge: cannot open '{}' as HDF5", p.string()));
    }
    const std::string kind = read_kind(f.id());
    if (kind == kKindPartial) throw OutputError(fmt::format("merge: '{}' is an unfinished working file; finish that shard with `buurt sweep --resume` first", p.string()));
    if (kind != kKindFinal) throw OutputError(fmt::format("merge: '{}' is not a sweep result file", p.string()));
    Header h = Header::read(f.id());
    if (h.shard_count <= 0) throw OutputError(fmt::format("merge: '{}' is not a shard (made without --shard I/N)", p.string()));
    if (!hs.empty()) {
      if (h.fingerprint != hs[0].fingerprint)
        throw OutputError(fmt::format("merge: '{}' belongs to a different sweep than '{}' ({})", p.string(), shards[0].string(), first_difference(hs[0].normalised, h.normalised)));
      if (h.git_commit != hs[0].git_commit || h.program_version != hs[0].program_version)
        throw OutputError(fmt::format("merge: '{}' was written by buurt {} ({}), '{}' by buurt {} ({}): shards of two program versions", p.string(),
                                      h.program_version, h.git_commit, shards[0].string(), hs[0].program_version, hs[0].git_commit));
      if (h.shard_count != hs[0].shard_count)
        throw OutputError(fmt::format("merge: '{}' is shard {}/{} but '{}' is one of {}", p.string(), h.shard_index, h.shard_count, shards[0].string(), hs[0].shard_count));
    }
    if (by_index.count(h.shard_index))
      throw OutputError(fmt::format("merge: shard {}/{} given twice ('{}' and '{}')", h.shard_index, h.shard_count, by_index[h.shard_index].string(), p.string()));
    by_index[h.shard_index] = p;
    runs.push_back(h5::read<std::int64_t>(f.id(), "/runs/run_index"));
    hs.push_back(std::move(h));
  }
  const std::int64_t n_shards = hs[0].shard_count;
  std::string missing;
  for (std::int64_t i = 0; i < n_shards; ++i)
    if (!by_index.count(i)) missing += fmt::format("{}{}/{}", missing.empty() ? "" : ", ", i, n_shards);
  if (!missing.empty()) throw OutputError(fmt::format("merge: shard(s) {} missing", missing));

  const Header& h0 = hs[0];
  const bool adaptive = !h0.target_ci.empty();
  const std::int64_t points = h0.design.rows, stride = h0.stride;
  // Each shard's runs: increasing, its own, and (without adaptive replicates) all of them.
  std::int64_t total = 0;
  for (std::size_t s = 0; s < hs.size(); ++s) {
    const auto& r = runs[s];
    const std::int64_t I = hs[s].shard_index;
    for (std::size_t i = 0; i < r.size(); ++i) {
      const std::int64_t key = adaptive ? r[i] / stride : r[i];
      if (r[i] < 0 || r[i] >= points * stride || key % n_shards != I)
        throw OutputError(fmt::format("merge: '{}' holds run {} which is not part of shard {}/{}", shards[s].string(), r[i], I, n_shards));
      if (i > 0 && r[i] <= r[i - 1]) throw OutputError(fmt::format("merge: '{}' has run {} twice or out of order", shards[s].string(), r[i]));
    }
    if (!adaptive) {
      const std::int64_t expect = (points * stride - I + n_shards - 1) / n_shards;
      if (static_cast<std::int64_t>(r.size()) != expect)
        throw OutputError(fmt::format("merge: '{}' (shard {}/{}) holds {} of its {} runs", shards[s].string(), I, n_shards, r.size(), expect));
    } else {
      // Per point: replicates 0..n-1 with n >= replicates.
      std::size_t i = 0;
      for (std::int64_t p = I; p < points; p += n_shards) {
        std::int64_t rep = 0;
        while (i < r.size() && r[i] / stride == p) {
          if (r[i] % stride != rep) throw OutputError(fmt::format("merge: '{}' lacks replicate {} of point {}", shards[s].string(), rep, p));
          ++rep;
          ++i;
        }
        if (rep < h0.replicates) throw OutputError(fmt::format("merge: '{}' holds {} of at least {} replicates of point {}", shards[s].string(), rep, h0.replicates, p));
      }
    }
    total += static_cast<std::int64_t>(r.size());
  }
  // Merged order: by run index. Each shard's rows come in order, so a block takes a contiguous range of each.
  std::vector<std::int32_t> from;
  from.reserve(static_cast<std::size_t>(total));
  {
    std::vector<std::size_t> cur(hs.size(), 0);
    for (std::int64_t k = 0; k < total; ++k) {
      std::int32_t best = -1;
      for (std::size_t s = 0; s < hs.size(); ++s)
        if (cur[s] < runs[s].size() && (best < 0 || runs[s][cur[s]] < runs[static_cast<std::size_t>(best)][cur[static_cast<std::size_t>(best)]]))
          best = static_cast<std::int32_t>(s);
      from.push_back(best);
      ++cur[static_cast<std::size_t>(best)];
    }
  }
  Header h = h0;
  h.shard_index = -1;
  h.shard_count = 0;
  std::vector<RowReader> src;
  for (std::size_t s = 0; s < hs.size(); ++s) src.push_back(open_rows(by_index[hs[s].shard_index], h, false));
  ResultFile file(out, force);
  write_final_root(file.root(), h);
  FinalWriter w(file.root(), h, total);
  std::vector<std::size_t> cur(hs.size(), 0);
  std::vector<std::vector<double>> fin(hs.size());
  std::vector<std::vector<std::vector<double>>> ser(hs.size());
  std::vector<double> bf;
  std::vector<std::vector<double>> bs(h.timeseries_names.size());
  std::vector<std::int64_t> rr;
  for (std::int64_t r0 = 0; r0 < total; r0 += kBlock) {
    const std::int64_t m = std::min(kBlock, total - r0);
    std::vector<std::int64_t> take(hs.size(), 0);
    for (std::int64_t i = 0; i < m; ++i) ++take[static_cast<std::size_t>(from[static_cast<std::size_t>(r0 + i)])];
    for (std::size_t s = 0; s < hs.size(); ++s) src[s].read(static_cast<std::int64_t>(cur[s]), take[s], fin[s], ser[s]);
    std::vector<std::size_t> pos(hs.size(), 0);
    rr.clear();
    bf.clear();
    for (auto& b : bs) b.clear();
    for (std::int64_t i = 0; i < m; ++i) {
      const auto s = static_cast<std::size_t>(from[static_cast<std::size_t>(r0 + i)]);
      rr.push_back(runs[s][cur[s] + pos[s]]);
      append_rows(bf, fin[s], pos[s], src[s].k);
      for (std::size_t t = 0; t < bs.size(); ++t) append_rows(bs[t], ser[s][t], pos[s], src[s].w1);
      ++pos[s];
    }
    for (std::size_t s = 0; s < hs.size(); ++s) cur[s] += static_cast<std::size_t>(take[s]);
    w.write(r0, m, rr, h, bf, bs);
  }
  src.clear();
  file.commit();
  return total;
}

std::string status_report(const fs::path& given, int threads) {
  fs::path path = given;
  if (!fs::exists(path) && fs::exists(PartialFile::path_for(given))) path = PartialFile::path_for(given);
  if (!fs::exists(path)) throw OutputError(fmt::format("'{}' does not exist (nor '{}')", given.string(), PartialFile::path_for(given).string()));
  h5::Handle f;
  try {
    f = h5::open_file(path, false);
  } catch (const h5::Error&) {
    throw OutputError(fmt::format("'{}' cannot be opened as HDF5", path.string()));
  }
  const std::string kind = read_kind(f.id());
  if (kind != kKindFinal && kind != kKindPartial) throw OutputError(fmt::format("'{}' is not a sweep file", path.string()));
  const Header h = Header::read(f.id());
  std::string out = fmt::format("sweep        {} ({})\nfile         {}\n", h.name, h.fingerprint, path.string());
  out += fmt::format("design       {}: {} points x {} parameters ({})\n", h.design_kind, h.design.rows, h.design.cols, fmt::join(h.parameter_names, ", "));
  out += fmt::format("replicates   {}{}, seed {}, {} weeks per run\n", h.replicates,
                     h.target_ci.empty() ? "" : fmt::format(" (adaptive until the 95% interval of {} is narrow enough, at most {})", h.target_ci, h.stride), h.seed, h.weeks);
  if (h.shard_count > 1) out += fmt::format("shard        {}/{}\n", h.shard_index, h.shard_count);
  if (kind == kKindFinal) {
    std::vector<hsize_t> dims;
    (void)h5::read<std::int64_t>(f.id(), "/runs/run_index", &dims);
    out += fmt::format("state        complete: {} runs\n", dims.empty() ? 0 : dims[0]);
    return out;
  }
  const auto done = h5::read<std::uint64_t>(f.id(), "/partial/done");
  const auto secs = h5::read<double>(f.id(), "/partial/seconds");
  std::int64_t n_done = 0;
  double sum = 0;
  for (std::size_t i = 0; i < done.size(); ++i)
    if (done[i] != 0) {
      ++n_done;
      if (std::isfinite(secs[i])) sum += secs[i];
    }
  std::int64_t missing = static_cast<std::int64_t>(done.size()) - n_done;
  std::string planned = fmt::format("{}", done.size());
  if (!h.target_ci.empty()) {
    // Adaptive: at least `replicates` per point are needed; more may follow.
    missing = 0;
    for (std::size_t p0 = 0; p0 < done.size(); p0 += static_cast<std::size_t>(h.stride)) {
      std::int64_t d = 0;
      for (std::int64_t r = 0; r < h.stride; ++r) d += done[p0 + static_cast<std::size_t>(r)] != 0;
      missing += std::max<std::int64_t>(0, h.replicates - d);
    }
    planned = fmt::format("at least {} (adaptive)", n_done + missing);
  }
  const double mean = n_done > 0 ? sum / static_cast<double>(n_done) : 0.0;
  const int th = std::max(1, threads);
  out += fmt::format("state        in progress (resume with `buurt sweep <sweep.toml> --resume`)\n");
  out += fmt::format("runs         {} done, {} missing, {} planned\n", n_done, missing, planned);
  if (n_done > 0)
    out += fmt::format("time         {:.3f} s per run (summed run time {:.1f} s); ETA {:.1f} s at {} parallel runs\n", mean, sum, mean * static_cast<double>(missing) / th, th);
  else
    out += "time         no run finished yet: no ETA\n";
  return out;
}

}  // namespace buurt::sweep
