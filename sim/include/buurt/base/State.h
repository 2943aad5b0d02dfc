#pragma once
/// Saved states: every variable that outlives a week, visited by name, into and out of a byte buffer.
///
/// Each part of the simulation lists its state once, in a member `template <class Ar> void state(Ar& ar)`
/// calling `ar("name", member)` for each variable and `ar.group("part")` around a part's list. The same
/// list serves every archive: the byte buffers below (a comparison's burned-in neighbourhoods in memory)
/// and the HDF5 state files of buurt/output/StateFile.h. A variable left out of a list makes a restored
/// simulation diverge from the original, which the State tests catch.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace buurt::state {

/// Version of the saved-state layout: bump when a visited variable is added, removed, renamed or retyped.
inline constexpr int kVersion = 6;  // 6: each policy module saves its own counters (issue 49)

/// The names visited so far, with the group prefix ("population/need_0").
class Names {
 public:
  /// Opens a group for the lifetime of the returned guard.
  struct Guard {
    Names* n;
    std::size_t len;
    ~Guard() { n->prefix_.resize(len); }
  };
  [[nodiscard]] Guard group(const char* name) {
    const std::size_t len = prefix_.size();
    prefix_ += name;
    prefix_ += '/';
    return Guard{this, len};
  }
  std::string path(const char* name) const { return prefix_ + name; }

 private:
  std::string prefix_;
};

template <class T>
concept Plain = std::is_trivially_copyable_v<T>;

/// One member of a struct kept in a vector, saved as a column of its own (see columns()).
template <class S, class M>
struct Field {
  const char* name;
  M S::*member;
};
template <class S, class M>
Field<S, M> field(const char* name, M S::*member) {
  return {name, member};
}

/// A vector of structs saved column by column (`name/count`, `name/<field>`): named datasets in a state
/// file, and no padding bytes of indeterminate value in the saved state. Every field must be listed.
template <class Ar, class S, class... M>
void columns(Ar& ar, const char* name, std::vector<S>& v, Field<S, M>... fields) {
  auto g = ar.group(name);
  std::uint64_t n = v.size();
  ar("count", n);
  if constexpr (Ar::kLoading) v.assign(n, S{});
  auto column = [&](auto f) {
    using C = std::remove_cvref_t<decltype(v[0].*(f.member))>;
    using Stored = std::conditional_t<std::is_same_v<C, bool>, std::uint8_t, C>;  // no vector<bool>
    std::vector<Stored> c(v.size());
    if constexpr (!Ar::kLoading)
      for (std::size_t i = 0; i < v.size(); ++i) c[i] = static_cast<Stored>(v[i].*(f.member));
    ar(f.name, c);
    if constexpr (Ar::kLoading) {
      if (c.size() != v.size()) throw std::runtime_error(std::string("saved state: column '") + f.name + "' has another length than its table");
      for (std::size_t i = 0; i < v.size(); ++i) v[i].*(f.member) = static_cast<C>(c[i]);
    }
  };
  (column(fields), ...);
}

/// Appends every visited variable to one buffer (sizes of arrays first).
class BufferWriter : public Names {
 public:
  static constexpr bool kLoading = false;
  template <Plain T>
  void operator()(const char*, const T& v) {
    put(&v, sizeof v);
  }
  template <Plain T>
  void operator()(const char*, const std::vector<T>& v) {
    const std::uint64_t n = v.size();
    put(&n, sizeof n);
    put(v.data(), n * sizeof(T));
  }
  template <Plain T>
  void operator()(const char* name, const std::deque<T>& v) {
    (*this)(name, std::vector<T>(v.begin(), v.end()));
  }
  template <class T, std::size_t K>
  void operator()(const char* name, const std::array<std::vector<T>, K>& a) {
    for (std::size_t k = 0; k < K; ++k) (*this)((std::string(name) + "_" + std::to_string(k)).c_str(), a[k]);
  }
  std::vector<std::byte> bytes;

 private:
  void put(const void* p, std::size_t n) {
    if (n == 0) return;
    const std::size_t at = bytes.size();
    bytes.resize(at + n);
    std::memcpy(bytes.data() + at, p, n);
  }
};

/// Reads variables back in the order a BufferWriter wrote them.
class BufferReader : public Names {
 public:
  static constexpr bool kLoading = true;
  explicit BufferReader(const std::vector<std::byte>& bytes) : bytes_(bytes) {}
  template <Plain T>
  void operator()(const char*, T& v) {
    get(&v, sizeof v);
  }
  template <Plain T>
  void operator()(const char*, std::vector<T>& v) {
    std::uint64_t n = 0;
    get(&n, sizeof n);
    v.resize(n);
    get(v.data(), n * sizeof(T));
  }
  template <Plain T>
  void operator()(const char* name, std::deque<T>& v) {
    std::vector<T> tmp;
    (*this)(name, tmp);
    v.assign(tmp.begin(), tmp.end());
  }
  template <class T, std::size_t K>
  void operator()(const char* name, std::array<std::vector<T>, K>& a) {
    for (std::size_t k = 0; k < K; ++k) (*this)((std::string(name) + "_" + std::to_string(k)).c_str(), a[k]);
  }
  bool done() const { return at_ == bytes_.size(); }

 private:
  void get(void* p, std::size_t n) {
    if (at_ + n > bytes_.size()) throw std::runtime_error("saved state ends early");
    if (n) std::memcpy(p, bytes_.data() + at_, n);
    at_ += n;
  }
  const std::vector<std::byte>& bytes_;
  std::size_t at_ = 0;
};

}  // namespace buurt::state
