#pragma once
/// Groups and datasets of a result file, without HDF5 in sight: the typed API the writers and readers outside
/// the output module (experiment, sweep, the tool) use. The HDF5 wrappers behind it (Hdf5.h) are private.
#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace buurt {

/// A result file that cannot be read or written as asked (missing object, damaged file, failed write).
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Shape of a dataset (row-major), as written and read.
using Dims = std::vector<std::uint64_t>;

/// An open object (file, group or dataset) of a result file; owns its handle, move-only.
class ResultObject {
 public:
  ResultObject() = default;
  ResultObject(ResultObject&& o) noexcept : id_(o.id_) { o.id_ = -1; }
  ResultObject& operator=(ResultObject&& o) noexcept;
  ResultObject(const ResultObject&) = delete;
  ResultObject& operator=(const ResultObject&) = delete;
  ~ResultObject() { close(); }
  explicit operator bool() const { return id_ >= 0; }
  void close();

  bool has_attr(const std::string& name) const;
  void set_attr(const std::string& name, const std::string& value) const;
  void set_attr(const std::string& name, double value) const;
  void set_attr(const std::string& name, std::int64_t value) const;
  std::string attr_string(const std::string& name) const;
  std::int64_t attr_int(const std::string& name) const;

  /// The underlying handle, for the output module's own code (sim/src/output).
  std::int64_t handle() const { return id_; }

 protected:
  explicit ResultObject(std::int64_t id) : id_(id) {}
  std::int64_t id_ = -1;
};

/// A dataset opened or created for row-wise access (sweep files stream rows block by block).
class ResultDataset : public ResultObject {
 public:
  ResultDataset() = default;
  /// Wrap a handle the output module opened (sim/src/output only).
  static ResultDataset adopt(std::int64_t id) { return ResultDataset(id); }
  /// Write / read rows [row0, row0 + nrows) of a 1-D or 2-D dataset (`cols` = 1 for 1-D).
  template <class T>
  void write_rows(std::uint64_t row0, std::uint64_t nrows, std::uint64_t cols, const T* data) const;
  template <class T>
  void read_rows(std::uint64_t row0, std::uint64_t nrows, std::uint64_t cols, T* data) const;
  /// Shape of the dataset.
  Dims dims() const;
  /// Byte offset of a contiguous, allocated dataset's data in the file (0 when it has none).
  std::uint64_t file_offset() const;

 private:
  explicit ResultDataset(std::int64_t id) : ResultObject(id) {}
};

/// A result file (its root group) or a group in one.
class ResultGroup : public ResultObject {
 public:
  ResultGroup() = default;
  /// Wrap a handle the output module opened (sim/src/output only).
  static ResultGroup adopt(std::int64_t id) { return ResultGroup(id); }
  /// Create (truncate) a file; callers write under a temporary name (ResultFile).
  static ResultGroup create_file(const std::filesystem::path& path);
  /// Open a file (throws FormatError naming it when missing, not HDF5 or damaged).
  static ResultGroup open_file(const std::filesystem::path& path, bool writable = false);

  ResultGroup create_group(const std::string& name) const;
  ResultGroup open_group(const std::string& name) const;
  /// Whether `path` (relative or absolute, groups separated by '/') names an object; missing parents give false.
  bool exists(const std::string& path) const;
  /// Unlink the object at `path` (its space is not reclaimed).
  void remove(const std::string& path) const;
  /// Flush a file to disk (throws FormatError when it cannot).
  void flush() const;

  void write_string(const std::string& name, const std::string& value) const;
  std::string read_string(const std::string& name) const;
  void write_strings(const std::string& name, const std::vector<std::string>& values) const;
  std::vector<std::string> read_strings(const std::string& name) const;
  /// A dataset of shape `dims` (default: 1-D), gzip-compressed (with shuffle) and chunked when deflate > 0 and large.
  template <class T>
  void write(const std::string& name, std::span<const T> data, Dims dims = {}, int deflate = 0) const;
  template <class T>
  void write_scalar(const std::string& name, T value) const;
  template <class T>
  std::vector<T> read(const std::string& name, Dims* dims = nullptr) const;

  ResultDataset open_dataset(const std::string& name) const;
  /// A dataset of fixed shape `dims` stored little-endian, chunked (`chunk`, empty = contiguous), gzip-compressed
  /// when deflate > 0; filled by write_rows.
  template <class T>
  ResultDataset create_dataset(const std::string& name, const Dims& dims, const Dims& chunk = {}, int deflate = 0) const;
  /// A contiguous dataset stored little-endian, allocated and filled with `fill` at creation, so its rows have fixed
  /// offsets in the file (ResultDataset::file_offset; the sweep's working file writes them with pwrite).
  template <class T>
  ResultDataset create_fixed(const std::string& name, const Dims& dims, T fill) const;

 private:
  explicit ResultGroup(std::int64_t id) : ResultObject(id) {}
};

}  // namespace buurt
