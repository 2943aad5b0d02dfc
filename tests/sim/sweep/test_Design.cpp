// Experiment designs: the properties each generator promises.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "buurt/sweep/Design.h"

using namespace buurt::sweep;

// Reference points of the unscrambled Sobol sequence with Joe & Kuo's new-joe-kuo-6.21201 direction
// numbers (Gray-code order, point 0 = origin), as printed by scipy.stats.qmc.Sobol(d, scramble=False)
// (SciPy 1.10, which uses the same direction numbers). Dimensions 1, 2, 5, 38, 512, 1024.
TEST(Sobol, MatchesPublishedJoeKuoPoints) {
  const int dims[] = {0, 1, 4, 37, 511, 1023};
  struct Ref {
    std::uint64_t index;
    double x[6];
  };
  const Ref refs[] = {
      {0, {0, 0, 0, 0, 0, 0}},
      {1, {0.5, 0.5, 0.5, 0.5, 0.5, 0.5}},
      {5, {0.875, 0.875, 0.875, 0.375, 0.875, 0.375}},
      {100, {0.4140625, 0.2578125, 0.8828125, 0.4765625, 0.5234375, 0.9453125}},
      {1000, {0.2197265625, 0.0966796875, 0.2802734375, 0.8310546875, 0.3955078125, 0.7138671875}},
      {2047, {0.00048828125, 0.62744140625, 0.63037109375, 0.55517578125, 0.29443359375, 0.32080078125}},
  };
  for (const auto& r : refs)
    for (int k = 0; k < 6; ++k) EXPECT_EQ(sobol_value(r.index, dims[k]), r.x[k]) << "point " << r.index << " dimension " << dims[k] + 1;
  // The first eight points in four dimensions (Joe & Kuo's example output).
  const double first[8][4] = {{0, 0, 0, 0},
                              {0.5, 0.5, 0.5, 0.5},
                              {0.75, 0.25, 0.25, 0.25},
                              {0.25, 0.75, 0.75, 0.75},
                              {0.375, 0.375, 0.625, 0.875},
                              {0.875, 0.875, 0.125, 0.375},
                              {0.625, 0.125, 0.875, 0.625},
                              {0.125, 0.625, 0.375, 0.125}};
  const Matrix m = sobol(8, 4);
  for (int i = 0; i < 8; ++i)
    for (int d = 0; d < 4; ++d) EXPECT_EQ(m(i, d), first[i][d]);
}

TEST(Sobol, FirstTwoToTheMPointsFillEveryDyadicInterval) {
  const int m = 7, n = 1 << m;
  const Matrix s = sobol(n, 40);
  for (int d = 0; d < 40; ++d) {
    std::set<int> cells;
    for (int i = 0; i < n; ++i) cells.insert(static_cast<int>(s(i, d) * n));
    EXPECT_EQ(static_cast<int>(cells.size()), n) << "dimension " << d + 1;
  }
}

TEST(Sobol, SkipShiftsTheSequence) {
  const Matrix a = sobol(10, 3), b = sobol(6, 3, 4);
  for (int i = 0; i < 6; ++i)
    for (int d = 0; d < 3; ++d) EXPECT_EQ(b(i, d), a(i + 4, d));
}

TEST(LatinHypercube, EveryStratumOfEveryFactorHitOnce) {
  for (std::int64_t n : {1, 7, 50}) {
    const Matrix m = latin_hypercube(n, 5, 42);
    ASSERT_EQ(m.rows, n);
    for (int d = 0; d < 5; ++d) {
      std::vector<int> hits(static_cast<std::size_t>(n), 0);
      for (std::int64_t i = 0; i < n; ++i) {
        ASSERT_GE(m(i, d), 0.0);
        ASSERT_LT(m(i, d), 1.0);
        ++hits[static_cast<std::size_t>(m(i, d) * static_cast<double>(n))];
      }
      EXPECT_TRUE(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; })) << "n=" << n << " factor " << d;
    }
  }
}

TEST(LatinHypercube, DeterministicPerSeedAndCentered) {
  const Matrix a = latin_hypercube(20, 3, 7), b = latin_hypercube(20, 3, 7), c = latin_hypercube(20, 3, 8);
  EXPECT_EQ(a.v, b.v);
  EXPECT_NE(a.v, c.v);
  const Matrix centered = latin_hypercube(10, 2, 7, true);
  for (double v : centered.v) EXPECT_DOUBLE_EQ(v * 10 - std::floor(v * 10), 0.5);
}

TEST(Saltelli, BlocksAreA_ABj_B) {
  const int p = 3;
  const std::int64_t n = 16;
  const Matrix s = saltelli(n, p), ab = sobol(n, 2 * p);
  ASSERT_EQ(s.rows, n * (p + 2));
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t r0 = i * (p + 2);
    for (int d = 0; d < p; ++d) {
      EXPECT_EQ(s(r0, d), ab(i, d));              // A: first p Sobol dimensions
      EXPECT_EQ(s(r0 + p + 1, d), ab(i, p + d));  // B: the next p
    }
    for (int j = 0; j < p; ++j)
      for (int d = 0; d < p; ++d) EXPECT_EQ(s(r0 + 1 + j, d), d == j ? s(r0 + p + 1, d) : s(r0, d)) << "AB^(" << j << ") column " << d;
  }
}

TEST(Morris, TrajectoriesChangeOneFactorAtATimeByDelta) {
  const int p = 5, levels = 4;
  const std::int64_t r = 12;
  const Matrix m = morris(r, p, levels, 99);
  const double delta = morris_delta(levels);
  EXPECT_DOUBLE_EQ(delta, 4.0 / 6.0);
  ASSERT_EQ(m.rows, r * (p + 1));
  for (std::int64_t t = 0; t < r; ++t) {
    std::set<int> moved;
    for (int s = 0; s < p; ++s) {
      int changed = 0;
      for (int d = 0; d < p; ++d) {
        const double a = m(t * (p + 1) + s, d), b = m(t * (p + 1) + s + 1, d);
        if (a != b) {
          ++changed;
          moved.insert(d);
          EXPECT_NEAR(std::abs(b - a), delta, 1e-12);
        }
      }
      EXPECT_EQ(changed, 1) << "trajectory " << t << " step " << s;
    }
    EXPECT_EQ(static_cast<int>(moved.size()), p) << "every factor moves once in trajectory " << t;
  }
  for (double v : m.v) {  // on the grid {0, 1/3, 2/3, 1}
    EXPECT_GE(v, 0.0);
    EXPECT_LE(v, 1.0);
    EXPECT_NEAR(v * (levels - 1), std::round(v * (levels - 1)), 1e-12);
  }
}

TEST(Grid, AllCombinationsFirstFactorSlowest) {
  const Matrix g = full_grid({2, 3});
  ASSERT_EQ(g.rows, 6);
  const double expect[6][2] = {{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}};
  for (int i = 0; i < 6; ++i)
    for (int d = 0; d < 2; ++d) EXPECT_EQ(g(i, d), expect[i][d]);
}
