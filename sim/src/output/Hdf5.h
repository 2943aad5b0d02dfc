#pragma once
// A thin RAII layer over the HDF5 C API: handles, typed datasets, string attributes. Private to the output
// module (sim/src/output): everyone else goes through buurt/output/Group.h, Results.h and the writers.
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "buurt/output/Group.h"

namespace buurt::h5 {
static_assert(std::is_same_v<hid_t, std::int64_t>, "Group.h keeps handles as std::int64_t");

/// Raised on any HDF5 failure, with the operation and object name.
class Error : public FormatError {
 public:
  using FormatError::FormatError;
};

/// Owns one hid_t and closes it with the right function.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(Handle&& o) noexcept : id_(o.id_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      close();
      id_ = o.id_;
      o.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { close(); }
  hid_t id() const { return id_; }
  /// Give up ownership (the public ResultObject takes the id over).
  hid_t release() {
    const hid_t id = id_;
    id_ = H5I_INVALID_HID;
    return id;
  }
  explicit operator bool() const { return id_ >= 0; }
  void close();

 private:
  hid_t id_ = H5I_INVALID_HID;
};

template <class T>
hid_t native_type();
template <>
inline hid_t native_type<double>() {
  return H5T_NATIVE_DOUBLE;
}
template <>
inline hid_t native_type<float>() {
  return H5T_NATIVE_FLOAT;
}
template <>
inline hid_t native_type<std::int32_t>() {
  return H5T_NATIVE_INT32;
}
template <>
inline hid_t native_type<std::uint32_t>() {
  return H5T_NATIVE_UINT32;
}
template <>
inline hid_t native_type<std::int64_t>() {
  return H5T_NATIVE_INT64;
}
template <>
inline hid_t native_type<std::uint64_t>() {
  return H5T_NATIVE_UINT64;
}
template <>
inline hid_t native_type<std::uint8_t>() {
  return H5T_NATIVE_UINT8;
}
template <>
inline hid_t native_type<std::uint16_t>() {
  return H5T_NATIVE_UINT16;
}
template <>
inline hid_t native_type<std::int8_t>() {
  return H5T_NATIVE_INT8;
}

/// Silence HDF5's own error printing (errors become exceptions with our message).
void quiet();

Handle create_file(const std::filesystem::path& path);  ///< truncates; callers use a temp name
Handle open_file(const std::filesystem::path& path, bool writable = false);
Handle create_group(hid_t parent, const std::string& name);
Handle open_group(hid_t parent, const std::string& name);
bool exists(hid_t parent, const std::string& path);

void set_attr(hid_t obj, const std::string& name, const std::string& value);
void set_attr(hid_t obj, const std::string& name, double value);
void set_attr(hid_t obj, const std::string& name, std::int64_t value);
std::string get_attr_string(hid_t obj, const std::string& name);
std::int64_t get_attr_int(hid_t obj, const std::string& name);

/// Write a variable-length UTF-8 string dataset (scalar).
void write_string(hid_t parent, const std::string& name, const std::string& value);
std::string read_string(hid_t parent, const std::string& name);
/// Write a 1-D array of strings.
void write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values);
/// Read a 1-D array of variable-length strings (as write_strings or h5py's string_dtype write them).
std::vector<std::string> read_strings(hid_t parent, const std::string& name);

/// Write a dataset of shape `dims` (row-major), gzip-compressed and chunked when large.
template <class T>
void write(hid_t parent, const std::string& name, std::span<const T> data, std::vector<hsize_t> dims = {}, int deflate = 0);
template <class T>
void write_scalar(hid_t parent, const std::string& name, T value) {
  write<T>(parent, name, std::span<const T>(&value, 1), std::vector<hsize_t>{}, -1);
}

template <class T>
std::vector<T> read(hid_t parent, const std::string& name, std::vector<hsize_t>* dims = nullptr);

/// A 2-D dataset (rows x cols) that grows by whole rows; chunked and compressed.
class RowAppender {
 public:
  RowAppender() = default;
  RowAppender(hid_t parent, const std::string& name, hid_t type, hsize_t cols, int deflate);
  template <class T>
  void append(std::span<const T> row) {
    append_raw(row.data(), row.size(), native_type<T>());
  }
  hid_t id() const { return ds_.id(); }
  hsize_t rows() const { return rows_; }

 private:
  void append_raw(const void* data, std::size_t n, hid_t memtype);
  Handle ds_;
  hsize_t rows_ = 0, cols_ = 0;
};

/// A dataset of fixed shape `dims`, chunked (`chunk`, empty = contiguous) and gzip-compressed when deflate > 0.
Handle create_dataset(hid_t parent, const std::string& name, hid_t type, const std::vector<hsize_t>& dims, const std::vector<hsize_t>& chunk = {},
                      int deflate = 0);
/// Write / read rows [row0, row0 + nrows) of a 1-D or 2-D dataset (`cols` = 1 for 1-D).
void write_rows_raw(hid_t ds, hsize_t row0, hsize_t nrows, hsize_t cols, hid_t memtype, const void* data);
void read_rows_raw(hid_t ds, hsize_t row0, hsize_t nrows, hsize_t cols, hid_t memtype, void* data);
template <class T>
void write_rows(hid_t ds, hsize_t row0, hsize_t nrows, hsize_t cols, const T* data) {
  write_rows_raw(ds, row0, nrows, cols, native_type<T>(), data);
}
template <class T>
void read_rows(hid_t ds, hsize_t row0, hsize_t nrows, hsize_t cols, T* data) {
  read_rows_raw(ds, row0, nrows, cols, native_type<T>(), data);
}
/// Open a dataset (throws Error naming it when missing).
Handle open_dataset(hid_t parent, const std::string& name);

}  // namespace buurt::h5
