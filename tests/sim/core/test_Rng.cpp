#include <gtest/gtest.h>

#include <cmath>

#include "buurt/core/Rng.h"

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
