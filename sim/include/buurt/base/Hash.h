#pragma once
/// 64-bit FNV-1a: fingerprints of parameters and neighbourhoods, and checksums of stored rows.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace buurt {

inline constexpr std::uint64_t kFnvOffset = 1469598103934665603ull;

inline std::uint64_t fnv1a(const void* data, std::size_t n, std::uint64_t h = kFnvOffset) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

inline std::uint64_t fnv1a(std::string_view s, std::uint64_t h = kFnvOffset) { return fnv1a(s.data(), s.size(), h); }

}  // namespace buurt
