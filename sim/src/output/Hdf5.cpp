#include "Hdf5.h"

#include <fmt/format.h>
#include <algorithm>

namespace buurt::h5 {
namespace {

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) throw Error(fmt::format("HDF5: cannot {}", what));
  return id;
}
void check(herr_t rc, const std::string& what) {
  if (rc < 0) throw Error(fmt::format("HDF5: cannot {}", what));
}

Handle string_type() {
  Handle t(check(H5Tcopy(H5T_C_S1), "copy string type"));
  check(H5Tset_size(t.id(), H5T_VARIABLE), "size string type");
  check(H5Tset_cset(t.id(), H5T_CSET_UTF8), "set UTF-8");
  return t;
}

}  // namespace

void Handle::close() {
  if (id_ < 0) return;
  switch (H5Iget_type(id_)) {
    case H5I_FILE: H5Fclose(id_); break;
    case H5I_GROUP: H5Gclose(id_); break;
    case H5I_DATASET: H5Dclose(id_); break;
    case H5I_DATASPACE: H5Sclose(id_); break;
    case H5I_DATATYPE: H5Tclose(id_); break;
    case H5I_ATTR: H5Aclose(id_); break;
    case H5I_GENPROP_LST: H5Pclose(id_); break;
    default: break;
  }
  id_ = H5I_INVALID_HID;
}

void quiet() {
  // No library shutdown at exit: after a failed close (disk full) HDF5 1.10 keeps a half-closed file
  // in its tables and H5_term_library segfaults on it at exit (found by tests/faults). Every file is
  // closed by its Handle; nothing is left for the shutdown to do. Only effective before the first
  // HDF5 call, which is here (create_file / open_file call quiet() first); later calls are no-ops.
  static const bool once = (H5dont_atexit(), true);
  (void)once;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

Handle create_file(const std::filesystem::path& path) {
  quiet();
  return Handle(check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), fmt::format("create file '{}'", path.string())));
}

Handle open_file(const std::filesystem::path& path, bool writable) {
  quiet();
  return Handle(check(H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT),
                      fmt::format("open '{}' (missing, not an HDF5 file, or damaged)", path.string())));
}

Handle create_group(hid_t parent, const std::string& name) {
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  return Handle(check(H5Gcreate2(parent, name.c_str(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT), fmt::format("create group '{}'", name)));
}

Handle open_group(hid_t parent, const std::string& name) {
  return Handle(check(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), fmt::format("open group '{}'", name)));
}

bool exists(hid_t parent, const std::string& path) {
  // Check each component so intermediate groups that are missing do not raise.
  std::size_t pos = 0;
  while (true) {
    pos = path.find('/', pos + 1);
    const std::string part = path.substr(0, pos);
    if (!part.empty() && part != "/" && H5Lexists(parent, part.c_str(), H5P_DEFAULT) <= 0) return false;
    if (pos == std::string::npos) return true;
  }
}

void set_attr(hid_t obj, const std::string& name, const std::string& value) {
  Handle t = string_type();
  Handle space(H5Screate(H5S_SCALAR));
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  Handle a(check(H5Acreate2(obj, name.c_str(), t.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT), fmt::format("create attribute '{}'", name)));
  const char* p = value.c_str();
  check(H5Awrite(a.id(), t.id(), &p), fmt::format("write attribute '{}'", name));
}

void set_attr(hid_t obj, const std::string& name, double value) {
  Handle space(H5Screate(H5S_SCALAR));
  Handle a(check(H5Acreate2(obj, name.c_str(), H5T_NATIVE_DOUBLE, space.id(), H5P_DEFAULT, H5P_DEFAULT), fmt::format("create attribute '{}'", name)));
  check(H5Awrite(a.id(), H5T_NATIVE_DOUBLE, &value), fmt::format("write attribute '{}'", name));
}

void set_attr(hid_t obj, const std::string& name, std::int64_t value) {
  Handle space(H5Screate(H5S_SCALAR));
  Handle a(check(H5Acreate2(obj, name.c_str(), H5T_NATIVE_INT64, space.id(), H5P_DEFAULT, H5P_DEFAULT), fmt::format("create attribute '{}'", name)));
  check(H5Awrite(a.id(), H5T_NATIVE_INT64, &value), fmt::format("write attribute '{}'", name));
}

std::string get_attr_string(hid_t obj, const std::string& name) {
  Handle a(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), fmt::format("open attribute '{}'", name)));
  Handle t = string_type();
  char* p = nullptr;
  check(H5Aread(a.id(), t.id(), &p), fmt::format("read attribute '{}'", name));
  std::string s = p ? p : "";
  Handle space(H5Aget_space(a.id()));
  H5Dvlen_reclaim(t.id(), space.id(), H5P_DEFAULT, &p);
  return s;
}

