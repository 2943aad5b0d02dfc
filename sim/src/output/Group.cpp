#include "buurt/output/Group.h"

#include <fmt/format.h>

#include "Hdf5.h"

namespace buurt {
namespace {

std::vector<hsize_t> to_h5(const Dims& d) { return {d.begin(), d.end()}; }

// The stored (file) type of the datasets sweep files create: little-endian whatever the machine.
template <class T>
hid_t file_type();
template <>
hid_t file_type<double>() {
  return H5T_IEEE_F64LE;
}
template <>
hid_t file_type<std::int64_t>() {
  return H5T_STD_I64LE;
}
template <>
hid_t file_type<std::uint64_t>() {
  return H5T_STD_U64LE;
}

}  // namespace

ResultObject& ResultObject::operator=(ResultObject&& o) noexcept {
  if (this != &o) {
    close();
    id_ = o.id_;
    o.id_ = -1;
  }
  return *this;
}

void ResultObject::close() {
  if (id_ < 0) return;
  h5::Handle h(id_);  // closes with the function of its type
  id_ = -1;
}

bool ResultObject::has_attr(const std::string& name) const { return H5Aexists(id_, name.c_str()) > 0; }
void ResultObject::set_attr(const std::string& name, const std::string& value) const { h5::set_attr(id_, name, value); }
void ResultObject::set_attr(const std::string& name, double value) const { h5::set_attr(id_, name, value); }
void ResultObject::set_attr(const std::string& name, std::int64_t value) const { h5::set_attr(id_, name, value); }
std::string ResultObject::attr_string(const std::string& name) const { return h5::get_attr_string(id_, name); }
std::int64_t ResultObject::attr_int(const std::string& name) const { return h5::get_attr_int(id_, name); }

template <class T>
void ResultDataset::write_rows(std::uint64_t row0, std::uint64_t nrows, std::uint64_t cols, const T* data) const {
  h5::write_rows<T>(id_, row0, nrows, cols, data);
}
template <class T>
void ResultDataset::read_rows(std::uint64_t row0, std::uint64_t nrows, std::uint64_t cols, T* data) const {
  h5::read_rows<T>(id_, row0, nrows, cols, data);
}

Dims ResultDataset::dims() const {
  h5::Handle space(H5Dget_space(id_));
  const int rank = H5Sget_simple_extent_ndims(space.id());
  std::vector<hsize_t> d(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space.id(), d.data(), nullptr);
  return {d.begin(), d.end()};
}

std::uint64_t ResultDataset::file_offset() const {
  const haddr_t a = H5Dget_offset(id_);
  return a == HADDR_UNDEF ? 0 : static_cast<std::uint64_t>(a);
}

ResultGroup ResultGroup::create_file(const std::filesystem::path& path) { return ResultGroup(h5::create_file(path).release()); }

ResultGroup ResultGroup::open_file(const std::filesystem::path& path, bool writable) { return ResultGroup(h5::open_file(path, writable).release()); }
ResultGroup ResultGroup::create_group(const std::string& name) const { return ResultGroup(h5::create_group(id_, name).release()); }
ResultGroup ResultGroup::open_group(const std::string& name) const { return ResultGroup(h5::open_group(id_, name).release()); }
bool ResultGroup::exists(const std::string& path) const { return h5::exists(id_, path); }
void ResultGroup::remove(const std::string& path) const {
  if (H5Ldelete(id_, path.c_str(), H5P_DEFAULT) < 0) throw h5::Error(fmt::format("HDF5: cannot remove '{}'", path));
}

void ResultGroup::flush() const {
  if (H5Fflush(id_, H5F_SCOPE_GLOBAL) < 0) throw h5::Error("HDF5: cannot flush the file (disk full?)");
}

void ResultGroup::write_string(const std::string& name, const std::string& value) const { h5::write_string(id_, name, value); }
std::string ResultGroup::read_string(const std::string& name) const { return h5::read_string(id_, name); }
void ResultGroup::write_strings(const std::string& name, const std::vector<std::string>& values) const { h5::write_strings(id_, name, values); }
std::vector<std::string> ResultGroup::read_strings(const std::string& name) const { return h5::read_strings(id_, name); }

template <class T>
void ResultGroup::write(const std::string& name, std::span<const T> data, Dims dims, int deflate) const {
  h5::write<T>(id_, name, data, to_h5(dims), deflate);
}
template <class T>
void ResultGroup::write_scalar(const std::string& name, T value) const {
  h5::write_scalar<T>(id_, name, value);
}
template <class T>
std::vector<T> ResultGroup::read(const std::string& name, Dims* dims) const {
  std::vector<hsize_t> d;
  std::vector<T> out = h5::read<T>(id_, name, dims ? &d : nullptr);
  if (dims) dims->assign(d.begin(), d.end());
  return out;
}

ResultDataset ResultGroup::open_dataset(const std::string& name) const { return ResultDataset::adopt(h5::open_dataset(id_, name).release()); }

template <class T>
ResultDataset ResultGroup::create_dataset(const std::string& name, const Dims& dims, const Dims& chunk, int deflate) const {
  return ResultDataset::adopt(h5::create_dataset(id_, name, file_type<T>(), to_h5(dims), to_h5(chunk), deflate).release());
}

template <class T>
ResultDataset ResultGroup::create_fixed(const std::string& name, const Dims& dims, T fill) const {
  const std::vector<hsize_t> d = to_h5(dims);
  const hid_t type = file_type<T>();
  h5::Handle space(H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr));
  h5::Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_layout(dcpl.id(), H5D_CONTIGUOUS);
  H5Pset_alloc_time(dcpl.id(), H5D_ALLOC_TIME_EARLY);
  H5Pset_fill_time(dcpl.id(), H5D_FILL_TIME_ALLOC);
  H5Pset_fill_value(dcpl.id(), type, &fill);
  h5::Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  const hid_t id = H5Dcreate2(id_, name.c_str(), type, space.id(), lcpl.id(), dcpl.id(), H5P_DEFAULT);
  if (id < 0) throw h5::Error(fmt::format("HDF5: cannot create dataset '{}'", name));
  return ResultDataset::adopt(id);
}

