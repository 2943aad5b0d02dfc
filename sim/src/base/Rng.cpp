#include "buurt/base/Rng.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// GCC 12 warns inside its own AVX-512 headers (_mm512_undefined_epi32); the warning is about the header.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#define BUURT_RNG_X86 1
#endif

namespace buurt {

namespace {

// Philox4x32-10 as Random123 defines it (philox.h): ten rounds of two 32x32->64 multiplications, the key
// bumped by the Weyl constants between rounds. The vector versions below compute the same integers for 8
// or 16 counters at a time; RngBlock.philox_matches_random123 checks them against Random123 word for word.
constexpr std::uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u, kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;

struct Counter {
  std::uint32_t c1, c2, c3, k0, k1;
};

void block_scalar(const std::uint32_t* agents, std::size_t n, const Counter& c, RngBlock& out) {
  for (std::size_t j = 0; j < n; ++j) {
    std::uint32_t x0 = agents[j], x1 = c.c1, x2 = c.c2, x3 = c.c3, k0 = c.k0, k1 = c.k1;
    for (int r = 0; r < 10; ++r) {
      const std::uint64_t p0 = static_cast<std::uint64_t>(kM0) * x0, p1 = static_cast<std::uint64_t>(kM1) * x2;
      x0 = static_cast<std::uint32_t>(p1 >> 32) ^ x1 ^ k0;
      x1 = static_cast<std::uint32_t>(p1);
      x2 = static_cast<std::uint32_t>(p0 >> 32) ^ x3 ^ k1;
      x3 = static_cast<std::uint32_t>(p0);
      k0 += kW0;
      k1 += kW1;
    }
    out.w[0][j] = x0;
    out.w[1][j] = x1;
    out.w[2][j] = x2;
    out.w[3][j] = x3;
  }
}

#ifdef BUURT_RNG_X86
__attribute__((target("avx2"))) inline void mulhilo8(__m256i m, __m256i x, __m256i& hi, __m256i& lo) {
  const __m256i even = _mm256_mul_epu32(x, m), odd = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), m);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

__attribute__((target("avx2"))) void block_avx2(const std::uint32_t* agents, std::size_t n, const Counter& c, RngBlock& out) {
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(kM0)), m1 = _mm256_set1_epi32(static_cast<int>(kM1));
  for (std::size_t j = 0; j < n; j += 8) {
    __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(agents + j));
    __m256i x1 = _mm256_set1_epi32(static_cast<int>(c.c1)), x2 = _mm256_set1_epi32(static_cast<int>(c.c2));
    __m256i x3 = _mm256_set1_epi32(static_cast<int>(c.c3));
    std::uint32_t k0 = c.k0, k1 = c.k1;
    for (int r = 0; r < 10; ++r) {
      __m256i hi0, lo0, hi1, lo1;
      mulhilo8(m0, x0, hi0, lo0);
      mulhilo8(m1, x2, hi1, lo1);
      x0 = _mm256_xor_si256(_mm256_xor_si256(hi1, x1), _mm256_set1_epi32(static_cast<int>(k0)));
      x1 = lo1;
      x2 = _mm256_xor_si256(_mm256_xor_si256(hi0, x3), _mm256_set1_epi32(static_cast<int>(k1)));
      x3 = lo0;
      k0 += kW0;
      k1 += kW1;
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.w[0].data() + j), x0);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.w[1].data() + j), x1);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.w[2].data() + j), x2);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.w[3].data() + j), x3);
  }
}

__attribute__((target("avx512f"))) inline void mulhilo16(__m512i m, __m512i x, __m512i& hi, __m512i& lo) {
  const __m512i even = _mm512_mul_epu32(x, m), odd = _mm512_mul_epu32(_mm512_srli_epi64(x, 32), m);
  hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
  lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
}

__attribute__((target("avx512f"))) void block_avx512(const std::uint32_t* agents, std::size_t n, const Counter& c, RngBlock& out) {
  const __m512i m0 = _mm512_set1_epi32(static_cast<int>(kM0)), m1 = _mm512_set1_epi32(static_cast<int>(kM1));
  for (std::size_t j = 0; j < n; j += 16) {
    __m512i x0 = _mm512_loadu_si512(agents + j);
    __m512i x1 = _mm512_set1_epi32(static_cast<int>(c.c1)), x2 = _mm512_set1_epi32(static_cast<int>(c.c2));
    __m512i x3 = _mm512_set1_epi32(static_cast<int>(c.c3));
    std::uint32_t k0 = c.k0, k1 = c.k1;
    for (int r = 0; r < 10; ++r) {
      __m512i hi0, lo0, hi1, lo1;
      mulhilo16(m0, x0, hi0, lo0);
      mulhilo16(m1, x2, hi1, lo1);
      x0 = _mm512_xor_si512(_mm512_xor_si512(hi1, x1), _mm512_set1_epi32(static_cast<int>(k0)));
      x1 = lo1;
      x2 = _mm512_xor_si512(_mm512_xor_si512(hi0, x3), _mm512_set1_epi32(static_cast<int>(k1)));
      x3 = lo0;
      k0 += kW0;
      k1 += kW1;
    }
    _mm512_storeu_si512(out.w[0].data() + j, x0);
    _mm512_storeu_si512(out.w[1].data() + j, x1);
    _mm512_storeu_si512(out.w[2].data() + j, x2);
    _mm512_storeu_si512(out.w[3].data() + j, x3);
  }
}
#endif

using BlockFn = void (*)(const std::uint32_t*, std::size_t, const Counter&, RngBlock&);

BlockFn pick() {
#ifdef BUURT_RNG_X86
  if (__builtin_cpu_supports("avx512f")) return block_avx512;
  if (__builtin_cpu_supports("avx2")) return block_avx2;
#endif
  return block_scalar;
}

BlockFn kBlockFn = pick();  // changed only by Rng::use_block_isa (tests)

}  // namespace

void Rng::block(const std::uint32_t* agents, std::size_t n, std::uint32_t week, Stream stream, std::uint32_t sub, RngBlock& out) const {
  // The vector loops read and write whole vectors: agents and out hold RngBlock::kSize words, n <= kSize.
  kBlockFn(agents, n, Counter{week, static_cast<std::uint32_t>(stream), sub, key_[0], key_[1]}, out);
}

void Rng::block(std::uint32_t first, std::size_t n, std::uint32_t week, Stream stream, std::uint32_t sub, RngBlock& out) const {
  alignas(64) std::array<std::uint32_t, RngBlock::kSize> agents;
  for (std::uint32_t j = 0; j < RngBlock::kSize; ++j) agents[j] = first + j;
  block(agents.data(), n, week, stream, sub, out);
}

bool Rng::use_block_isa(std::string_view isa) {
  if (isa == "scalar") {
    kBlockFn = block_scalar;
    return true;
  }
#ifdef BUURT_RNG_X86
  if (isa == "avx2" && __builtin_cpu_supports("avx2")) {
    kBlockFn = block_avx2;
    return true;
  }
  if (isa == "avx512f" && __builtin_cpu_supports("avx512f")) {
    kBlockFn = block_avx512;
    return true;
  }
#endif
  return false;
}

const char* Rng::block_isa() {
#ifdef BUURT_RNG_X86
  if (kBlockFn == block_avx512) return "avx512f";
  if (kBlockFn == block_avx2) return "avx2";
#endif
  return "scalar";
}

}  // namespace buurt