std::int64_t get_attr_int(hid_t obj, const std::string& name) {
  Handle a(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), fmt::format("open attribute '{}'", name)));
  std::int64_t v = 0;
  check(H5Aread(a.id(), H5T_NATIVE_INT64, &v), fmt::format("read attribute '{}'", name));
  return v;
}

void write_string(hid_t parent, const std::string& name, const std::string& value) {
  Handle t = string_type();
  Handle space(H5Screate(H5S_SCALAR));
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  Handle d(check(H5Dcreate2(parent, name.c_str(), t.id(), space.id(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT), fmt::format("create dataset '{}'", name)));
  const char* p = value.c_str();
  check(H5Dwrite(d.id(), t.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), fmt::format("write dataset '{}'", name));
}

std::string read_string(hid_t parent, const std::string& name) {
  Handle d(check(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), fmt::format("open dataset '{}'", name)));
  Handle t = string_type();
  char* p = nullptr;
  check(H5Dread(d.id(), t.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), fmt::format("read dataset '{}'", name));
  std::string s = p ? p : "";
  Handle space(H5Dget_space(d.id()));
  H5Dvlen_reclaim(t.id(), space.id(), H5P_DEFAULT, &p);
  return s;
}

std::vector<std::string> read_strings(hid_t parent, const std::string& name) {
  Handle d(check(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), fmt::format("open dataset '{}'", name)));
  Handle space(H5Dget_space(d.id()));
  const int rank = H5Sget_simple_extent_ndims(space.id());
  hsize_t n = 1;
  if (rank == 1) H5Sget_simple_extent_dims(space.id(), &n, nullptr);
  if (rank > 1) throw Error(fmt::format("dataset '{}' is not a list of strings", name));
  Handle t = string_type();
  std::vector<std::string> out;
  if (n == 0) return out;
  std::vector<char*> p(n, nullptr);
  check(H5Dread(d.id(), t.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()), fmt::format("read dataset '{}'", name));
  for (char* c : p) out.emplace_back(c ? c : "");
  H5Dvlen_reclaim(t.id(), space.id(), H5P_DEFAULT, p.data());
  return out;
}

void write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values) {
  Handle t = string_type();
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr));
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  Handle d(check(H5Dcreate2(parent, name.c_str(), t.id(), space.id(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT), fmt::format("create dataset '{}'", name)));
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (n) check(H5Dwrite(d.id(), t.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), fmt::format("write dataset '{}'", name));
}

template <class T>
void write(hid_t parent, const std::string& name, std::span<const T> data, std::vector<hsize_t> dims, int deflate) {
  Handle space;
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
  if (deflate < 0) {
    space = Handle(H5Screate(H5S_SCALAR));
  } else {
    if (dims.empty()) dims = {static_cast<hsize_t>(data.size())};
    space = Handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
    if (deflate > 0 && data.size() >= 4096) {
      std::vector<hsize_t> chunk = dims;
      // Chunks of about 64k elements along the last dimension, one row of the others.
      for (std::size_t k = 0; k + 1 < chunk.size(); ++k) chunk[k] = 1;
      chunk.back() = std::min<hsize_t>(chunk.back(), 65536);
      H5Pset_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data());
      H5Pset_shuffle(dcpl.id());
      H5Pset_deflate(dcpl.id(), static_cast<unsigned>(deflate));
    }
  }
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  Handle d(check(H5Dcreate2(parent, name.c_str(), native_type<T>(), space.id(), lcpl.id(), dcpl.id(), H5P_DEFAULT), fmt::format("create dataset '{}'", name)));
  if (!data.empty()) check(H5Dwrite(d.id(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), fmt::format("write dataset '{}'", name));
}

template <class T>
std::vector<T> read(hid_t parent, const std::string& name, std::vector<hsize_t>* dims) {
  Handle d(check(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), fmt::format("open dataset '{}'", name)));
  Handle space(H5Dget_space(d.id()));
  const int rank = H5Sget_simple_extent_ndims(space.id());
  std::vector<hsize_t> dd(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space.id(), dd.data(), nullptr);
  hsize_t total = 1;
  for (auto x : dd) total *= x;
  std::vector<T> out(total);
  if (total) check(H5Dread(d.id(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), fmt::format("read dataset '{}'", name));
  if (dims) *dims = dd;
  return out;
}

#define BUURT_H5_INSTANTIATE(T)                                                                     \
  template void write<T>(hid_t, const std::string&, std::span<const T>, std::vector<hsize_t>, int); \
  template std::vector<T> read<T>(hid_t, const std::string&, std::vector<hsize_t>*);