#define BUURT_GROUP_INSTANTIATE(T)                                                                         \
  template void ResultGroup::write<T>(const std::string&, std::span<const T>, Dims, int) const;            \
  template void ResultGroup::write_scalar<T>(const std::string&, T) const;                                 \
  template std::vector<T> ResultGroup::read<T>(const std::string&, Dims*) const;                           \
  template void ResultDataset::write_rows<T>(std::uint64_t, std::uint64_t, std::uint64_t, const T*) const; \
  template void ResultDataset::read_rows<T>(std::uint64_t, std::uint64_t, std::uint64_t, T*) const;
BUURT_GROUP_INSTANTIATE(double)
BUURT_GROUP_INSTANTIATE(float)
BUURT_GROUP_INSTANTIATE(std::int32_t)
BUURT_GROUP_INSTANTIATE(std::uint32_t)
BUURT_GROUP_INSTANTIATE(std::int64_t)
BUURT_GROUP_INSTANTIATE(std::uint64_t)
BUURT_GROUP_INSTANTIATE(std::uint8_t)
BUURT_GROUP_INSTANTIATE(std::uint16_t)
BUURT_GROUP_INSTANTIATE(std::int8_t)
#undef BUURT_GROUP_INSTANTIATE
#define BUURT_GROUP_FILE_INSTANTIATE(T)                                                                           \
  template ResultDataset ResultGroup::create_dataset<T>(const std::string&, const Dims&, const Dims&, int) const; \
  template ResultDataset ResultGroup::create_fixed<T>(const std::string&, const Dims&, T) const;
BUURT_GROUP_FILE_INSTANTIATE(double)
BUURT_GROUP_FILE_INSTANTIATE(std::int64_t)
BUURT_GROUP_FILE_INSTANTIATE(std::uint64_t)
#undef BUURT_GROUP_FILE_INSTANTIATE

}  // namespace buurt
