#pragma once
/// Counter-based random numbers: a pure function of (seed, run, resident, week, stream).
#include <Random123/philox.h>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace buurt {

/// Independent random streams; each phase draws from its own so phases never shift each other.
enum class Stream : std::uint32_t {
  Init = 1,
  Household,
  Ties,
  Events,
  Recovery,
  Ask,
  Priority,
  TieBreak,
  Meeting,
  Team,
  Outreach,
  Initiative,
  Volunteer,
  Replicate,
  Demography
};

/// Week value used for draws made before the first week (initialisation).
inline constexpr std::uint32_t kInitWeek = 0xFFFFFFFFu;

/// The four words of RngBlock::kSize consecutive draws, word k of draw j in w[k][j] (see Rng::block).
struct RngBlock {
  static constexpr std::uint32_t kSize = 256;
  alignas(64) std::array<std::array<std::uint32_t, kSize>, 4> w;
  std::array<double, 4> uniforms(std::size_t j) const;
};

class Rng {
 public:
  Rng(std::uint64_t seed, std::uint32_t run) : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32) ^ (run * 0x9E3779B9u)}} {}

  /// Four independent 32-bit words for (agent, week, stream, sub).
  std::array<std::uint32_t, 4> words(std::uint32_t agent, std::uint32_t week, Stream stream, std::uint32_t sub = 0) const {
    r123::Philox4x32 g;
    r123::Philox4x32::ctr_type c = {{agent, week, static_cast<std::uint32_t>(stream), sub}};
    auto r = g(c, key_);
    return {r[0], r[1], r[2], r[3]};
  }
  /// Four uniforms in (0, 1).
  std::array<double, 4> uniforms(std::uint32_t agent, std::uint32_t week, Stream stream, std::uint32_t sub = 0) const {
    auto w = words(agent, week, stream, sub);
    return {to_unit(w[0]), to_unit(w[1]), to_unit(w[2]), to_unit(w[3])};
  }
  /// words(agents[j], week, stream, sub) for j < n (n <= RngBlock::kSize; agents holds kSize entries), 8 or 16
  /// at a time where the processor has AVX2 or AVX-512: the same integers, several times faster.
  void block(const std::uint32_t* agents, std::size_t n, std::uint32_t week, Stream stream, std::uint32_t sub, RngBlock& out) const;
  /// The same for the agents first, first + 1, ..., first + n - 1.
  void block(std::uint32_t first, std::size_t n, std::uint32_t week, Stream stream, std::uint32_t sub, RngBlock& out) const;
  /// Which instruction set block() uses on this processor ("avx512f", "avx2" or "scalar").
  static const char* block_isa();
  /// Make block() use `isa` ("scalar", "avx2", "avx512f") if this processor has it; for tests, not thread-safe.
  static bool use_block_isa(std::string_view isa);

  static double to_unit(std::uint32_t x) { return (static_cast<double>(x) + 0.5) * (1.0 / 4294967296.0); }

 private:
  r123::Philox4x32::key_type key_;
};

inline std::array<double, 4> RngBlock::uniforms(std::size_t j) const {
  return {Rng::to_unit(w[0][j]), Rng::to_unit(w[1][j]), Rng::to_unit(w[2][j]), Rng::to_unit(w[3][j])};
}

/// rng.uniforms(i, week, stream, sub) for the agents i of a loop that walks upwards to `end`, made a block
/// of RngBlock::kSize agents at a time (Rng::block): the same numbers, without a Philox call per agent. For
/// loops where most agents draw; each thread's chunk has its own cursor.
class DrawCursor {
 public:
  DrawCursor(const Rng& rng, std::uint32_t week, Stream stream, std::uint32_t sub, std::size_t end)
      : rng_(rng), week_(week), stream_(stream), sub_(sub), end_(end) {}
  std::array<double, 4> uniforms(std::size_t i) {
    if (i < base_ || i >= base_ + size_) refill(i);
    return block_.uniforms(i - base_);
  }
  std::uint32_t word(std::size_t i, int k) {
    if (i < base_ || i >= base_ + size_) refill(i);
    return block_.w[static_cast<std::size_t>(k)][i - base_];
  }

 private:
  void refill(std::size_t i) {
    base_ = i;
    size_ = std::min<std::size_t>(RngBlock::kSize, end_ > i ? end_ - i : 1);
    rng_.block(static_cast<std::uint32_t>(i), size_, week_, stream_, sub_, block_);
  }
  const Rng& rng_;
  std::uint32_t week_;
  Stream stream_;
  std::uint32_t sub_;
  std::size_t end_, base_ = 0, size_ = 0;
  RngBlock block_;
};

/// Poisson draw by inversion from a sequence of uniforms (small means only).
inline int poisson_from_uniform(double mean, double u) {
  double p = std::exp(-mean), cdf = p;
  int k = 0;
  while (u > cdf && k < 200) {
    ++k;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

}  // namespace buurt