BUURT_H5_INSTANTIATE(double)
BUURT_H5_INSTANTIATE(float)
BUURT_H5_INSTANTIATE(std::int32_t)
BUURT_H5_INSTANTIATE(std::uint32_t)
BUURT_H5_INSTANTIATE(std::int64_t)
BUURT_H5_INSTANTIATE(std::uint64_t)
BUURT_H5_INSTANTIATE(std::uint8_t)
BUURT_H5_INSTANTIATE(std::uint16_t)
BUURT_H5_INSTANTIATE(std::int8_t)
#undef BUURT_H5_INSTANTIATE

RowAppender::RowAppender(hid_t parent, const std::string& name, hid_t type, hsize_t cols, int deflate) : cols_(cols) {
  hsize_t dims[2] = {0, cols};
  hsize_t maxdims[2] = {H5S_UNLIMITED, cols};
  Handle space(H5Screate_simple(2, dims, maxdims));
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
  hsize_t chunk[2] = {1, std::max<hsize_t>(1, std::min<hsize_t>(cols, 65536))};
  H5Pset_chunk(dcpl.id(), 2, chunk);
  if (deflate > 0) {
    H5Pset_shuffle(dcpl.id());
    H5Pset_deflate(dcpl.id(), static_cast<unsigned>(deflate));
  }
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  ds_ = Handle(check(H5Dcreate2(parent, name.c_str(), type, space.id(), lcpl.id(), dcpl.id(), H5P_DEFAULT), fmt::format("create dataset '{}'", name)));
}

void RowAppender::append_raw(const void* data, std::size_t n, hid_t memtype) {
  if (n != cols_) throw Error(fmt::format("HDF5: row of {} values for a dataset of {} columns", n, cols_));
  hsize_t dims[2] = {rows_ + 1, cols_};
  check(H5Dset_extent(ds_.id(), dims), "extend dataset");
  Handle fspace(H5Dget_space(ds_.id()));
  hsize_t start[2] = {rows_, 0}, count[2] = {1, cols_};
  H5Sselect_hyperslab(fspace.id(), H5S_SELECT_SET, start, nullptr, count, nullptr);
  Handle mspace(H5Screate_simple(2, count, nullptr));
  check(H5Dwrite(ds_.id(), memtype, mspace.id(), fspace.id(), H5P_DEFAULT, data), "append row");
  ++rows_;
}

Handle create_dataset(hid_t parent, const std::string& name, hid_t type, const std::vector<hsize_t>& dims, const std::vector<hsize_t>& chunk, int deflate) {
  Handle space(check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), fmt::format("create dataspace for '{}'", name)));
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
  if (!chunk.empty()) {
    check(H5Pset_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data()), fmt::format("chunk '{}'", name));
    if (deflate > 0) {
      H5Pset_shuffle(dcpl.id());
      H5Pset_deflate(dcpl.id(), static_cast<unsigned>(deflate));
    }
  }
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  return Handle(check(H5Dcreate2(parent, name.c_str(), type, space.id(), lcpl.id(), dcpl.id(), H5P_DEFAULT), fmt::format("create dataset '{}'", name)));
}

namespace {
void select_rows(hid_t ds, hsize_t row0, hsize_t nrows, hsize_t cols, Handle& fspace, Handle& mspace) {
  fspace = Handle(H5Dget_space(ds));
  const int rank = H5Sget_simple_extent_ndims(fspace.id());
  hsize_t start[2] = {row0, 0}, count[2] = {nrows, cols};
  check(H5Sselect_hyperslab(fspace.id(), H5S_SELECT_SET, start, nullptr, count, nullptr), "select rows");
  mspace = Handle(H5Screate_simple(rank, count, nullptr));
}
}  // namespace

void write_rows_raw(hid_t ds, hsize_t row0, hsize_t nrows, hsize_t cols, hid_t memtype, const void* data) {
  if (nrows == 0) return;
  Handle fspace, mspace;
  select_rows(ds, row0, nrows, cols, fspace, mspace);
  check(H5Dwrite(ds, memtype, mspace.id(), fspace.id(), H5P_DEFAULT, data), "write rows");
}

void read_rows_raw(hid_t ds, hsize_t row0, hsize_t nrows, hsize_t cols, hid_t memtype, void* data) {
  if (nrows == 0) return;
  Handle fspace, mspace;
  select_rows(ds, row0, nrows, cols, fspace, mspace);
  check(H5Dread(ds, memtype, mspace.id(), fspace.id(), H5P_DEFAULT, data), "read rows");
}

Handle open_dataset(hid_t parent, const std::string& name) {
  return Handle(check(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), fmt::format("open dataset '{}'", name)));
}

}  // namespace buurt::h5
