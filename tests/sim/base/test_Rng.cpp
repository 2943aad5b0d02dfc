#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <string>

#include "buurt/base/Rng.h"

using namespace buurt;

TEST(Rng, PureFunctionOfItsKey) {
  const Rng a(42, 0), b(42, 0);
  EXPECT_EQ(a.words(7, 3, Stream::Events, 1), b.words(7, 3, Stream::Events, 1));
  EXPECT_NE(a.words(7, 3, Stream::Events, 1), a.words(8, 3, Stream::Events, 1));
  EXPECT_NE(a.words(7, 3, Stream::Events, 1), a.words(7, 4, Stream::Events, 1));
  EXPECT_NE(a.words(7, 3, Stream::Events, 1), a.words(7, 3, Stream::Ask, 1));
  EXPECT_NE(a.words(7, 3, Stream::Events, 1), Rng(42, 1).words(7, 3, Stream::Events, 1));
  EXPECT_NE(a.words(7, 3, Stream::Events, 1), Rng(43, 0).words(7, 3, Stream::Events, 1));
}

TEST(Rng, UniformsHaveMeanHalfAndStayInsideTheUnitInterval) {
  const Rng r(1, 0);
  double sum = 0, sq = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    for (double u : r.uniforms(static_cast<std::uint32_t>(i), 0, Stream::Init)) {
      ASSERT_GT(u, 0.0);
      ASSERT_LT(u, 1.0);
      sum += u;
      sq += u * u;
    }
  }
  const double mean = sum / (4.0 * n), var = sq / (4.0 * n) - mean * mean;
  EXPECT_NEAR(mean, 0.5, 0.003);
  EXPECT_NEAR(var, 1.0 / 12.0, 0.002);
}

TEST(Rng, PoissonInversionHasTheRightMean) {
  const Rng r(5, 0);
  double sum = 0;
  const int n = 50000;
  for (int i = 0; i < n; ++i) sum += poisson_from_uniform(2.5, r.uniforms(static_cast<std::uint32_t>(i), 0, Stream::Ties)[0]);
  EXPECT_NEAR(sum / n, 2.5, 0.05);
}

// The batched draws are the same integers as Random123's Philox4x32 one at a time, on every instruction set
// this processor has (the scalar loop always), for contiguous and gathered agents and partial blocks.
TEST(RngBlock, PhiloxMatchesRandom123) {
  const std::string default_isa = Rng::block_isa();
  int tried = 0;
  for (const char* isa : {"scalar", "avx2", "avx512f"}) {
    if (!Rng::use_block_isa(isa)) continue;
    ++tried;
    for (const std::uint64_t seed : {std::uint64_t{1}, std::uint64_t{0xFFFFFFFF12345678ull}}) {
      const Rng r(seed, 3);
      RngBlock out{};
      for (const std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{17}, std::size_t{RngBlock::kSize}}) {
        r.block(0xFFFFFF00u, n, 12345u, Stream::TieBreak, 2, out);
        for (std::size_t j = 0; j < n; ++j) {
          const auto w = r.words(0xFFFFFF00u + static_cast<std::uint32_t>(j), 12345u, Stream::TieBreak, 2);
          for (int k = 0; k < 4; ++k) ASSERT_EQ(out.w[static_cast<std::size_t>(k)][j], w[static_cast<std::size_t>(k)]) << isa << " n=" << n << " j=" << j;
        }
      }
      alignas(64) std::array<std::uint32_t, RngBlock::kSize> agents{};
      for (std::size_t j = 0; j < agents.size(); ++j) agents[j] = static_cast<std::uint32_t>(j * 2654435761u);
      r.block(agents.data(), agents.size(), kInitWeek, Stream::Demography, 1, out);
      for (std::size_t j = 0; j < agents.size(); ++j) {
        ASSERT_EQ(out.uniforms(j), r.uniforms(agents[j], kInitWeek, Stream::Demography, 1)) << isa << " j=" << j;
      }
    }
  }
  EXPECT_GE(tried, 1);
  ASSERT_TRUE(Rng::use_block_isa(default_isa));
}
