#pragma once
/// Counter-based random numbers: a pure function of (seed, run, resident, week, stream).
#include <Random123/philox.h>
#include <array>
#include <cmath>
#include <cstdint>

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
  static double to_unit(std::uint32_t x) { return (static_cast<double>(x) + 0.5) * (1.0 / 4294967296.0); }

 private:
  r123::Philox4x32::key_type key_;
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
